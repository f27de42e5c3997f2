"""What the catalog's use cases need from storage, so unit tests can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from bookend.contracts.catalog import GradeBand, LessonStatus, MediaKind, ModeFit
from bookend.outbox import Outbox
from services.catalog.lessons.domain import Lesson, LessonVersion

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LessonPosition:
    """Where a lesson sits in the catalog's order (created_at, then id): a page boundary."""

    created_at: datetime
    lesson_id: str


@dataclass(frozen=True, slots=True)
class LessonFilters:
    """What a lesson must be to be listed; None leaves a filter out. Read from the content
    readers see: a pending revision is found by nothing."""

    subject: str | None = None  # the same, ignoring case
    grade_band: GradeBand | None = None
    standard: str | None = None  # a standard's code, ignoring case
    mode_fit: ModeFit | None = None  # a component of the lesson fits it
    media_kind: MediaKind | None = None  # a component of the lesson has such media
    max_download_bytes: int | None = None  # everything downloadable, in full, at most this
    lesson_ids: frozenset[str] | None = None  # one of these (a curriculum's)


@dataclass(frozen=True, slots=True)
class LessonQuery:
    """Which lessons to list: a page of them in (created_at, id) order, strictly after `after`.

    With `words`, only lessons holding every one of them; `in_title` True keeps those whose
    title holds them all, False those whose title does not (the two ranks of a search)."""

    statuses: frozenset[LessonStatus]
    after: LessonPosition | None
    limit: int
    # Drafts are their author's until published: with a subject, only that author's drafts.
    drafts_by: str | None = None
    filters: LessonFilters = LessonFilters()
    words: tuple[str, ...] = ()
    in_title: bool | None = None


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None: ...

    async def get_lessons(self, district_id: str, lesson_ids: list[str]) -> list[Lesson]:
        """Those of `lesson_ids` the district has, in any order."""
        ...

    async def list_lessons(self, district_id: str, query: LessonQuery) -> list[Lesson]: ...

    async def count_lessons(self, district_id: str, query: LessonQuery) -> int:
        """How many lessons `query` finds, its limit aside."""
        ...

    async def get_lesson_version(
        self, district_id: str, lesson_id: str, version: int
    ) -> LessonVersion | None: ...

    async def lessons_of_curriculum(
        self, district_id: str, curriculum_id: str
    ) -> frozenset[str] | None:
        """The lessons placed in the curriculum's units; None if there is no such curriculum."""
        ...


class Transaction(Reads, Outbox, Protocol):
    """One transaction: lesson writes and the events they emit commit together or not at all."""

    async def add_lesson(self, lesson: Lesson) -> None: ...

    async def save_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        """Write `lesson` if the stored one is still `expected` (its count of edits)."""
        ...

    async def add_lesson_version(self, version: LessonVersion) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
