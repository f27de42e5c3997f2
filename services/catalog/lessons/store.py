"""Lessons and their published versions in the catalog's database."""

from __future__ import annotations

import contextlib

from pymongo.errors import DuplicateKeyError

from bookend.contracts.catalog import LessonStatus
from bookend.mongo import Document, Queries, all_of, exact, from_document, order_key, to_document
from services.catalog.lessons.domain import Lesson, LessonVersion
from services.catalog.lessons.ports import LessonFilters, LessonQuery
from services.catalog.lessons.search import TITLE_WORDS, WORDS, findable

LESSONS = "lessons"
LESSON_VERSIONS = "lesson_versions"
# The library's order, (created_at, id), as one string: dates compare to the second only in the
# embedded store's filters (ADR 0007).
ORDER_KEY = "order_key"
LESSON_ORDER = [(ORDER_KEY, 1)]
# (collection, fields, unique). A search starts from the rarest of its conditions: MongoDB
# indexes the word and key arrays element by element (the embedded store reads a district's
# lessons).
INDEXES: list[tuple[str, list[str], bool]] = [
    (LESSONS, ["district_id", ORDER_KEY], False),
    (LESSONS, ["district_id", "status", ORDER_KEY], False),
    (LESSONS, ["district_id", WORDS], False),
    (LESSONS, ["district_id", "standard_keys"], False),
    (LESSONS, ["district_id", "subject_key", ORDER_KEY], False),
]
# Data changes a start-up makes once per database, each recorded by name when done.
MIGRATIONS = "migrations"
CONTENT_NESTED = "lesson_content_nested"
SEARCH_FIELDS_ADDED = "lesson_order_and_search_fields_added"

# What a lesson held at its top level before its content had a field of its own.
_CONTENT_FIELDS = ("title", "subject", "summary", "components")


def version_key(lesson_id: str, version: int) -> str:
    return f"{lesson_id}@{version}"


def lesson_document(lesson: Lesson) -> Document:
    """The lesson as stored, with the fields its searches and filters match."""
    order = {ORDER_KEY: order_key(lesson.created_at, lesson.id)}
    return to_document(lesson, key="id") | findable(lesson.content) | order


class LessonQueries(Queries):
    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        query = {"_id": lesson_id, "district_id": district_id}
        return await self._get(Lesson, LESSONS, query, key="id")

    async def get_lessons(self, district_id: str, lesson_ids: list[str]) -> list[Lesson]:
        query = {"district_id": district_id, "_id": {"$in": sorted(set(lesson_ids))}}
        return await self._list(Lesson, LESSONS, query, key="id")

    async def get_lesson_version(
        self, district_id: str, lesson_id: str, version: int
    ) -> LessonVersion | None:
        query = {"_id": version_key(lesson_id, version), "district_id": district_id}
        doc = await self._one(LESSON_VERSIONS, query)
        return None if doc is None else _version_of(doc)

    async def list_lessons(self, district_id: str, query: LessonQuery) -> list[Lesson]:
        found = _lessons(district_id, query)
        return await self._list(Lesson, LESSONS, found, LESSON_ORDER, key="id", limit=query.limit)

    async def count_lessons(self, district_id: str, query: LessonQuery) -> int:
        return await self._count(LESSONS, _lessons(district_id, query))

    async def nest_lesson_content(self) -> None:
        """Lessons stored before their content had a field of its own get one, at the first
        start-up that knows it, recorded as done so later start-ups read one document."""
        if await self._one(MIGRATIONS, {"_id": CONTENT_NESTED}) is not None:
            return
        for doc in await self._many(LESSONS, {"content": {"$exists": False}}):
            content = {name: doc.pop(name) for name in _CONTENT_FIELDS if name in doc}
            await self.db[LESSONS].replace_one(
                exact({"_id": doc["_id"]}), doc | {"content": content, "edits": 0}
            )
        with contextlib.suppress(DuplicateKeyError):  # another replica said so first
            await self.db[MIGRATIONS].insert_one({"_id": CONTENT_NESTED})

    async def add_search_fields(self) -> None:
        """Lessons stored before searches and the order had their own fields get them, once
        (as above)."""
        if await self._one(MIGRATIONS, {"_id": SEARCH_FIELDS_ADDED}) is not None:
            return
        for doc in await self._many(LESSONS, {ORDER_KEY: {"$exists": False}}):
            lesson = from_document(Lesson, doc, key="id")
            await self.db[LESSONS].replace_one(exact({"_id": lesson.id}), lesson_document(lesson))
        with contextlib.suppress(DuplicateKeyError):
            await self.db[MIGRATIONS].insert_one({"_id": SEARCH_FIELDS_ADDED})


