"""The catalog's MongoDB access: lessons, mapped to and from documents."""

from __future__ import annotations

import re

from bookend.contracts.catalog import LessonStatus
from bookend.mongo import Document, Queries, exact, to_document
from bookend.outbox import OutboxStore, OutboxTransaction
from services.catalog.domain import Lesson
from services.catalog.ports import LessonQuery

LESSONS = "lessons"
LESSON_ORDER = [("created_at", 1), ("_id", 1)]


class CatalogQueries(Queries):
    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        query = {"_id": lesson_id, "district_id": district_id}
        return await self._get(Lesson, LESSONS, query, key="id")

    async def list_lessons(self, district_id: str, query: LessonQuery) -> list[Lesson]:
        # One explicit `$and`: the embedded store drops fields beside a bare `$or` (ADR 0007).
        conditions: list[Document] = [{"district_id": district_id}, _statuses(query)]
        if query.title_contains:
            # Escaped, so the user's text is matched literally (nx-27017 supports $regex).
            title = re.escape(query.title_contains)
            conditions.append({"title": {"$regex": title, "$options": "i"}})
        if (after := query.after) is not None:
            conditions.append(
                {
                    "$or": [
                        {"created_at": {"$gt": after.created_at}},
                        {"created_at": after.created_at, "_id": {"$gt": after.lesson_id}},
                    ]
                }
            )
        found = {"$and": conditions}
        return await self._list(Lesson, LESSONS, found, LESSON_ORDER, key="id", limit=query.limit)


def _statuses(query: LessonQuery) -> Document:
    wanted = sorted(status.value for status in query.statuses)
    if query.drafts_by is None or LessonStatus.DRAFT not in query.statuses:
        return {"status": {"$in": wanted}}
    others = [status for status in wanted if status != LessonStatus.DRAFT]
    mine = {"status": LessonStatus.DRAFT.value, "created_by": query.drafts_by}
    return {"$or": [{"status": {"$in": others}}, mine]}


class CatalogTransaction(OutboxTransaction, CatalogQueries):
    async def add_lesson(self, lesson: Lesson) -> None:
        await self._add(LESSONS, lesson, key="id")

    async def save_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        # Matching the expected status and version makes a racing publish lose cleanly.
        result = await self.db[LESSONS].replace_one(
            exact(
                {
                    "_id": expected.id,
                    "district_id": expected.district_id,
                    "status": expected.status.value,
                    "version": expected.version,
                }
            ),
            to_document(lesson, key="id"),
            session=self.session,
        )
        return result.matched_count == 1


class CatalogStore(OutboxStore[CatalogTransaction], CatalogQueries):
    transaction = CatalogTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        # Not (..., created_at, _id): nx-27017 then fails every insert ("JSON path error").
        await self._index(LESSONS, ["district_id", "created_at"])
