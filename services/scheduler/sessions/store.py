"""The sessions' MongoDB access: lesson copies, live sessions and tasks.
`services/scheduler/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bookend.clock import ALL_TIME, Span
from bookend.contracts.scheduler import SessionStatus
from bookend.mongo import Document, Queries, to_document, within
from services.scheduler.sessions.domain import LessonSummary, LiveSession, Task

LESSONS, SESSIONS, TASKS = "lessons", "sessions", "tasks"
BY_START = [("starts_at", 1), ("_id", 1)]
BY_DUE = [("due_at", 1), ("_id", 1)]
NOT_ENDED = [SessionStatus.SCHEDULED.value, SessionStatus.LIVE.value]

# (collection, fields, unique); sessions and tasks keep their ids as `_id`, never indexed again.
INDEXES: list[tuple[str, list[str], bool]] = [
    (LESSONS, ["district_id", "lesson_id"], True),
    (SESSIONS, ["district_id", "section_id", "starts_at"], False),
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
        return await self._list(Task, TASKS, query, BY_DUE, key="id")


class SessionsWrites(SessionsQueries):
    async def save_lesson(self, lesson: LessonSummary) -> None:
        await self._save(LESSONS, lesson, "district_id", "lesson_id")

    async def add_session(self, session: LiveSession) -> None:
        await self._add(SESSIONS, session, key="id")

    async def add_tasks(self, tasks: Sequence[Task]) -> None:
        await self._add(TASKS, *tasks, key="id")

    async def save_session(self, session: LiveSession) -> None:
        doc = to_document(session, key="id")
        await self.db[SESSIONS].replace_one({"_id": session.id}, doc, session=self.session)
