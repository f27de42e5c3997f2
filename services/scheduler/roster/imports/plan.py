"""What an import changes: its records against what the roster holds, merged (a term keeps its
blackouts, a section its teachers: an import adds and updates, never removes), counted by kind
as created, updated or unchanged, and cut into batches to write. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from services.scheduler.roster.domain import (
    District,
    Enrolment,
    Guardianship,
    Person,
    PersonRole,
    School,
    Section,
    Term,
)
from services.scheduler.roster.imports.references import Imported
from services.scheduler.roster.imports.report import KindCount, RosterKind

PEOPLE_KINDS = {
    PersonRole.TEACHER: RosterKind.TEACHERS,
    PersonRole.STUDENT: RosterKind.STUDENTS,
    PersonRole.GUARDIAN: RosterKind.GUARDIANS,
}


@dataclass(frozen=True, slots=True)
class Existing:
    """What the roster holds of the import's records, by key."""

    district: District | None = None
    schools: Mapping[str, School] = field(default_factory=dict)
    terms: Mapping[str, Term] = field(default_factory=dict)
    sections: Mapping[str, Section] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    guardianships: frozenset[Guardianship] = frozenset()
    enrolments: frozenset[Enrolment] = frozenset()


Record = District | School | Term | Section | Person | Guardianship | Enrolment


@dataclass(frozen=True, slots=True)
class Batch:
    """Records of one kind written in one transaction: all new, or all stored already."""

    kind: RosterKind
    records: tuple[Record, ...]
    new: bool


@dataclass(frozen=True, slots=True)
class Plan:
    counts: tuple[KindCount, ...]
    # To write, in the order records refer to each other: the new ones of a kind, then those
    # it updates.
    writes: tuple[Batch, ...]

    @property
    def to_write(self) -> int:
        return sum(len(batch.records) for batch in self.writes)

    def batches(self, size: int) -> Iterator[Batch]:
        for whole in self.writes:
            records = whole.records
            for start in range(0, len(records), size):
                yield Batch(whole.kind, records[start : start + size], whole.new)


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[RosterKind, KindCount] = {}
        self.created: dict[RosterKind, list[Record]] = {}
        self.updated: dict[RosterKind, list[Record]] = {}

    def add(self, kind: RosterKind, new: Record, old: Record | None) -> None:
        count = self.counts.get(kind, KindCount(kind))
        if old is None:
            count = replace(count, created=count.created + 1)
            self.created.setdefault(kind, []).append(new)
        elif old != new:
            count = replace(count, updated=count.updated + 1)
            self.updated.setdefault(kind, []).append(new)
        else:
            count = replace(count, unchanged=count.unchanged + 1)
        self.counts[kind] = count


def make_plan(imported: Imported, existing: Existing) -> Plan:
    tally = _Tally()
    if imported.district is not None:
        tally.add(RosterKind.DISTRICT, imported.district, existing.district)
    for school in imported.schools:
        tally.add(RosterKind.SCHOOLS, school, existing.schools.get(school.id))
    for term in _terms(imported, existing):
        tally.add(RosterKind.TERMS, term, existing.terms.get(term.id))
    for section in _sections(imported, existing):
        tally.add(RosterKind.SECTIONS, section, existing.sections.get(section.id))
    for person in imported.people:
        tally.add(PEOPLE_KINDS[person.role], person, existing.people.get(person.id))
    for link in imported.guardianships:
        tally.add(RosterKind.GUARDIAN_LINKS, link, _kept(link, existing.guardianships))
    for enrolment in imported.enrolments:
        tally.add(RosterKind.ENROLMENTS, enrolment, _kept(enrolment, existing.enrolments))
    # RosterKind's order is one in which records refer only to records written before them.
    kinds = [kind for kind in RosterKind if kind in tally.counts]
    writes = [
        Batch(kind, tuple(records[kind]), new)
        for kind in kinds
        for records, new in ((tally.created, True), (tally.updated, False))
        if kind in records
    ]
    return Plan(counts=tuple(tally.counts[kind] for kind in kinds), writes=tuple(writes))


def _kept(record: Record, kept: frozenset[Guardianship] | frozenset[Enrolment]) -> Record | None:
    return record if record in kept else None


def _terms(imported: Imported, existing: Existing) -> Sequence[Term]:
    """The terms of the files, and the roster's terms blackouts.csv adds dates to; each keeps
    the blackouts it had."""
    terms = {term.id: term for term in imported.terms}
    for term_id in imported.blackouts:
        if term_id not in terms:
            terms[term_id] = existing.terms[term_id]
    merged = []
    for term_id, term in sorted(terms.items()):
        before = existing.terms.get(term_id)
        kept = before.blackouts if before is not None else ()
        merged.append(term.with_blackouts((*kept, *imported.blackouts.get(term_id, ()))))
    return merged


def _sections(imported: Imported, existing: Existing) -> Sequence[Section]:
    """The sections of the files, and the roster's sections teacher enrollments name; each
    keeps the teachers it had and gains those enrolled."""
    sections = {section.id: section for section in imported.sections}
    for section_id in imported.teachers:
        if section_id not in sections:
            sections[section_id] = existing.sections[section_id]
    merged = []
    for section_id, section in sorted(sections.items()):
        before = existing.sections.get(section_id)
        teachers = (*(before.teacher_ids if before else ()), *imported.teachers.get(section_id, ()))
        merged.append(replace(section, teacher_ids=tuple(dict.fromkeys(teachers))))
    return merged
