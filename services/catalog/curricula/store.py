"""Curricula in the catalog's database, one document each with its units."""

from __future__ import annotations

from bookend.mongo import Document, Queries, exact, order_key, to_document
from services.catalog.curricula.domain import Curriculum
from services.catalog.curricula.ports import CurriculumPosition

CURRICULA = "curricula"
ORDER_KEY = "order_key"  # (created_at, id) as one string (ADR 0007)
INDEXES: list[tuple[str, list[str], bool]] = [(CURRICULA, ["district_id", ORDER_KEY], False)]


def curriculum_document(curriculum: Curriculum) -> Document:
    order = {ORDER_KEY: order_key(curriculum.created_at, curriculum.id)}
    return to_document(curriculum, key="id") | order


class CurriculumQueries(Queries):
    async def get_curriculum(self, district_id: str, curriculum_id: str) -> Curriculum | None:
        query = {"_id": curriculum_id, "district_id": district_id}
        return await self._get(Curriculum, CURRICULA, query, key="id")

    async def list_curricula(
        self, district_id: str, after: CurriculumPosition | None, limit: int
    ) -> list[Curriculum]:
        found: Document = {"district_id": district_id}
        if after is not None:
            found[ORDER_KEY] = {"$gt": order_key(after.created_at, after.curriculum_id)}
        order = [(ORDER_KEY, 1)]
        return await self._list(Curriculum, CURRICULA, found, order, key="id", limit=limit)

    async def count_curricula(self, district_id: str) -> int:
        return await self._count(CURRICULA, {"district_id": district_id})

    async def lessons_of_curriculum(
        self, district_id: str, curriculum_id: str
    ) -> frozenset[str] | None:
        curriculum = await self.get_curriculum(district_id, curriculum_id)
        return None if curriculum is None else curriculum.lesson_ids


class CurriculumWrites(CurriculumQueries):
    async def add_curriculum(self, curriculum: Curriculum) -> None:
        await self.db[CURRICULA].insert_one(curriculum_document(curriculum), session=self.session)

    async def save_curriculum(self, curriculum: Curriculum, *, expected: Curriculum) -> bool:
        found = {"_id": expected.id, "district_id": expected.district_id, "edits": expected.edits}
        result = await self.db[CURRICULA].replace_one(
            exact(found), curriculum_document(curriculum), session=self.session
        )
        return result.matched_count == 1
