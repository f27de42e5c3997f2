"""What the roster's use cases need from storage, so unit tests can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from bookend.paging import KeyedPage, PageAsk
from services.scheduler.feed.projector import Projection
from services.scheduler.roster.domain import (
    District,
    Enrolment,
    Guardianship,
    Learner,
    Person,
    School,
    SchoolCalendar,
    Section,
    Term,
)
from services.scheduler.roster.groups import Group

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SectionFilter:
    """Which sections: of one school, taught by one teacher, among some ids; unset is any."""

    school_id: str | None = None
    teacher_id: str | None = None
    section_ids: frozenset[str] | None = None


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_district(self, district_id: str) -> District | None: ...

    async def get_school(self, district_id: str, school_id: str) -> School | None: ...

    async def list_schools(
        self, district_id: str, school_ids: Collection[str] | None = None
    ) -> list[School]:
        """The district's schools (or those among `school_ids`), in id order."""
        ...

    async def page_schools(
        self, district_id: str, school_ids: Collection[str] | None, asked: PageAsk
    ) -> KeyedPage[School]:
        """A page of the district's schools (or of those among `school_ids`) by id."""
        ...

    async def get_term(self, district_id: str, term_id: str) -> Term | None: ...

    async def list_terms(
        self,
        district_id: str,
        *,
        school_id: str | None = None,
        term_ids: Collection[str] | None = None,
    ) -> list[Term]:
        """Terms by start then id: those of `school_id` and the district's own (of no school),
        or with `term_ids` those among them, or else all of the district's."""
        ...

    async def page_terms(self, district_id: str, school_id: str, asked: PageAsk) -> KeyedPage[Term]:
        """A page of the terms of `school_id` and the district's own, by start then id."""
        ...

    async def get_calendar(self, district_id: str, school_id: str) -> SchoolCalendar | None:
        """The school's days in its zone, from its terms and the district's: None for a school
        the district does not have. A school without terms has every Monday to Friday as a
        school day, from 08:00 to 15:00 (SchoolCalendar)."""
        ...

    async def get_section(self, district_id: str, section_id: str) -> Section | None: ...

    async def list_sections(self, district_id: str, which: SectionFilter) -> list[Section]:
        """Sections matching every condition of `which`, in id order."""
        ...

    async def page_sections(
        self, district_id: str, which: SectionFilter, asked: PageAsk
    ) -> KeyedPage[Section]:
        """A page of the sections matching every condition of `which`, by id."""
        ...

    async def section_ids(self, district_id: str, which: SectionFilter) -> set[str]:
        """The ids of every section matching `which` (ids only, to count a union of them)."""
        ...

    async def list_enrolments(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Enrolment]:
        """The enrolments of these students, by section then student."""
        ...

    async def list_section_students(self, district_id: str, section_id: str) -> list[str]:
        """The students enrolled in a section, in id order."""
        ...

    async def page_section_students(
        self, district_id: str, section_id: str, asked: PageAsk
    ) -> KeyedPage[str]:
        """A page of the ids of the students enrolled in a section, by id."""
        ...

    async def get_learner(self, district_id: str, student_id: str) -> Learner | None:
        """The student's zone, resolved: their own, else their (first) school's; None for a
        student the roster does not know."""
        ...

    async def get_person(self, district_id: str, person_id: str) -> Person | None: ...

    async def list_people(self, district_id: str, person_ids: Collection[str]) -> list[Person]:
        """The people among `person_ids` the district has, in id order."""
        ...

    async def list_guardianships(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Guardianship]:
        """The guardians of these students, by student then guardian."""
        ...

    async def list_wards(self, district_id: str, guardian_id: str) -> list[str]:
        """The students the roster links to this guardian, in id order."""
        ...

    async def get_group(self, district_id: str, group_id: str) -> Group | None: ...

    async def list_groups(self, district_id: str, section_id: str) -> list[Group]:
        """A section's groups, by name (ignoring case) then id."""
        ...

    async def page_groups(
        self, district_id: str, section_id: str, asked: PageAsk
    ) -> KeyedPage[Group]:
        """A page of a section's groups, by name (ignoring case: unique in a section)."""
        ...


class Transaction(Reads, Projection, Outbox, Protocol):
    """One transaction: roster writes and the feed items they bring commit together. Each
    save replaces the record with the same key, or adds it; with `new`, the caller knows none
    is stored yet and they are added (faster in bulk; one stored meanwhile fails the
    transaction)."""

    async def save_district(self, district: District) -> None: ...

    async def save_schools(self, schools: Sequence[School], *, new: bool = False) -> None: ...

    async def save_terms(self, terms: Sequence[Term], *, new: bool = False) -> None: ...

    async def save_sections(self, sections: Sequence[Section], *, new: bool = False) -> None: ...

    async def save_people(self, people: Sequence[Person], *, new: bool = False) -> None: ...

    async def save_guardianships(
        self, links: Sequence[Guardianship], *, new: bool = False
    ) -> None: ...

    async def save_enrolments(
        self, enrolments: Sequence[Enrolment], *, new: bool = False
    ) -> None: ...

    async def save_group(self, group: Group) -> None:
        """Add the group or replace it; a name another group of its section has (ignoring
        case) raises GroupNameTaken, whoever saved it first."""
        ...

    async def delete_group(self, district_id: str, group_id: str) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
