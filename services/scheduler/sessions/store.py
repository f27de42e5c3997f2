"""The sessions' MongoDB access: lesson copies, live sessions and tasks.
`services/scheduler/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from bookend.clock import ALL_TIME, Span
from bookend.contracts.scheduler import SessionStatus
from bookend.mongo import (
    Document,
    Queries,
    exact,
    from_document,
    order_key,
    to_document,
    within,
)
from bookend.paging import KeyedPage, PageAsk
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.domain import LessonSummary, LiveSession, SessionSeries, Task
from services.scheduler.sessions.tasks import Excusal, Extension

LESSONS, SESSIONS, TASKS = "lessons", "sessions", "tasks"
SERIES, SECTION_WINDOWS = "session_series", "section_bookend_windows"
EXTENSIONS = "task_extensions"
EXCUSALS = "task_excusals"
ATTENDANCE = "session_attendance"
BY_START = [("starts_at", 1), ("_id", 1)]
BY_DUE = [("due_at", 1), ("_id", 1)]
NOT_ENDED = [SessionStatus.SCHEDULED.value, SessionStatus.LIVE.value]
# A session's place in its section's list, start then id, as one string written with it (dates
# compare to the second only in the embedded store's filters, ADR 0007): its pages' key.
START_ORDER = "start_order"
START_ORDER_ADDED = "session_start_order_added"

# (collection, fields, unique); sessions and tasks keep their ids as `_id`, never indexed again.
INDEXES: list[tuple[str, list[str], bool]] = [
    (LESSONS, ["district_id", "lesson_id"], True),
    (SESSIONS, ["district_id", "section_id", "starts_at"], False),
    (SESSIONS, ["district_id", "series_id", "starts_at"], False),
    (SESSIONS, ["district_id", "section_id", START_ORDER], False),
    (SECTION_WINDOWS, ["district_id", "section_id"], True),
    (EXTENSIONS, ["district_id", "task_id", "student_id"], True),
    (EXCUSALS, ["district_id", "task_id", "student_id"], True),
    (ATTENDANCE, ["district_id", "session_id"], True),
    (TASKS, ["district_id", "session_id"], False),
    (TASKS, ["district_id", "section_id", "due_at"], False),
]


class SessionsQueries(Queries):
    async def get_lesson(self, district_id: str, lesson_id: str) -> LessonSummary | None:
        query = {"district_id": district_id, "lesson_id": lesson_id}
        return await self._get(LessonSummary, LESSONS, query)

    async def get_session(self, district_id: str, session_id: str) -> LiveSession | None:
        query = {"_id": session_id, "district_id": district_id}
        return await self._get(LiveSession, SESSIONS, query, key="id")

    async def list_sessions(
        self, district_id: str, section_id: str, starting: Span = ALL_TIME
    ) -> list[LiveSession]:
        query: Document = {"district_id": district_id, "section_id": section_id}
        if not starting.is_open:
            query["starts_at"] = within(starting)
        return await self._list(LiveSession, SESSIONS, query, BY_START, key="id")

    async def page_sessions(
        self, district_id: str, section_id: str, starting: Span, asked: PageAsk
    ) -> KeyedPage[LiveSession]:
        query: Document = {"district_id": district_id, "section_id": section_id}
        bounds = {
            op: order_key(at)
            for op, at in (("$gte", starting.starts), ("$lt", starting.ends))
            if at is not None
        }
        if bounds:
            query[START_ORDER] = bounds
        return await self._page(SESSIONS, query, START_ORDER, asked, _session)

    async def list_sessions_not_ended(self, district_id: str, section_id: str) -> list[LiveSession]:
        query = {"district_id": district_id, "section_id": section_id, "status": {"$in": NOT_ENDED}}
        return await self._list(LiveSession, SESSIONS, query, BY_START, key="id")

    async def list_tasks(self, district_id: str, session_ids: Collection[str]) -> list[Task]:
        query = {"district_id": district_id, "session_id": {"$in": sorted(session_ids)}}
        return await self._list(Task, TASKS, query, BY_DUE, key="id")

    async def list_tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]:
        query = {"district_id": district_id, "section_id": section_id, "due_at": {"$gt": moment}}
        tasks = await self._list(Task, TASKS, query, BY_DUE, key="id")
        return [task for task in tasks if task.withdrawn_at is None]

    async def list_tasks_due(self, district_id: str, section_id: str, due: Span) -> list[Task]:
        query: Document = {"district_id": district_id, "section_id": section_id}
        if not due.is_open:
            query["due_at"] = within(due)
        return await self._list(Task, TASKS, query, BY_DUE, key="id")

    async def get_series(self, district_id: str, series_id: str) -> SessionSeries | None:
        query = {"_id": series_id, "district_id": district_id}
        return await self._get(SessionSeries, SERIES, query, key="id")

    async def list_series_sessions(self, district_id: str, series_id: str) -> list[LiveSession]:
        query = {"district_id": district_id, "series_id": series_id}
        return await self._list(LiveSession, SESSIONS, query, BY_START, key="id")

    async def get_task(self, district_id: str, task_id: str) -> Task | None:
        return await self._get(Task, TASKS, {"_id": task_id, "district_id": district_id}, key="id")

    async def list_extensions(self, district_id: str, task_id: str) -> list[Extension]:
        query = {"district_id": district_id, "task_id": task_id}
        return await self._list(Extension, EXTENSIONS, query, [("student_id", 1)])

    async def get_excusal(self, district_id: str, task_id: str, student_id: str) -> Excusal | None:
        query = {"district_id": district_id, "task_id": task_id, "student_id": student_id}
        return await self._get(Excusal, EXCUSALS, query)

    async def get_absentees(self, district_id: str, session_id: str) -> list[str] | None:
        doc = await self._one(ATTENDANCE, {"district_id": district_id, "session_id": session_id})
        return None if doc is None else list(doc["absent"])

    async def get_bookend_windows(self, district_id: str, section_id: str) -> BookendWindows | None:
        query = {"district_id": district_id, "section_id": section_id}
        doc = await self._one(SECTION_WINDOWS, query)
        if doc is None:
            return None
        return BookendWindows(
            prework_opens_before=timedelta(minutes=doc["prework_opens_before_minutes"]),
            followup_due_after=timedelta(minutes=doc["followup_due_after_minutes"]),
        )

    async def add_session_start_order(self) -> None:
        """Sessions stored before they were paged get their order field, once."""
        await self._add_missing(
            SESSIONS,
            START_ORDER,
            lambda doc: session_document(_session(doc)),
            START_ORDER_ADDED,
        )


class SessionsWrites(SessionsQueries):
    async def save_lesson(self, lesson: LessonSummary) -> None:
        await self._save(LESSONS, lesson, "district_id", "lesson_id")

    async def add_session(self, session: LiveSession) -> None:
        await self.db[SESSIONS].insert_one(session_document(session), session=self.session)

    async def add_tasks(self, tasks: Sequence[Task]) -> None:
        await self._add(TASKS, *tasks, key="id")

    async def save_session(self, session: LiveSession) -> None:
        doc = session_document(session)
        await self.db[SESSIONS].replace_one({"_id": session.id}, doc, session=self.session)

    async def save_tasks(self, tasks: Sequence[Task]) -> None:
        # Whole documents: the embedded store turns dates written with `$set` into strings.
        for task in tasks:
            doc = to_document(task, key="id")
            await self.db[TASKS].replace_one({"_id": task.id}, doc, session=self.session)

    async def save_absentees(
        self, district_id: str, session_id: str, student_ids: Sequence[str]
    ) -> None:
        query = {"district_id": district_id, "session_id": session_id}
        doc = query | {"absent": sorted(student_ids)}
        await self.db[ATTENDANCE].replace_one(exact(query), doc, upsert=True, session=self.session)

    async def save_extension(self, extension: Extension) -> None:
        query = {
            "district_id": extension.district_id,
            "task_id": extension.task_id,
            "student_id": extension.student_id,
        }
        doc = to_document(extension)
        await self.db[EXTENSIONS].replace_one(exact(query), doc, upsert=True, session=self.session)

    async def remove_extension(self, district_id: str, task_id: str, student_id: str) -> None:
        query = {"district_id": district_id, "task_id": task_id, "student_id": student_id}
        await self.db[EXTENSIONS].delete_one(exact(query), session=self.session)

    async def save_excusal(self, excusal: Excusal) -> None:
        await self._save(EXCUSALS, excusal, "district_id", "task_id", "student_id")

    async def remove_excusal(self, district_id: str, task_id: str, student_id: str) -> None:
        query = {"district_id": district_id, "task_id": task_id, "student_id": student_id}
        await self.db[EXCUSALS].delete_one(exact(query), session=self.session)

    async def save_series(self, series: SessionSeries) -> None:
        await self._add(SERIES, series, key="id")

    async def save_bookend_windows(
        self, district_id: str, section_id: str, windows: BookendWindows
    ) -> None:
        doc = {
            "district_id": district_id,
            "section_id": section_id,
            "prework_opens_before_minutes": windows.prework_opens_before / timedelta(minutes=1),
            "followup_due_after_minutes": windows.followup_due_after / timedelta(minutes=1),
        }
        query = {"district_id": district_id, "section_id": section_id}
        await self.db[SECTION_WINDOWS].replace_one(
            exact(query), doc, upsert=True, session=self.session
        )


def session_document(session: LiveSession) -> Document:
    """The session whole, with its place in its section's list (rewritten with its start)."""
    doc = to_document(session, key="id")
    doc[START_ORDER] = order_key(session.starts_at, session.id)
    return doc


def _session(doc: Document) -> LiveSession:
    return from_document(LiveSession, doc, key="id")
