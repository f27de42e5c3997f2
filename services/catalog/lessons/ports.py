"""What the catalog's use cases need from storage, so unit tests can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from bookend.contracts.catalog import LessonStatus
from bookend.outbox import Outbox
from services.catalog.lessons.domain import Lesson, LessonVersion

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LessonPosition:
    """Where a lesson sits in the catalog's order (created_at, then id): a page boundary."""

    created_at: datetime
    lesson_id: str


@dataclass(frozen=True, slots=True)
class LessonQuery:
    """Which lessons to list: a page of them in (created_at, id) order, strictly after `after`."""

    statuses: frozenset[LessonStatus]
    title_contains: str | None
    after: LessonPosition | None
    limit: int
    # Drafts are their author's until published: with a subject, only that author's drafts.
    drafts_by: str | None = None


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None: ...

    async def list_lessons(self, district_id: str, query: LessonQuery) -> list[Lesson]: ...

    async def get_lesson_version(
        self, district_id: str, lesson_id: str, version: int
    ) -> LessonVersion | None: ...


class Transaction(Reads, Outbox, Protocol):
    """One transaction: lesson writes and the events they emit commit together or not at all."""

    async def add_lesson(self, lesson: Lesson) -> None: ...

    async def save_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        """Write `lesson` if the stored one is still `expected` (its count of edits)."""
        ...

    async def add_lesson_version(self, version: LessonVersion) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
