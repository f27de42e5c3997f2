"""What the sessions' use cases and the lesson handler need from storage, so unit tests can
use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Protocol, TypeVar

from bookend.clock import ALL_TIME, Span
from bookend.outbox import Outbox
from services.scheduler.feed.projector import Projection
from services.scheduler.roster import ports as roster
from services.scheduler.sessions.domain import LessonSummary, LiveSession, Task

T = TypeVar("T")


class Reads(roster.Reads, Protocol):
    """Queries, each scoped to one district; sessions are checked against the roster."""

    async def get_lesson(self, district_id: str, lesson_id: str) -> LessonSummary | None: ...

    async def get_session(self, district_id: str, session_id: str) -> LiveSession | None: ...

    async def list_sessions(
        self, district_id: str, section_id: str, starting: Span = ALL_TIME
    ) -> list[LiveSession]:
        """A section's sessions that start within `starting`, by start."""
        ...

    async def list_tasks(self, district_id: str, session_ids: Collection[str]) -> list[Task]:
        """The tasks of these sessions, by due time."""
        ...


class Transaction(Reads, Projection, Outbox, Protocol):
    """One transaction: sessions, their tasks, feed items and events commit together."""

    async def save_lesson(self, lesson: LessonSummary) -> None: ...

    async def add_session(self, session: LiveSession) -> None: ...

    async def add_tasks(self, tasks: Sequence[Task]) -> None: ...

    async def save_session(self, session: LiveSession) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
