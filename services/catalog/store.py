"""The catalog's MongoDB access: lessons, mapped to and from documents."""

from __future__ import annotations

import re
from datetime import UTC

from bookend.contracts.catalog import ComponentKind, LessonStatus, ModeFit
from bookend.mongo import Document, Queries
from bookend.outbox import OutboxStore, OutboxTransaction
from services.catalog.domain import Component, Lesson
from services.catalog.ports import LessonQuery

LESSONS = "lessons"
LESSON_ORDER = [("created_at", 1), ("_id", 1)]


class CatalogQueries(Queries):
    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        doc = await self._one(LESSONS, {"_id": lesson_id, "district_id": district_id})
        return None if doc is None else lesson_from_document(doc)

    async def list_lessons(self, district_id: str, query: LessonQuery) -> list[Lesson]:
        found: Document = {
            "district_id": district_id,
            "status": {"$in": sorted(status.value for status in query.statuses)},
        }
        if query.title_contains:
            # Escaped, so the user's text is matched literally (nx-27017 supports $regex).
            found["title"] = {"$regex": re.escape(query.title_contains), "$options": "i"}
        if (after := query.after) is not None:
            # An explicit `$and`: the embedded store drops fields standing beside a bare `$or`
            # (ADR 0007), which here would be the district.
            after_position = {
                "$or": [
                    {"created_at": {"$gt": after.created_at}},
                    {"created_at": after.created_at, "_id": {"$gt": after.lesson_id}},
                ]
            }
            found = {"$and": [found, after_position]}
        docs = await self._many(LESSONS, found, LESSON_ORDER, query.limit)
        return [lesson_from_document(doc) for doc in docs]


class CatalogTransaction(OutboxTransaction, CatalogQueries):
    async def add_lesson(self, lesson: Lesson) -> None:
        await self.db[LESSONS].insert_one(lesson_document(lesson), session=self.session)

    async def save_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        # Matching the expected status and version makes a racing publish lose cleanly.
        result = await self.db[LESSONS].replace_one(
            {
                "_id": expected.id,
                "district_id": expected.district_id,
                "status": expected.status.value,
                "version": expected.version,
            },
            lesson_document(lesson),
            session=self.session,
        )
        return result.matched_count == 1


class CatalogStore(OutboxStore[CatalogTransaction], CatalogQueries):
    transaction = CatalogTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        # Not (..., created_at, _id): nx-27017 then fails every insert ("JSON path error").
        await self._index(LESSONS, ["district_id", "created_at"])


def lesson_document(lesson: Lesson) -> Document:
    return {
        "_id": lesson.id,
        "district_id": lesson.district_id,
        "title": lesson.title,
        "subject": lesson.subject,
        "summary": lesson.summary,
        "status": lesson.status.value,
        "version": lesson.version,
        "components": [
            {
                "id": c.id,
                "title": c.title,
                "kind": c.kind.value,
                "mode_fit": c.mode_fit.value,
                "minutes": c.minutes,
            }
            for c in lesson.components
        ],
        "created_by": lesson.created_by,
        "created_at": lesson.created_at,
        "published_at": lesson.published_at,
    }


def lesson_from_document(doc: Document) -> Lesson:
    published_at = doc.get("published_at")
    return Lesson(
        id=doc["_id"],
        district_id=doc["district_id"],
        title=doc["title"],
        subject=doc["subject"],
        summary=doc.get("summary", ""),
        status=LessonStatus(doc["status"]),
        version=int(doc["version"]),
        components=tuple(
            Component(
                id=c["id"],
                title=c["title"],
                kind=ComponentKind(c["kind"]),
                mode_fit=ModeFit(c["mode_fit"]),
                minutes=int(c["minutes"]),
            )
            for c in doc["components"]
        ),
        created_by=doc["created_by"],
        created_at=doc["created_at"].astimezone(UTC),
        published_at=None if published_at is None else published_at.astimezone(UTC),
    )
