"""Every MongoDB call of the scheduler, and the mapping between documents and the domain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend
from bookend.outbox import MongoStore, MongoTransaction
from bookend.outbox.mongo import Document
from services.scheduler.domain import (
    Enrolment,
    Learner,
    LessonComponent,
    LessonSummary,
    LiveSession,
    School,
    Section,
    SessionStatus,
    Task,
)
from services.scheduler.feed import FeedItem, ItemKind, Position

T = TypeVar("T")

SCHOOLS, SECTIONS, ENROLMENTS, LEARNERS = "schools", "sections", "enrolments", "learners"
LESSONS, SESSIONS, TASKS, FEED = "lessons", "sessions", "tasks", "feed_items"

FEED_ORDER = [("actionable_at", ASCENDING), ("item_id", ASCENDING)]


class _Queries:
    """Read queries; `_bound` is None on the store and the transaction's session inside one."""

    db: AsyncDatabase[Document]
    _bound: AsyncClientSession | None

    def _c(self, name: str) -> AsyncCollection[Document]:
        return self.db[name]

    async def _one(self, name: str, query: Mapping[str, Any]) -> Document | None:
        return await self._c(name).find_one(dict(query), session=self._bound)

    async def _many(
        self, name: str, query: Mapping[str, Any], sort: list[tuple[str, int]] | None = None,
        limit: int = 0,
    ) -> list[Document]:
        cursor = self._c(name).find(dict(query), session=self._bound)
        if sort:
            cursor = cursor.sort(sort)
        if limit:
            cursor = cursor.limit(limit)
        return await cursor.to_list()

    async def school(self, district_id: str, school_id: str) -> School | None:
        doc = await self._one(SCHOOLS, {"district_id": district_id, "id": school_id})
        return School(doc["id"], doc["district_id"], doc["name"]) if doc else None

    async def section(self, district_id: str, section_id: str) -> Section | None:
        doc = await self._one(SECTIONS, {"district_id": district_id, "id": section_id})
        return _section(doc) if doc else None

    async def sections(
        self,
        district_id: str,
        *,
        school_id: str | None = None,
        teacher_id: str | None = None,
        section_ids: Sequence[str] | None = None,
    ) -> list[Section]:
        query: dict[str, Any] = {"district_id": district_id}
        if school_id is not None:
            query["school_id"] = school_id
        if teacher_id is not None:
            query["teacher_ids"] = teacher_id
        if section_ids is not None:
            query["id"] = {"$in": list(section_ids)}
        return [_section(doc) for doc in await self._many(SECTIONS, query, [("id", ASCENDING)])]

    async def enrolled_section_ids(self, district_id: str, student_ids: Sequence[str]) -> list[str]:
        query = {"district_id": district_id, "student_id": {"$in": list(student_ids)}}
        return sorted({doc["section_id"] for doc in await self._many(ENROLMENTS, query)})

    async def enrolled_student_ids(self, district_id: str, section_id: str) -> list[str]:
        query = {"district_id": district_id, "section_id": section_id}
        return sorted({doc["student_id"] for doc in await self._many(ENROLMENTS, query)})

    async def learner(self, district_id: str, student_id: str) -> Learner | None:
        doc = await self._one(LEARNERS, {"district_id": district_id, "student_id": student_id})
        return Learner(doc["student_id"], doc["district_id"], doc["time_zone"]) if doc else None

    async def lesson(self, district_id: str, lesson_id: str) -> LessonSummary | None:
        doc = await self._one(LESSONS, {"district_id": district_id, "lesson_id": lesson_id})
        return _lesson(doc) if doc else None

    async def live_session(self, district_id: str, session_id: str) -> LiveSession | None:
        doc = await self._one(SESSIONS, {"_id": session_id, "district_id": district_id})
        return _session(doc) if doc else None

    async def sessions_of_section(
        self,
        district_id: str,
        section_id: str,
        *,
        starts: datetime | None = None,
        ends: datetime | None = None,
        statuses: Sequence[SessionStatus] | None = None,
    ) -> list[LiveSession]:
        query: dict[str, Any] = {"district_id": district_id, "section_id": section_id}
        window = _range(starts, ends)
        if window:
            query["starts_at"] = window
        if statuses is not None:
            query["status"] = {"$in": [status.value for status in statuses]}
        order = [("starts_at", ASCENDING), ("_id", ASCENDING)]
        return [_session(doc) for doc in await self._many(SESSIONS, query, order)]

    async def tasks_of_sessions(self, district_id: str, session_ids: Sequence[str]) -> list[Task]:
        query = {"district_id": district_id, "session_id": {"$in": list(session_ids)}}
        order = [("due_at", ASCENDING), ("_id", ASCENDING)]
        return [_task(doc) for doc in await self._many(TASKS, query, order)]

    async def tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]:
        query = {"district_id": district_id, "section_id": section_id, "due_at": {"$gt": moment}}
        order = [("due_at", ASCENDING), ("_id", ASCENDING)]
        return [_task(doc) for doc in await self._many(TASKS, query, order)]

    async def feed_items(
        self,
        district_id: str,
        student_id: str,
        *,
        after: Position | None,
        starts: datetime | None,
        ends: datetime | None,
        kinds: frozenset[ItemKind],
        limit: int,
    ) -> list[FeedItem]:
        # A range read on (student_id, actionable_at, item_id): pages cost the same however deep.
        query: dict[str, Any] = {"student_id": student_id, "district_id": district_id}
        window = _range(starts, ends)
        if window:
            query["actionable_at"] = window
        if kinds:
            query["kind"] = {"$in": sorted(kind.value for kind in kinds)}
        if after is not None:
            # An explicit `$and`: the embedded store drops sibling fields beside a bare `$or`.
            query = {"$and": [query, {"$or": [
                {"actionable_at": {"$gt": after.actionable_at}},
                {"actionable_at": after.actionable_at, "item_id": {"$gt": after.item_id}},
            ]}]}
        return [_feed_item(doc) for doc in await self._many(FEED, query, FEED_ORDER, limit)]


