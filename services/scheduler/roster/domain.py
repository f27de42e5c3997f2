"""The roster: the district, its schools and their calendars (terms, school days, blackout
dates: `calendar.py`), sections, the people scheduling needs (teachers, students, guardians)
and enrolments. Pure rules, no I/O.

The scheduler's root failure and its zone rule live here, in the slice the others build on.
The roster is the scheduler's data about schools, not the source of identity: who a caller is
comes from their token (ADR 0004); a person's id here is the id their token's subject carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from bookend.contracts.catalog import GradeBand
from bookend.problems import (
    Failure,
    FieldError,
    InvalidInput,
    NotFound,
    refuse_if,
    too_long,
)

# The calendar's types, for the slices that read a school's days: `from ...roster.domain import`.
from services.scheduler.roster.calendar import Blackout as Blackout
from services.scheduler.roster.calendar import SchoolCalendar as SchoolCalendar
from services.scheduler.roster.calendar import Term as Term
from services.scheduler.roster.rules import MAX_NAME, MAX_TEXT, text_errors
from services.scheduler.roster.rules import zone_errors as zone_errors


class SchedulerError(Failure):
    """Root of every expected scheduler failure, in every slice."""


class SchoolUnknown(SchedulerError, InvalidInput):
    def __init__(self, school_id: str) -> None:
        super().__init__("school_id", "known_school", f"no school {school_id!r} in this district")


class SectionUnknown(SchedulerError, InvalidInput):
    def __init__(self, section_id: str) -> None:
        message = f"no section {section_id!r} in this district"
        super().__init__("section_id", "known_section", message)


class TermUnknown(SchedulerError, InvalidInput):
    def __init__(self, term_id: str) -> None:
        message = f"no term {term_id!r} of this section's school in this district"
        super().__init__("term_id", "known_term", message)


class SectionNotFound(SchedulerError, NotFound):
    code = "SECTION_NOT_FOUND"

    def __init__(self, section_id: str) -> None:
        super().__init__(f"no section {section_id!r} in this district")


class SchoolNotFound(SchedulerError, NotFound):
    code = "SCHOOL_NOT_FOUND"

    def __init__(self, school_id: str) -> None:
        super().__init__(f"no school {school_id!r} in this district")


class PersonNotFound(SchedulerError, NotFound):
    code = "PERSON_NOT_FOUND"

    def __init__(self, person_id: str, role: PersonRole) -> None:
        super().__init__(f"no {role.value} {person_id!r} in this district")


class RoleChanged(SchedulerError, InvalidInput):
    def __init__(self, person_id: str, role: PersonRole) -> None:
        message = (
            f"{person_id!r} is a {role.value} in this roster: a person keeps their role "
            "(another role is another person, with another id)"
        )
        super().__init__("role", "same_role", message)


# --- the district and its schools -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class District:
    """The caller's district: its id is the token's, its name the roster's."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class School:
    id: str
    district_id: str
    name: str
    # The zone of its days: terms' school-day times, and the zone of students without their own.
    time_zone: str


def new_district(district_id: str, *, name: str) -> District:
    refuse_if(text_errors([("name", name)], limit=MAX_TEXT))
    return District(district_id, name.strip())


def new_school(school_id: str, *, district_id: str, name: str, time_zone: str) -> School:
    refuse_if(text_errors([("name", name)], limit=MAX_TEXT) + zone_errors(time_zone))
    return School(school_id, district_id, name.strip(), time_zone)


# --- sections ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    district_id: str
    school_id: str
    name: str
    subject: str
    time_zone: str
    teacher_ids: tuple[str, ...]
    term_id: str | None = None
    grade_band: GradeBand | None = None

    def is_taught_by(self, teacher_id: str) -> bool:
        return teacher_id in self.teacher_ids


@dataclass(frozen=True, slots=True)
class SectionDraft:
    """A section as the district's roster describes it, before it is checked."""

    school_id: str
    name: str
    subject: str
    time_zone: str
    teacher_ids: Sequence[str] = ()
    term_id: str | None = None
    grade_band: GradeBand | None = None


def new_section(section_id: str, draft: SectionDraft, *, district_id: str) -> Section:
    """A section as loaded from the roster, or InvalidInput naming every broken rule."""
    blank = text_errors([("name", draft.name), ("subject", draft.subject)], limit=MAX_TEXT)
    refuse_if(blank + zone_errors(draft.time_zone))
    return Section(
        id=section_id,
        district_id=district_id,
        school_id=draft.school_id,
        name=draft.name.strip(),
        subject=draft.subject.strip(),
        time_zone=draft.time_zone,
        teacher_ids=tuple(dict.fromkeys(t for t in draft.teacher_ids if t.strip())),
        term_id=draft.term_id or None,
        grade_band=draft.grade_band,
    )


