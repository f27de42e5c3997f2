"""What the sessions' use cases and the lesson handler need from storage, so unit tests can
use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Protocol, TypeVar

from bookend.clock import ALL_TIME, Span
from bookend.paging import KeyedPage, PageAsk
from services.scheduler.balance import ports as balance
from services.scheduler.feed.projector import Projection
from services.scheduler.roster import ports as roster
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.domain import LessonSummary, LiveSession, SessionSeries, Task
from services.scheduler.sessions.tasks import Excusal, Extension

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

    async def page_sessions(
        self, district_id: str, section_id: str, starting: Span, asked: PageAsk
    ) -> KeyedPage[LiveSession]:
        """A page of a section's sessions that start within `starting`, by start then id."""
        ...

    async def list_tasks(self, district_id: str, session_ids: Collection[str]) -> list[Task]:
        """The tasks of these sessions, by due time."""
        ...

    async def get_task(self, district_id: str, task_id: str) -> Task | None: ...

    async def get_absentees(self, district_id: str, session_id: str) -> list[str] | None:
        """The students absent from a session, once its attendance is known."""
        ...

    async def list_extensions(self, district_id: str, task_id: str) -> list[Extension]:
        """The students' own windows of a task, by student."""
        ...

    async def get_excusal(
        self, district_id: str, task_id: str, student_id: str
    ) -> Excusal | None: ...

    async def get_series(self, district_id: str, series_id: str) -> SessionSeries | None: ...

    async def list_series_sessions(self, district_id: str, series_id: str) -> list[LiveSession]:
        """The occurrences of a series, by start."""
        ...

    async def get_bookend_windows(self, district_id: str, section_id: str) -> BookendWindows | None:
        """The section's own windows, or None when it takes the service's defaults."""
        ...


class Transaction(Reads, Projection, balance.Checking, Protocol):
    """One transaction: sessions, their tasks, feed items and events commit together, once
    the section's balance policy has measured the change."""

    async def save_lesson(self, lesson: LessonSummary) -> None: ...

    async def add_session(self, session: LiveSession) -> None: ...

    async def add_tasks(self, tasks: Sequence[Task]) -> None: ...

    async def save_session(self, session: LiveSession) -> None: ...

    async def save_tasks(self, tasks: Sequence[Task]) -> None:
        """Replace these tasks, stored before, with their new state."""
        ...

    async def save_series(self, series: SessionSeries) -> None: ...

    async def save_absentees(
        self, district_id: str, session_id: str, student_ids: Sequence[str]
    ) -> None: ...

    async def save_extension(self, extension: Extension) -> None:
        """A student's own window of a task, in place of one they had."""
        ...

    async def save_bookend_windows(
        self, district_id: str, section_id: str, windows: BookendWindows
    ) -> None: ...

    async def save_excusal(self, excusal: Excusal) -> None:
        """A student's excusal from a task, in place of one they had."""
        ...

    async def remove_excusal(self, district_id: str, task_id: str, student_id: str) -> None: ...

    async def remove_extension(self, district_id: str, task_id: str, student_id: str) -> None:
        """The student's window of the task is the task's again."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
