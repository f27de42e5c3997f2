"""The roster's use cases: load the district, schools, terms, sections, people, guardians and
enrolments one at a time, and read them back. Admins only, each within their district, a
school admin within their school (`services/scheduler/access.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bookend.auth import ADMINS, Forbidden, Principal, Role
from bookend.clock import Clock
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import FieldError, refuse_if
from services.scheduler import access
from services.scheduler.feed.projector import project
from services.scheduler.roster.calendar import TermDraft, new_term
from services.scheduler.roster.domain import (
    District,
    EnrolledStudent,
    Enrolling,
    Guardianship,
    Person,
    PersonDraft,
    PersonNotFound,
    PersonRole,
    RoleChanged,
    School,
    SchoolNotFound,
    SchoolUnknown,
    Section,
    SectionDraft,
    SectionNotFound,
    Term,
    TermUnknown,
    enrol,
    new_district,
    new_person,
    new_school,
    new_section,
    student_zone,
    zone_errors,
)
from services.scheduler.roster.ports import Reads, Store, Transaction


async def put_district(name: str, *, principal: Principal, store: Store) -> District:
    principal.require(Role.DISTRICT_ADMIN)
    district = new_district(principal.district, name=name)

    async def work(tx: Transaction) -> None:
        await tx.save_district(district)

    await store.atomically(work)
    return district


async def get_district(*, principal: Principal, reads: Reads) -> District:
    """The district's name as the roster has it (its id, if no one named it yet)."""
    principal.require(*ADMINS)
    found = await reads.get_district(principal.district)
    return found or District(principal.district, principal.district)


async def put_school(
    school_id: str, *, name: str, time_zone: str, principal: Principal, store: Store
) -> School:
    principal.require(*ADMINS)
    access.require_administers(principal, school_id)
    school = new_school(school_id, district_id=principal.district, name=name, time_zone=time_zone)

    async def work(tx: Transaction) -> None:
        await tx.save_schools([school])

    await store.atomically(work)
    return school


async def list_schools(asked: PageAsk, *, principal: Principal, reads: Reads) -> KeyedPage[School]:
    """A page of a district admin's every school, or a school admin's own, by id."""
    principal.require(*ADMINS)
    if principal.has(Role.DISTRICT_ADMIN):
        return await reads.page_schools(principal.district, None, asked)
    return await reads.page_schools(principal.district, [principal.school or ""], asked)


async def put_term(term_id: str, draft: TermDraft, *, principal: Principal, store: Store) -> Term:
    """A term of a school (by its admins), or of the whole district (by the district's)."""
    principal.require(*ADMINS)
    term = new_term(term_id, draft, district_id=principal.district)

    async def work(tx: Transaction) -> None:
        if (
            term.school_id is not None
            and await tx.get_school(term.district_id, term.school_id) is None
        ):
            raise SchoolUnknown(term.school_id)
        _require_administers_term(principal, term)
        existing = await tx.get_term(term.district_id, term_id)
        if existing is not None:
            _require_administers_term(principal, existing)  # moving it out, too
        await tx.save_terms([term])

    await store.atomically(work)
    return term


def _require_administers_term(principal: Principal, term: Term) -> None:
    if term.school_id is None:
        principal.require(Role.DISTRICT_ADMIN)
    else:
        access.require_administers(principal, term.school_id)


async def list_terms(
    school_id: str, asked: PageAsk, *, principal: Principal, reads: Reads
) -> KeyedPage[Term]:
    """A page of the terms of the school's calendar: its own and the district's, by start."""
    principal.require(*ADMINS)
    access.require_administers(principal, school_id)
    if await reads.get_school(principal.district, school_id) is None:
        raise SchoolNotFound(school_id)
    return await reads.page_terms(principal.district, school_id, asked)


async def put_section(
    section_id: str, draft: SectionDraft, *, principal: Principal, store: Store
) -> Section:
    principal.require(*ADMINS)
    section = new_section(section_id, draft, district_id=principal.district)
    school_id = section.school_id

    async def work(tx: Transaction) -> None:
        if await tx.get_school(principal.district, school_id) is None:
            raise SchoolUnknown(school_id)
        access.require_administers(principal, school_id)
        existing = await tx.get_section(principal.district, section_id)
        if existing is not None:
            access.require_administers(principal, existing.school_id)  # moving it out, too
        if section.term_id is not None:
            term = await tx.get_term(principal.district, section.term_id)
            if term is None or term.school_id not in (None, school_id):
                raise TermUnknown(section.term_id)
        await tx.save_sections([section])

    await store.atomically(work)
    return section


async def put_person(
    person_id: str, draft: PersonDraft, *, principal: Principal, store: Store
) -> Person:
    """A teacher, student or guardian. A school admin loads the people of their school only."""
    principal.require(*ADMINS)
    person = new_person(person_id, draft, district_id=principal.district)

    async def work(tx: Transaction) -> None:
        unknown = [
            FieldError(f"school_ids.{n}", "known_school", f"no school {school_id!r}")
            for n, school_id in enumerate(person.school_ids)
            if await tx.get_school(principal.district, school_id) is None
        ]
        refuse_if(unknown)
        existing = await tx.get_person(principal.district, person_id)
        _require_administers_person(principal, person)
        if existing is not None:
            if existing.role != person.role:
                raise RoleChanged(person_id, existing.role)
            _require_administers_person(principal, existing)
        await tx.save_people([person])

    await store.atomically(work)
    return person