def _lessons(district_id: str, query: LessonQuery) -> Document:
    """The lessons `query` asks for, as one query (its `after`, not its limit)."""
    # One explicit `$and`: the embedded store drops fields beside a bare `$or` (ADR 0007).
    conditions: list[Document] = [{"district_id": district_id}, _statuses(query)]
    conditions += _filtered(query.filters)
    if query.words:
        every = {"$all": list(query.words)}
        conditions.append({WORDS: every})
        if query.in_title is True:
            conditions.append({TITLE_WORDS: every})
        elif query.in_title is False:  # `$nor`: the embedded store has no `$not`
            conditions.append({"$nor": [{TITLE_WORDS: every}]})
    if (after := query.after) is not None:
        conditions.append({ORDER_KEY: {"$gt": order_key(after.created_at, after.lesson_id)}})
    return all_of(conditions)


def _filtered(filters: LessonFilters) -> list[Document]:
    """Arrays are matched with `$all` of one value: the same on both stores (ADR 0024)."""
    conditions: list[Document] = []
    if filters.subject is not None:
        conditions.append({"subject_key": filters.subject.strip().casefold()})
    if filters.grade_band is not None:
        conditions.append({"grade_band": filters.grade_band.value})
    if filters.standard is not None:
        conditions.append({"standard_keys": {"$all": [filters.standard.strip().upper()]}})
    if filters.mode_fit is not None:
        conditions.append({"mode_fits": {"$all": [filters.mode_fit.value]}})
    if filters.media_kind is not None:
        conditions.append({"media_kinds": {"$all": [filters.media_kind.value]}})
    if filters.max_download_bytes is not None:
        conditions.append({"download_bytes": {"$lte": filters.max_download_bytes}})
    if filters.lesson_ids is not None:
        conditions.append({"_id": {"$in": sorted(filters.lesson_ids)}})
    return conditions


def _version_of(doc: Document) -> LessonVersion:
    return from_document(LessonVersion, doc)  # its `_id` is derived, not a field


def _statuses(query: LessonQuery) -> Document:
    wanted = sorted(status.value for status in query.statuses)
    if len(wanted) == 1 and (query.drafts_by is None or wanted != [LessonStatus.DRAFT.value]):
        # An equality the index bounds (a student's every read): an `$in`, even of one value,
        # is checked row by row on the embedded store (ADR 0007).
        return {"status": wanted[0]}
    if query.drafts_by is None or LessonStatus.DRAFT not in query.statuses:
        return {"status": {"$in": wanted}}
    others = [status for status in wanted if status != LessonStatus.DRAFT]
    mine = {"status": LessonStatus.DRAFT.value, "created_by": query.drafts_by}
    return {"$or": [{"status": {"$in": others}}, mine]}


class LessonWrites(LessonQueries):
    async def add_lesson(self, lesson: Lesson) -> None:
        await self.db[LESSONS].insert_one(lesson_document(lesson), session=self.session)

    async def save_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        # Matching the expected count of edits makes a racing writer lose cleanly.
        result = await self.db[LESSONS].replace_one(
            exact(
                {"_id": expected.id, "district_id": expected.district_id, "edits": expected.edits}
            ),
            lesson_document(lesson),
            session=self.session,
        )
        return result.matched_count == 1

    async def add_lesson_version(self, version: LessonVersion) -> None:
        doc = to_document(version) | {"_id": version_key(version.lesson_id, version.version)}
        await self.db[LESSON_VERSIONS].insert_one(doc, session=self.session)
