"""What pulse use cases need from storage, so unit tests can use fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from bookend.paging import KeyedPage, PageAsk
from services.feedback.access import SchoolOfSection
from services.feedback.pulse.domain import Pulse

T = TypeVar("T")


class Reads(SchoolOfSection, Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_pulse(
        self, district_id: str, student_id: str, week: str, respondent_id: str
    ) -> Pulse | None:
        """One respondent's pulse about one student for one week, if given."""
        ...

    async def list_student_pulses(
        self, district_id: str, student_id: str, week: str
    ) -> list[Pulse]:
        """A student's pulses of a week: their own and their guardians', by respondent."""
        ...

    async def latest_own_pulse(self, district_id: str, student_id: str) -> Pulse | None:
        """The student's own pulse of the latest week they answered: the sections it names
        are the student's as feedback last heard them (ADR 0036)."""
        ...

    async def list_section_pulses(
        self, district_id: str, section_id: str, week: str
    ) -> list[Pulse]:
        """Every pulse of a week about a student of the section (students' and guardians')."""
        ...

    async def page_section_pulses(
        self, district_id: str, section_id: str, week: str, asked: PageAsk
    ) -> KeyedPage[Pulse]:
        """A page of a section's week of pulses: by student, their own before their
        guardians', then by respondent."""
        ...


class Transaction(Reads, Outbox, Protocol):
    async def save_pulse(self, pulse: Pulse) -> None:
        """Insert it, or replace the one with the same student, week and respondent (one a
        respondent, student and week: a unique index holds it)."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
