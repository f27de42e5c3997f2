"""The feed projector's port for one batch of an import's enrolments: each section's sessions
and tasks read once, not once per student, and the batch's feed items added in one write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from bookend.contracts import CloudEvent
from bookend.contracts.scheduler import SessionStatus
from services.scheduler.feed.domain import FeedItem
from services.scheduler.feed.projector import Projection
from services.scheduler.roster.calendar import SchoolCalendar
from services.scheduler.roster.domain import Learner, Section
from services.scheduler.sessions.domain import LiveSession, Task
from services.scheduler.sessions.tasks import Extension


class OncePerSection:
    """A `Projection` over a transaction that only enrols: no session or task of a section
    changes within it, so what was read of a section once holds for the whole batch."""

    def __init__(self, tx: Projection) -> None:
        self._tx = tx
        self._sessions: dict[tuple[str, str], list[LiveSession]] = {}
        self._tasks: dict[tuple[str, str, datetime], list[Task]] = {}
        self._items: list[FeedItem] = []
        # Sections, calendars and a task's extensions, read once for the batch.
        self._read: dict[tuple[str, str, str], Any] = {}

    async def list_section_students(self, district_id: str, section_id: str) -> list[str]:
        return await self._tx.list_section_students(district_id, section_id)

    async def list_sessions_not_ended(self, district_id: str, section_id: str) -> list[LiveSession]:
        key = (district_id, section_id)
        if key not in self._sessions:
            self._sessions[key] = await self._tx.list_sessions_not_ended(district_id, section_id)
        return self._sessions[key]

    async def list_tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]:
        key = (district_id, section_id, moment)
        if key not in self._tasks:
            self._tasks[key] = await self._tx.list_tasks_due_after(district_id, section_id, moment)
        return self._tasks[key]

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        self._items.extend(items)

    async def save_session_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None:
        await self._tx.save_session_status(district_id, session_id, status)

    async def students_with_item(self, district_id: str, item_id: str) -> list[str]:
        return await self._tx.students_with_item(district_id, item_id)

    async def change_items(
        self,
        district_id: str,
        item_id: str,
        change: Callable[[FeedItem], FeedItem],
        *,
        student_id: str | None = None,
    ) -> list[str]:
        return await self._tx.change_items(district_id, item_id, change, student_id=student_id)

    async def list_recording_followers(
        self, district_id: str, section_id: str, at: datetime
    ) -> list[str]:
        return await self._tx.list_recording_followers(district_id, section_id, at)

    async def get_section(self, district_id: str, section_id: str) -> Section | None:
        key = ("section", district_id, section_id)
        if key not in self._read:
            self._read[key] = await self._tx.get_section(district_id, section_id)
        found: Section | None = self._read[key]
        return found

    async def get_calendar(self, district_id: str, school_id: str) -> SchoolCalendar | None:
        key = ("calendar", district_id, school_id)
        if key not in self._read:
            self._read[key] = await self._tx.get_calendar(district_id, school_id)
        found: SchoolCalendar | None = self._read[key]
        return found

    async def list_extensions(self, district_id: str, task_id: str) -> list[Extension]:
        key = ("extensions", district_id, task_id)
        if key not in self._read:
            self._read[key] = await self._tx.list_extensions(district_id, task_id)
        found: list[Extension] = self._read[key]
        return found

    async def get_learner(self, district_id: str, student_id: str) -> Learner | None:
        return await self._tx.get_learner(district_id, student_id)

    async def get_session(self, district_id: str, session_id: str) -> LiveSession | None:
        return await self._tx.get_session(district_id, session_id)

    async def remove_items(self, district_id: str, item_id: str) -> list[str]:
        return await self._tx.remove_items(district_id, item_id)

    async def emit(self, *events: CloudEvent) -> None:
        await self._tx.emit(*events)

    async def flush(self) -> None:
        """Add the batch's feed items, in one write."""
        if self._items:
            await self._tx.add_feed_items(self._items)
            self._items = []
