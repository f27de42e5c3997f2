"""What the catalog's use cases need from storage, so unit tests can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from services.catalog.domain import Lesson, LessonStatus
from bookend.contracts import CloudEvent

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LessonPosition:
    """Where a lesson sits in the catalog's order (created_at, then id): a page boundary."""

    created_at: datetime
    lesson_id: str


class CatalogUnit(Protocol):
    """One transaction: lesson writes and the events they emit commit together or not at all."""

    async def find_lesson(self, district_id: str, lesson_id: str) -> Lesson | None: ...

    async def insert_lesson(self, lesson: Lesson) -> None: ...

    async def replace_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        """Write `lesson` if the stored one still has `expected`'s status and version."""
        ...

    async def emit(self, event: CloudEvent) -> None: ...


class CatalogRepository(Protocol):
    async def atomically(self, work: Callable[[CatalogUnit], Awaitable[T]]) -> T: ...

    async def find_lesson(self, district_id: str, lesson_id: str) -> Lesson | None: ...

    async def list_lessons(
        self,
        district_id: str,
        *,
        statuses: Collection[LessonStatus],
        title_contains: str | None,
        after: LessonPosition | None,
        limit: int,
    ) -> list[Lesson]:
        """Lessons in (created_at, id) order, strictly after `after`."""
        ...
