"""The records of roster imports, and the lock that lets one import run at a time in a
district. Composed into the roster's store (`roster/store.py`)."""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from bookend.mongo import Queries, all_of, exact
from services.scheduler.roster.imports.report import ImportRecord

IMPORTS, IMPORT_LOCKS = "roster_imports", "roster_import_locks"

INDEXES: list[tuple[str, list[str], bool]] = [
    (IMPORTS, ["district_id", "id"], True),
    (IMPORT_LOCKS, ["district_id"], True),
]


class ImportRecords(Queries):
    async def get_import(self, district_id: str, import_id: str) -> ImportRecord | None:
        query = {"district_id": district_id, "id": import_id}
        return await self._get(ImportRecord, IMPORTS, query)

    async def save_import(self, record: ImportRecord) -> None:
        # Written whole (ADR 0007): its instants stay instants.
        await self._save(IMPORTS, record, "district_id", "id")

    async def take_import_lock(
        self, district_id: str, import_id: str, *, now_ms: int, until_ms: int
    ) -> bool:
        """Hold the district's import lock until `until_ms`: if no one holds it, it lapsed, or
        this import holds it already. False while another import holds it."""
        lapsed_or_mine = {"$or": [{"until_ms": {"$lt": now_ms}}, {"import_id": import_id}]}
        held_by = {"district_id": district_id, "import_id": import_id, "until_ms": until_ms}
        try:
            held = await self.db[IMPORT_LOCKS].find_one_and_update(
                # `$and`: the embedded store ignores a field beside a bare `$or` (ADR 0007).
                exact(all_of([{"district_id": district_id}, lapsed_or_mine])),
                {"$set": held_by},
                upsert=True,
                return_document=ReturnDocument.AFTER,
                session=self.session,
            )
        except DuplicateKeyError:
            return False  # another import holds it and it has not lapsed
        return held is not None and held.get("import_id") == import_id

    async def release_import_lock(self, district_id: str, import_id: str) -> None:
        await self.db[IMPORT_LOCKS].delete_one(
            exact({"district_id": district_id, "import_id": import_id}), session=self.session
        )
