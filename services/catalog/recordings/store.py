"""Sessions as the catalog knows them, and their recordings, in the catalog's database.
`services/catalog/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from collections.abc import Collection

from pymongo.errors import DuplicateKeyError

from bookend.mongo import Document, Queries, to_document
from services.catalog.recordings.domain import KnownSession, Recording, RecordingExists
from services.catalog.recordings.ports import MAX_LISTED

SESSIONS, RECORDINGS = "sessions", "recordings"
NEWEST_FIRST = [("published_at", -1), ("_id", -1)]

# (collection, fields, unique). One recording a session: the unique index settles a race that
# the use case's own check cannot see.
INDEXES: list[tuple[str, list[str], bool]] = [
    (SESSIONS, ["district_id", "session_id"], True),
    (RECORDINGS, ["district_id", "session_id"], True),
    (RECORDINGS, ["district_id", "lesson_id"], False),
]


class RecordingQueries(Queries):
    async def get_session(self, district_id: str, session_id: str) -> KnownSession | None:
        query = {"district_id": district_id, "session_id": session_id}
        return await self._get(KnownSession, SESSIONS, query)

    async def get_recording(self, district_id: str, session_id: str) -> Recording | None:
        query = {"district_id": district_id, "session_id": session_id}
        return await self._get(Recording, RECORDINGS, query, key="id")

    async def list_recordings(
        self, district_id: str, lesson_id: str, section_ids: Collection[str] | None = None
    ) -> list[Recording]:
        query: Document = {"district_id": district_id, "lesson_id": lesson_id}
        if section_ids is not None:
            query["section_id"] = {"$in": sorted(section_ids)}
        return await self._list(
            Recording, RECORDINGS, query, NEWEST_FIRST, key="id", limit=MAX_LISTED
        )


class RecordingWrites(RecordingQueries):
    async def save_session(self, session: KnownSession) -> None:
        await self._save(SESSIONS, session, "district_id", "session_id")

    async def add_recording(self, recording: Recording) -> None:
        doc = to_document(recording, key="id")
        try:  # one document: a duplicate is a DuplicateKeyError (several: a BulkWriteError)
            await self.db[RECORDINGS].insert_one(doc, session=self.session)
        except DuplicateKeyError:
            raise RecordingExists(recording.session_id) from None
