"""What progress's use cases and handlers need from storage, so unit tests can use fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from bookend.paging import KeyedPage, PageAsk
from services.feedback.progress.domain import KnownTask, ProgressLog, StudentProgress, TaskMedia

T = TypeVar("T")


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_known_task(self, district_id: str, task_id: str) -> KnownTask | None: ...

    async def get_media_seconds(self, district_id: str, component_id: str) -> int | None:
        """How long the component's media plays, if the catalog said."""
        ...

    async def get_progress_log(
        self, district_id: str, task_id: str, student_id: str
    ) -> ProgressLog | None: ...

    async def list_task_progress(self, district_id: str, task_id: str) -> list[StudentProgress]:
        """Every student's progress on a task who reported any, by student id (no reports)."""
        ...

    async def page_task_progress(
        self,
        district_id: str,
        task_id: str,
        asked: PageAsk,
        *,
        student_ids: Collection[str] | None = None,
    ) -> KeyedPage[StudentProgress]:
        """A page of the progress of a task's students who reported any (only of those among
        `student_ids`, if given), by student id, without their reports."""
        ...

    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        """The school a section belongs to, as the scheduler's events told it."""
        ...


class Transaction(Reads, Outbox, Protocol):
    """One transaction: state, emitted events and the inbox mark commit together or not at all."""

    async def save_known_task(self, task: KnownTask) -> None: ...

    async def save_task_media(self, media: TaskMedia) -> None: ...

    async def save_progress_log(self, log: ProgressLog) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