class SchedulerTransaction(MongoTransaction, _Queries):
    """Repository writes bound to one transaction's session."""

    def __init__(self, db: AsyncDatabase[Document], session: AsyncClientSession) -> None:
        super().__init__(db, session)
        self._bound = session

    async def _put(self, name: str, key: Mapping[str, Any], doc: Document) -> None:
        # Read then replace or insert: the embedded store turns datetimes written with `$set`
        # into strings and ignores a string `_id` on replace-upserts, while these two are exact.
        existing = await self._one(name, key)
        if existing is None:
            await self._c(name).insert_one(doc, session=self._bound)
        else:
            await self._c(name).replace_one({"_id": existing["_id"]}, doc, session=self._bound)

    async def put_school(self, school: School) -> None:
        key = {"district_id": school.district_id, "id": school.id}
        await self._put(SCHOOLS, key, {**key, "name": school.name})

    async def put_section(self, section: Section) -> None:
        key = {"district_id": section.district_id, "id": section.id}
        await self._put(SECTIONS, key, {
            **key, "school_id": section.school_id, "name": section.name,
            "subject": section.subject, "time_zone": section.time_zone,
            "teacher_ids": list(section.teacher_ids),
        })

    async def put_enrolment(self, enrolment: Enrolment) -> None:
        key = {
            "district_id": enrolment.district_id, "section_id": enrolment.section_id,
            "student_id": enrolment.student_id,
        }
        await self._put(ENROLMENTS, key, dict(key))

    async def put_learner(self, learner: Learner) -> None:
        key = {"district_id": learner.district_id, "student_id": learner.student_id}
        await self._put(LEARNERS, key, {**key, "time_zone": learner.time_zone})

    async def put_lesson(self, lesson: LessonSummary) -> None:
        key = {"district_id": lesson.district_id, "lesson_id": lesson.lesson_id}
        await self._put(LESSONS, key, {
            **key, "version": lesson.version, "title": lesson.title, "subject": lesson.subject,
            "summary": lesson.summary,
            "components": [
                {"component_id": c.component_id, "title": c.title, "kind": c.kind.value,
                 "mode_fit": c.mode_fit.value, "minutes": c.minutes}
                for c in lesson.components
            ],
        })

    async def add_session(self, session: LiveSession, tasks: Sequence[Task]) -> None:
        await self._c(SESSIONS).insert_one(_session_doc(session), session=self._bound)
        if tasks:
            docs = [_task_doc(task) for task in tasks]
            await self._c(TASKS).insert_many(docs, session=self._bound)

    async def save_session(self, session: LiveSession) -> None:
        await self._c(SESSIONS).replace_one(
            {"_id": session.id}, _session_doc(session), session=self._bound
        )

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        by_student: dict[str, list[FeedItem]] = {}
        for item in items:
            by_student.setdefault(item.student_id, []).append(item)
        for student_id, wanted in by_student.items():
            query = {"student_id": student_id, "item_id": {"$in": [i.item_id for i in wanted]}}
            present = {doc["item_id"] for doc in await self._many(FEED, query)}
            missing = [_feed_doc(item) for item in wanted if item.item_id not in present]
            if missing:
                await self._c(FEED).insert_many(missing, session=self._bound)

    async def set_session_item_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None:
        await self._c(FEED).update_many(
            {"item_id": session_id, "district_id": district_id},
            {"$set": {"session_status": status.value}},
            session=self._bound,
        )


