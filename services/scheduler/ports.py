"""What the use cases need from storage, so unit tests run them against in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from bookend.contracts import CloudEvent
from services.scheduler.domain import (
    Enrolment,
    Learner,
    LessonSummary,
    LiveSession,
    School,
    Section,
    SessionStatus,
    Task,
)
from services.scheduler.feed import FeedItem, ItemKind, Position

T = TypeVar("T")


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def school(self, district_id: str, school_id: str) -> School | None: ...

    async def section(self, district_id: str, section_id: str) -> Section | None: ...

    async def sections(
        self,
        district_id: str,
        *,
        school_id: str | None = None,
        teacher_id: str | None = None,
        section_ids: Sequence[str] | None = None,
    ) -> list[Section]: ...

    async def enrolled_section_ids(self, district_id: str, student_ids: Sequence[str]) -> list[str]:
        ...

    async def enrolled_student_ids(self, district_id: str, section_id: str) -> list[str]: ...

    async def learner(self, district_id: str, student_id: str) -> Learner | None: ...

    async def lesson(self, district_id: str, lesson_id: str) -> LessonSummary | None: ...

    async def live_session(self, district_id: str, session_id: str) -> LiveSession | None: ...

    async def sessions_of_section(
        self,
        district_id: str,
        section_id: str,
        *,
        starts: datetime | None = None,
        ends: datetime | None = None,
        statuses: Sequence[SessionStatus] | None = None,
    ) -> list[LiveSession]:
        """Ordered by starts_at; `starts`/`ends` bound starts_at (from inclusive, to exclusive)."""
        ...

    async def tasks_of_sessions(self, district_id: str, session_ids: Sequence[str]) -> list[Task]:
        ...

    async def tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]: ...

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
        """A range read in (actionable_at, item_id) order strictly after `after`."""
        ...


class Transaction(Reads, Protocol):
    async def emit(self, event: CloudEvent) -> None: ...

    async def first_time(self, consumer: str, event_id: str) -> bool: ...

    async def put_school(self, school: School) -> None: ...

    async def put_section(self, section: Section) -> None: ...

    async def put_enrolment(self, enrolment: Enrolment) -> None: ...

    async def put_learner(self, learner: Learner) -> None: ...

    async def put_lesson(self, lesson: LessonSummary) -> None: ...

    async def add_session(self, session: LiveSession, tasks: Sequence[Task]) -> None: ...

    async def save_session(self, session: LiveSession) -> None: ...

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        """Insert items a student does not have yet; existing ones are left as they are."""
        ...

    async def set_session_item_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
