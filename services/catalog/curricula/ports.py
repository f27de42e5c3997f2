"""What the curricula's use cases need from storage, so unit tests can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from services.catalog.curricula.domain import Curriculum
from services.catalog.lessons.domain import Lesson

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CurriculumPosition:
    """A page boundary in (created_at, id) order."""

    created_at: datetime
    curriculum_id: str


class Reads(Protocol):
    async def get_curriculum(self, district_id: str, curriculum_id: str) -> Curriculum | None: ...

    async def list_curricula(
        self, district_id: str, after: CurriculumPosition | None, limit: int
    ) -> list[Curriculum]: ...

    async def count_curricula(self, district_id: str) -> int: ...


class Transaction(Reads, Protocol):
    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None: ...

    async def add_curriculum(self, curriculum: Curriculum) -> None: ...

    async def save_curriculum(self, curriculum: Curriculum, *, expected: Curriculum) -> bool:
        """Write `curriculum` if the stored one is still `expected` (its count of edits)."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