class SchedulerStore(MongoStore[SchedulerTransaction], _Queries):
    transaction = SchedulerTransaction
    _bound = None

    async def create_indexes(self) -> None:
        unique = True
        await self._index(SCHOOLS, ["district_id", "id"], unique)
        await self._index(SECTIONS, ["district_id", "id"], unique)
        await self._index(SECTIONS, ["district_id", "teacher_ids"])
        await self._index(SECTIONS, ["district_id", "school_id"])
        await self._index(ENROLMENTS, ["district_id", "section_id", "student_id"], unique)
        await self._index(ENROLMENTS, ["district_id", "student_id"])
        await self._index(LEARNERS, ["district_id", "student_id"], unique)
        await self._index(LESSONS, ["district_id", "lesson_id"], unique)
        await self._index(SESSIONS, ["district_id", "section_id", "starts_at"])
        await self._index(TASKS, ["district_id", "session_id"])
        await self._index(TASKS, ["district_id", "section_id", "due_at"])
        await self._index(FEED, ["student_id", "actionable_at", "item_id"])
        await self._index(FEED, ["student_id", "item_id"], unique)
        await self._index(FEED, ["item_id"])

    async def _index(self, name: str, fields: list[str], unique: bool = False) -> None:
        await self.db[name].create_index([(f, ASCENDING) for f in fields], unique=unique)


