"""The scheduler's domain: roster, lesson summaries, live sessions and the bookending rule."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bookend.clock import stored_instant
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend
from bookend.problems import Failure, FieldError, InvalidInput, NotFound


class SchedulerError(Failure):
    """Root of every expected scheduler failure."""


class SchoolUnknown(SchedulerError, InvalidInput):
    def __init__(self, school_id: str) -> None:
        super().__init__("school_id", "known_school", f"no school {school_id!r} in this district")


class SectionUnknown(SchedulerError, InvalidInput):
    def __init__(self, section_id: str) -> None:
        message = f"no section {section_id!r} in this district"
        super().__init__("section_id", "known_section", message)


class LessonUnknown(SchedulerError, InvalidInput):
    def __init__(self, lesson_id: str) -> None:
        super().__init__(
            "lesson_id", "known_lesson", f"no published lesson {lesson_id!r} in this district"
        )


class SectionNotFound(SchedulerError, NotFound):
    code = "SECTION_NOT_FOUND"


class SessionNotFound(SchedulerError, NotFound):
    code = "SESSION_NOT_FOUND"


class LessonNotFound(SchedulerError, NotFound):
    code = "LESSON_NOT_FOUND"


class SessionConflict(SchedulerError):
    """The session is not in the state the transition starts from."""

    code = "SESSION_CONFLICT"


class SessionNotScheduled(SessionConflict):
    code = "SESSION_NOT_SCHEDULED"


class SessionNotLive(SessionConflict):
    code = "SESSION_NOT_LIVE"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


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
class LessonComponent:
    component_id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


@dataclass(frozen=True, slots=True)
class LessonSummary:
    """The scheduler's copy of a published lesson, learned from the catalog's events."""

    lesson_id: str
    district_id: str
    version: int
    title: str
    subject: str
    summary: str
    components: tuple[LessonComponent, ...]

    def supersedes(self, other: LessonSummary | None) -> bool:
        """Events may arrive late or twice: only a newer version replaces the copy."""
        return other is None or self.version > other.version


@dataclass(frozen=True, slots=True)
class Task:
    """On-demand work with a window; instants in UTC, the zone of the rule beside them."""

    id: str
    district_id: str
    section_id: str
    lesson_id: str
    component_id: str
    session_id: str | None
    bookend: Bookend | None
    title: str
    minutes: int
    opens_at: datetime
    due_at: datetime
    time_zone: str


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: str
    district_id: str
    school_id: str
    section_id: str
    lesson_id: str
    lesson_version: int
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    status: SessionStatus
    started_at: datetime | None
    ended_at: datetime | None
    task_ids: tuple[str, ...]

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def start(self, at: datetime) -> LiveSession:
        if self.status is not SessionStatus.SCHEDULED:
            raise SessionNotScheduled(f"session {self.id} is {self.status}, not scheduled")
        return replace(self, status=SessionStatus.LIVE, started_at=stored_instant(at))

    def end(self, at: datetime) -> LiveSession:
        if self.status is not SessionStatus.LIVE:
            raise SessionNotLive(f"session {self.id} is {self.status}, not live")
        return replace(self, status=SessionStatus.ENDED, ended_at=stored_instant(at))


@dataclass(frozen=True, slots=True)
class BookendWindows:
    prework_opens_before: timedelta
    followup_due_after: timedelta


# Pedagogy: introducing knowledge and modelling a skill prepare for the live session;
# practice, fluency and growing autonomy consolidate after it.
PRE_WORK_KINDS = frozenset({ComponentKind.INTRODUCE, ComponentKind.MODEL})
FOLLOW_UP_KINDS = frozenset({ComponentKind.PRACTICE, ComponentKind.FLUENCY, ComponentKind.AUTONOMY})
ON_DEMAND_FITS = frozenset({ModeFit.ON_DEMAND, ModeFit.EITHER})


def new_id() -> str:
    return str(uuid.uuid4())


def bookend_tasks(
    session: LiveSession,
    lesson: LessonSummary,
    windows: BookendWindows,
    *,
    make_id: Callable[[], str] = new_id,
) -> list[Task]:
    """Propose pre-work due when the session starts and follow-up opening when it ends."""
    tasks: list[Task] = []
    for component in lesson.components:
        if component.mode_fit not in ON_DEMAND_FITS:
            continue
        if component.kind in PRE_WORK_KINDS:
            bookend = Bookend.PRE_WORK
            opens_at = session.starts_at - windows.prework_opens_before
            due_at = session.starts_at
        elif component.kind in FOLLOW_UP_KINDS:
            bookend = Bookend.FOLLOW_UP
            opens_at = session.ends_at
            due_at = session.ends_at + windows.followup_due_after
        else:
            continue
        tasks.append(
            Task(
                id=make_id(), district_id=session.district_id, section_id=session.section_id,
                lesson_id=lesson.lesson_id, component_id=component.component_id,
                session_id=session.id, bookend=bookend, title=component.title,
                minutes=component.minutes, opens_at=opens_at, due_at=due_at,
                time_zone=session.time_zone,
            )
        )
    return tasks


@dataclass(frozen=True, slots=True)
class BookendedSession:
    """A live session with the pre-work and follow-up tasks around it."""

    session: LiveSession
    tasks: tuple[Task, ...]


def plan_session(
    *,
    section: Section,
    lesson: LessonSummary,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    title: str | None,
    windows: BookendWindows,
    make_id: Callable[[], str] = new_id,
) -> BookendedSession:
    """A scheduled session of `lesson` for `section`, with its bookend tasks."""
    check_session(starts_at=starts_at, ends_at=ends_at, time_zone=time_zone, title=title)
    session = LiveSession(
        id=make_id(), district_id=section.district_id, school_id=section.school_id,
        section_id=section.id, lesson_id=lesson.lesson_id, lesson_version=lesson.version,
        title=title.strip() if title is not None else lesson.title,
        starts_at=stored_instant(starts_at), ends_at=stored_instant(ends_at), time_zone=time_zone,
        status=SessionStatus.SCHEDULED, started_at=None, ended_at=None, task_ids=(),
    )
    tasks = bookend_tasks(session, lesson, windows, make_id=make_id)
    return BookendedSession(replace(session, task_ids=tuple(t.id for t in tasks)), tuple(tasks))


def check_session(
    *, starts_at: datetime, ends_at: datetime, time_zone: str, title: str | None
) -> None:
    """Every rule a session request breaks, named at once."""
    errors: list[FieldError] = []
    if ends_at <= starts_at:
        errors.append(FieldError("ends_at", "after_start", "must be after starts_at"))
    errors += zone_errors(time_zone)
    if title is not None and not title.strip():
        errors.append(FieldError("title", "not_blank", "must not be blank when given"))
    if errors:
        raise InvalidInput.many(errors)


def zone_errors(time_zone: str, field: str = "time_zone") -> list[FieldError]:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [FieldError(field, "iana_zone", f"{time_zone!r} is not an IANA time zone")]
    return []


def check_zone(time_zone: str, field: str = "time_zone") -> str:
    errors = zone_errors(time_zone, field)
    if errors:
        raise InvalidInput.many(errors)
    return time_zone


def check_not_blank(values: Iterable[tuple[str, str]]) -> None:
    errors = [
        FieldError(field, "not_blank", "must not be blank") for field, value in values
        if not value.strip()
    ]
    if errors:
        raise InvalidInput.many(errors)


