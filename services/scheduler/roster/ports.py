"""What the roster's use cases need from storage, so unit tests can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from services.scheduler.feed.projector import Projection
from services.scheduler.roster.domain import Enrolment, Learner, School, Section

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SectionFilter:
    """Which sections: of one school, taught by one teacher, among some ids; unset is any."""

    school_id: str | None = None
    teacher_id: str | None = None
    section_ids: frozenset[str] | None = None


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_school(self, district_id: str, school_id: str) -> School | None: ...

    async def get_section(self, district_id: str, section_id: str) -> Section | None: ...

    async def list_sections(self, district_id: str, which: SectionFilter) -> list[Section]:
        """Sections matching every condition of `which`, in id order."""
        ...

    async def list_enrolments(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Enrolment]:
        """The enrolments of these students, by section then student."""
        ...

    async def get_learner(self, district_id: str, student_id: str) -> Learner | None: ...


class Transaction(Reads, Projection, Outbox, Protocol):
    """One transaction: roster writes and the feed items they bring commit together."""

    async def save_school(self, school: School) -> None: ...

    async def save_section(self, section: Section) -> None: ...

    async def save_enrolment(self, enrolment: Enrolment) -> None: ...

    async def save_learner(self, learner: Learner) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