def _range(starts: datetime | None, ends: datetime | None) -> dict[str, datetime]:
    window: dict[str, datetime] = {}
    if starts is not None:
        window["$gte"] = starts
    if ends is not None:
        window["$lt"] = ends
    return window


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _at(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _section(doc: Document) -> Section:
    return Section(
        id=doc["id"], district_id=doc["district_id"], school_id=doc["school_id"],
        name=doc["name"], subject=doc["subject"], time_zone=doc["time_zone"],
        teacher_ids=tuple(doc["teacher_ids"]),
    )


def _lesson(doc: Document) -> LessonSummary:
    return LessonSummary(
        lesson_id=doc["lesson_id"], district_id=doc["district_id"], version=doc["version"],
        title=doc["title"], subject=doc["subject"], summary=doc["summary"],
        components=tuple(
            LessonComponent(c["component_id"], c["title"], ComponentKind(c["kind"]),
                            ModeFit(c["mode_fit"]), c["minutes"])
            for c in doc["components"]
        ),
    )


def _session_doc(session: LiveSession) -> Document:
    return {
        "_id": session.id, "district_id": session.district_id, "school_id": session.school_id,
        "section_id": session.section_id, "lesson_id": session.lesson_id,
        "lesson_version": session.lesson_version, "title": session.title,
        "starts_at": session.starts_at, "ends_at": session.ends_at,
        "time_zone": session.time_zone, "status": session.status.value,
        "started_at": session.started_at, "ended_at": session.ended_at,
        "task_ids": list(session.task_ids),
    }


def _session(doc: Document) -> LiveSession:
    return LiveSession(
        id=doc["_id"], district_id=doc["district_id"], school_id=doc["school_id"],
        section_id=doc["section_id"], lesson_id=doc["lesson_id"],
        lesson_version=doc["lesson_version"], title=doc["title"],
        starts_at=_at(doc["starts_at"]), ends_at=_at(doc["ends_at"]),
        time_zone=doc["time_zone"], status=SessionStatus(doc["status"]),
        started_at=_utc(doc["started_at"]), ended_at=_utc(doc["ended_at"]),
        task_ids=tuple(doc["task_ids"]),
    )


def _task_doc(task: Task) -> Document:
    return {
        "_id": task.id, "district_id": task.district_id, "section_id": task.section_id,
        "lesson_id": task.lesson_id, "component_id": task.component_id,
        "session_id": task.session_id, "bookend": task.bookend.value if task.bookend else None,
        "title": task.title, "minutes": task.minutes, "opens_at": task.opens_at,
        "due_at": task.due_at, "time_zone": task.time_zone,
    }


def _task(doc: Document) -> Task:
    return Task(
        id=doc["_id"], district_id=doc["district_id"], section_id=doc["section_id"],
        lesson_id=doc["lesson_id"], component_id=doc["component_id"],
        session_id=doc["session_id"], bookend=Bookend(doc["bookend"]) if doc["bookend"] else None,
        title=doc["title"], minutes=doc["minutes"], opens_at=_at(doc["opens_at"]),
        due_at=_at(doc["due_at"]), time_zone=doc["time_zone"],
    )


def _feed_doc(item: FeedItem) -> Document:
    return {
        "item_id": item.item_id, "kind": item.kind.value, "student_id": item.student_id,
        "district_id": item.district_id, "section_id": item.section_id,
        "session_id": item.session_id, "lesson_id": item.lesson_id, "title": item.title,
        "bookend": item.bookend.value if item.bookend else None, "minutes": item.minutes,
        "starts_at": item.starts_at, "ends_at": item.ends_at, "opens_at": item.opens_at,
        "due_at": item.due_at, "actionable_at": item.actionable_at,
        "rule_time_zone": item.rule_time_zone,
        "session_status": item.session_status.value if item.session_status else None,
    }


def _feed_item(doc: Document) -> FeedItem:
    status = doc["session_status"]
    return FeedItem(
        item_id=doc["item_id"], kind=ItemKind(doc["kind"]), student_id=doc["student_id"],
        district_id=doc["district_id"], section_id=doc["section_id"],
        session_id=doc["session_id"], lesson_id=doc["lesson_id"], title=doc["title"],
        bookend=Bookend(doc["bookend"]) if doc["bookend"] else None, minutes=doc["minutes"],
        starts_at=_utc(doc["starts_at"]), ends_at=_utc(doc["ends_at"]),
        opens_at=_utc(doc["opens_at"]), due_at=_utc(doc["due_at"]),
        actionable_at=_at(doc["actionable_at"]), rule_time_zone=doc["rule_time_zone"],
        session_status=SessionStatus(status) if status else None,
    )
