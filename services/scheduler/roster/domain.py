"""The roster: schools, sections, enrolments and students' own zones. Pure rules, no I/O.

The scheduler's root failure and its zone rule live here, in the slice the others build on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bookend.problems import Failure, FieldError, InvalidInput, NotFound, refuse_if


class SchedulerError(Failure):
    """Root of every expected scheduler failure, in every slice."""


class SchoolUnknown(SchedulerError, InvalidInput):
    def __init__(self, school_id: str) -> None:
        super().__init__("school_id", "known_school", f"no school {school_id!r} in this district")


class SectionUnknown(SchedulerError, InvalidInput):
    def __init__(self, section_id: str) -> None:
        message = f"no section {section_id!r} in this district"
        super().__init__("section_id", "known_section", message)


class SectionNotFound(SchedulerError, NotFound):
    code = "SECTION_NOT_FOUND"

    def __init__(self, section_id: str) -> None:
        super().__init__(f"no section {section_id!r} in this district")


@dataclass(frozen=True, slots=True)
class School:
    id: str
    district_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    district_id: str
    school_id: str
    name: str
    subject: str
    time_zone: str
    teacher_ids: tuple[str, ...]

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


@dataclass(frozen=True, slots=True)
class Enrolment:
    section_id: str
    student_id: str
    district_id: str


@dataclass(frozen=True, slots=True)
class Learner:
    """A student's own zone: "due Tuesday" is rendered in the student's Tuesday."""

    student_id: str
    district_id: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class EnrolledStudent:
    enrolment: Enrolment
    learner: Learner


@dataclass(frozen=True, slots=True)
class StudentEnrolled:
    """Domain event: a student joined a section (again, if they were in it already)."""

    enrolment: Enrolment
    at: datetime


def new_school(school_id: str, *, district_id: str, name: str) -> School:
    refuse_if(blank_errors([("name", name)]))
    return School(school_id, district_id, name.strip())


def new_section(section_id: str, draft: SectionDraft, *, district_id: str) -> Section:
    """A section as loaded from the roster, or InvalidInput naming every broken rule."""
    blank = blank_errors([("name", draft.name), ("subject", draft.subject)])
    refuse_if(blank + zone_errors(draft.time_zone))
    return Section(
        id=section_id,
        district_id=district_id,
        school_id=draft.school_id,
        name=draft.name.strip(),
        subject=draft.subject.strip(),
        time_zone=draft.time_zone,
        teacher_ids=tuple(dict.fromkeys(t for t in draft.teacher_ids if t.strip())),
    )


def enrol(
    section_id: str, student_id: str, *, district_id: str, time_zone: str, at: datetime
) -> tuple[EnrolledStudent, list[StudentEnrolled]]:
    """The student in the section with their own zone, and the event recording it."""
    refuse_if(zone_errors(time_zone))
    enrolment = Enrolment(section_id, student_id, district_id)
    enrolled = EnrolledStudent(enrolment, Learner(student_id, district_id, time_zone))
    return enrolled, [StudentEnrolled(enrolment, at)]


def zone_errors(time_zone: str) -> list[FieldError]:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [FieldError("time_zone", "iana_zone", f"{time_zone!r} is not an IANA time zone")]
    return []


def blank_errors(values: Iterable[tuple[str, str]]) -> list[FieldError]:
    return [
        FieldError(field, "not_blank", "must not be blank")
        for field, value in values
        if not value.strip()
    ]
