"""The catalog's MongoDB access: lessons, mapped to and from documents."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC
from typing import TypeVar

from pymongo import ASCENDING

from services.catalog.domain import Component, Lesson, LessonStatus
from services.catalog.ports import LessonPosition
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.outbox import MongoStore, MongoTransaction
from bookend.outbox.mongo import Document

LESSONS = "lessons"

T = TypeVar("T")


class CatalogTransaction(MongoTransaction):
    async def find_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        doc = await self.db[LESSONS].find_one(
            {"_id": lesson_id, "district_id": district_id}, session=self.session
        )
        return None if doc is None else lesson_from_document(doc)

    async def insert_lesson(self, lesson: Lesson) -> None:
        await self.db[LESSONS].insert_one(lesson_document(lesson), session=self.session)

    async def replace_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        # Matching the expected status and version makes a racing publish lose cleanly.
        result = await self.db[LESSONS].replace_one(
            {"_id": expected.id, "district_id": expected.district_id,
             "status": expected.status.value, "version": expected.version},
            lesson_document(lesson),
            session=self.session,
        )
        return result.matched_count == 1


class CatalogStore(MongoStore[CatalogTransaction]):
    transaction = CatalogTransaction

    async def create_indexes(self) -> None:
        # Not (..., created_at, _id): nx-27017 then fails every insert ("JSON path error").
        await self.db[LESSONS].create_index(
            [("district_id", ASCENDING), ("created_at", ASCENDING)]
        )

    async def find_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        doc = await self.db[LESSONS].find_one({"_id": lesson_id, "district_id": district_id})
        return None if doc is None else lesson_from_document(doc)

    async def list_lessons(
        self,
        district_id: str,
        *,
        statuses: Collection[LessonStatus],
        title_contains: str | None,
        after: LessonPosition | None,
        limit: int,
    ) -> list[Lesson]:
        query: Document = {
            "district_id": district_id,
            "status": {"$in": [status.value for status in statuses]},
        }
        if title_contains:
            # Escaped, so the user's text is matched literally (nx-27017 supports $regex).
            query["title"] = {"$regex": re.escape(title_contains), "$options": "i"}
        if after is not None:
            # An explicit `$and`, as in the scheduler's feed: the embedded store has dropped
            # fields standing beside a bare `$or` (ADR 0007), which here would be the district.
            query = {"$and": [query, {"$or": [
                {"created_at": {"$gt": after.created_at}},
                {"created_at": after.created_at, "_id": {"$gt": after.lesson_id}},
            ]}]}
        docs = await (
            self.db[LESSONS]
            .find(query)
            .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
            .to_list()
        )
        return [lesson_from_document(doc) for doc in docs]


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
            {"id": c.id, "title": c.title, "kind": c.kind.value, "mode_fit": c.mode_fit.value,
             "minutes": c.minutes}
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
                id=c["id"], title=c["title"], kind=ComponentKind(c["kind"]),
                mode_fit=ModeFit(c["mode_fit"]), minutes=int(c["minutes"]),
            )
            for c in doc["components"]
        ),
        created_by=doc["created_by"],
        created_at=doc["created_at"].astimezone(UTC),
        published_at=None if published_at is None else published_at.astimezone(UTC),
    )