# --- people -----------------------------------------------------------------------------------


class PersonRole(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    GUARDIAN = "guardian"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone of the roster, as far as scheduling needs them: their id, role, schools and (a
    student's) own zone. Names are kept for admins' screens only: never in events, logs or
    headers."""

    id: str
    district_id: str
    role: PersonRole
    school_ids: tuple[str, ...] = ()
    time_zone: str | None = None  # a student's own; without it, their school's
    given_name: str = ""
    family_name: str = ""


@dataclass(frozen=True, slots=True)
class PersonDraft:
    role: PersonRole
    school_ids: Sequence[str] = ()
    time_zone: str | None = None
    given_name: str = ""
    family_name: str = ""


MAX_SCHOOLS_OF_A_PERSON = 20


def new_person(person_id: str, draft: PersonDraft, *, district_id: str) -> Person:
    refuse_if(person_errors(draft))
    return Person(
        id=person_id,
        district_id=district_id,
        role=draft.role,
        school_ids=tuple(dict.fromkeys(s.strip() for s in draft.school_ids if s.strip())),
        time_zone=draft.time_zone or None,
        given_name=draft.given_name.strip(),
        family_name=draft.family_name.strip(),
    )


def person_errors(draft: PersonDraft) -> list[FieldError]:
    errors = too_long("given_name", draft.given_name, MAX_NAME)
    errors += too_long("family_name", draft.family_name, MAX_NAME)
    if len(draft.school_ids) > MAX_SCHOOLS_OF_A_PERSON:
        message = f"at most {MAX_SCHOOLS_OF_A_PERSON} schools"
        errors.append(FieldError("school_ids", "max_items", message))
    if draft.time_zone:
        if draft.role != PersonRole.STUDENT:
            message = "only a student has a zone of their own; staff and guardians have none"
            errors.append(FieldError("time_zone", "students_only", message))
        errors += zone_errors(draft.time_zone)
    return errors


@dataclass(frozen=True, slots=True)
class Guardianship:
    """A guardian of a student: they see the student's feed when their token names the child."""

    district_id: str
    student_id: str
    guardian_id: str


def student_zone(student: Person, schools: Sequence[School]) -> str | None:
    """The student's own zone, else the zone of the first of their schools there is."""
    if student.time_zone:
        return student.time_zone
    by_id = {school.id: school for school in schools}
    return next((by_id[s].time_zone for s in student.school_ids if s in by_id), None)


# --- enrolments -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Enrolment:
    section_id: str
    student_id: str
    district_id: str


@dataclass(frozen=True, slots=True)
class Learner:
    """A student's zone, resolved: their own, else their school's. "Due Tuesday" is rendered in
    the student's Tuesday."""

    student_id: str
    district_id: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class EnrolledStudent:
    enrolment: Enrolment
    student: Person
    learner: Learner


@dataclass(frozen=True, slots=True)
class StudentEnrolled:
    """Domain event: a student joined a section (again, if they were in it already)."""

    enrolment: Enrolment
    at: datetime


@dataclass(frozen=True, slots=True)
class Enrolling:
    """What enrolling one student reads first: the section, the student if the roster has
    them, and the schools that give a student without a zone of their own theirs."""

    section: Section
    student: Person | None
    schools: Sequence[School] = field(default_factory=tuple)


def enrol(
    found: Enrolling, student_id: str, *, time_zone: str | None, at: datetime
) -> tuple[EnrolledStudent, list[StudentEnrolled]]:
    """The student in the section, and the event recording it. A student new to the roster is
    added at the section's school; a zone given becomes the student's own."""
    section = found.section
    if found.student is not None and found.student.role != PersonRole.STUDENT:
        raise InvalidInput("student_id", "is_student", f"{student_id!r} is not a student")
    refuse_if(zone_errors(time_zone) if time_zone is not None else [])
    student = found.student or Person(
        student_id, section.district_id, PersonRole.STUDENT, (section.school_id,)
    )
    if time_zone is not None:
        student = replace(student, time_zone=time_zone)
    zone = student_zone(student, found.schools) or section.time_zone
    enrolment = Enrolment(section.id, student_id, section.district_id)
    enrolled = EnrolledStudent(enrolment, student, Learner(student_id, section.district_id, zone))
    return enrolled, [StudentEnrolled(enrolment, at)]