def _require_administers_person(principal: Principal, person: Person) -> None:
    """A district admin, or the admin of a school the person belongs to."""
    if principal.has(Role.DISTRICT_ADMIN):
        return
    if not any(access.administers(principal, school) for school in person.school_ids):
        raise Forbidden(f"{person.id!r} is not of a school you administer")


async def link_guardian(
    student_id: str, guardian_id: str, *, principal: Principal, store: Store
) -> Guardianship:
    principal.require(*ADMINS)
    link = Guardianship(principal.district, student_id, guardian_id)

    async def work(tx: Transaction) -> None:
        student = await _existing_person(tx, principal.district, student_id, PersonRole.STUDENT)
        await _existing_person(tx, principal.district, guardian_id, PersonRole.GUARDIAN)
        _require_administers_person(principal, student)
        await tx.save_guardianships([link])

    await store.atomically(work)
    return link


async def _existing_person(
    reads: Reads, district_id: str, person_id: str, role: PersonRole
) -> Person:
    person = await reads.get_person(district_id, person_id)
    if person is None or person.role != role:
        raise PersonNotFound(person_id, role)
    return person


@dataclass(frozen=True, slots=True)
class StudentSeen:
    """A student as admins read them: the roster's record and the zone their days are in."""

    student: Person
    time_zone: str | None


async def list_section_students(
    section_id: str, asked: PageAsk, *, principal: Principal, reads: Reads
) -> KeyedPage[StudentSeen]:
    """A page of a section's students by id, each with the zone of their days."""
    principal.require(*ADMINS)
    section = await existing_section(reads, principal.district, section_id)
    access.require_administers(principal, section.school_id)
    ids = await reads.page_section_students(principal.district, section_id, asked)
    people = {p.id: p for p in await reads.list_people(principal.district, ids.items)}
    # A student enrolled before the roster kept people has only their zone.
    students = [
        people.get(i) or Person(i, principal.district, PersonRole.STUDENT, (section.school_id,))
        for i in ids.items
    ]
    return ids.with_items(await _with_zones(reads, principal.district, students))


async def _with_zones(
    reads: Reads, district_id: str, students: Sequence[Person]
) -> list[StudentSeen]:
    school_ids = {s for student in students for s in student.school_ids[:1]}
    schools = await reads.list_schools(district_id, school_ids) if school_ids else []
    seen = []
    for student in students:
        zone = student_zone(student, schools)
        if zone is None:
            learner = await reads.get_learner(district_id, student.id)
            zone = learner.time_zone if learner else None
        seen.append(StudentSeen(student, zone))
    return seen


async def list_guardians(student_id: str, *, principal: Principal, reads: Reads) -> list[Person]:
    principal.require(*ADMINS)
    student = await _existing_person(reads, principal.district, student_id, PersonRole.STUDENT)
    _require_administers_person(principal, student)
    links = await reads.list_guardianships(principal.district, student_ids=[student_id])
    return await reads.list_people(principal.district, [link.guardian_id for link in links])


async def enrol_student(
    section_id: str,
    student_id: str,
    *,
    time_zone: str | None = None,
    principal: Principal,
    store: Store,
    clock: Clock,
) -> EnrolledStudent:
    """Enrol a student; their feed gets the section's sessions and tasks still ahead. A zone
    given becomes the student's own; a student new to the roster joins the section's school."""
    principal.require(*ADMINS)
    refuse_if(zone_errors(time_zone) if time_zone is not None else [])

    async def work(tx: Transaction) -> EnrolledStudent:
        section = await existing_section(tx, principal.district, section_id)
        access.require_administers(principal, section.school_id)
        student = await tx.get_person(principal.district, student_id)
        school_ids = student.school_ids[:1] if student else (section.school_id,)
        schools = await tx.list_schools(principal.district, school_ids)
        enrolled, events = enrol(
            Enrolling(section, student, schools), student_id, time_zone=time_zone, at=clock()
        )
        if enrolled.student != student:
            await tx.save_people([enrolled.student])
        await tx.save_enrolments([enrolled.enrolment])
        await project(tx, events)
        return enrolled

    return await store.atomically(work)


async def list_sections(
    asked: PageAsk, *, principal: Principal, store: Store
) -> KeyedPage[Section]:
    """A page of the sections the principal teaches, administers, attends or has a child in,
    by id."""
    return await access.page_sections_seen(principal, store, asked)


async def get_section(section_id: str, *, principal: Principal, store: Store) -> Section:
    section = await existing_section(store, principal.district, section_id)
    await access.require_views_section(principal, section, store)
    return section


async def existing_section(reads: Reads, district_id: str, section_id: str) -> Section:
    section = await reads.get_section(district_id, section_id)
    if section is None:
        raise SectionNotFound(section_id)
    return section
