"""Live sessions, the bookend tasks around them, and the lesson copies they are planned from.
Pure rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bookend.clock import stored_instant
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend, SessionStatus
from bookend.ids import IdFactory
from bookend.problems import Conflict, FieldError, InvalidInput, NotFound, refuse_if
from services.scheduler.roster.domain import SchedulerError, Section, zone_errors


class LessonUnknown(SchedulerError, InvalidInput):
    def __init__(self, lesson_id: str) -> None:
        message = f"no published lesson {lesson_id!r} in this district"
        super().__init__("lesson_id", "known_lesson", message)


class LessonNotFound(SchedulerError, NotFound):
    code = "LESSON_NOT_FOUND"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"no published lesson {lesson_id!r} in this district")


class SessionNotFound(SchedulerError, NotFound):
    code = "SESSION_NOT_FOUND"

    def __init__(self, session_id: str) -> None:
        super().__init__(f"no session {session_id!r} in this district")


class SessionConflict(SchedulerError, Conflict):
    """The session is not in the state the transition starts from."""

    code = "SESSION_CONFLICT"


class SessionNotScheduled(SessionConflict):
    code = "SESSION_NOT_SCHEDULED"


class SessionNotLive(SessionConflict):
    code = "SESSION_NOT_LIVE"


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
    status: SessionStatus = SessionStatus.SCHEDULED
    started_at: datetime | None = None
    ended_at: datetime | None = None
    task_ids: tuple[str, ...] = ()

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def start(self, at: datetime) -> tuple[LiveSession, list[SessionStarted]]:
        if self.status is not SessionStatus.SCHEDULED:
            raise SessionNotScheduled(f"session {self.id} is {self.status}, not scheduled")
        live = replace(self, status=SessionStatus.LIVE, started_at=stored_instant(at))
        return live, [SessionStarted(live)]

    def end(self, at: datetime) -> tuple[LiveSession, list[SessionEnded]]:
        if self.status is not SessionStatus.LIVE:
            raise SessionNotLive(f"session {self.id} is {self.status}, not live")
        over = replace(self, status=SessionStatus.ENDED, ended_at=stored_instant(at))
        return over, [SessionEnded(over)]


@dataclass(frozen=True, slots=True)
class BookendedSession:
    """A live session with the pre-work and follow-up tasks around it."""

    session: LiveSession
    tasks: tuple[Task, ...]


@dataclass(frozen=True, slots=True)
class SessionScheduled:
    """Domain event: a live session was planned (its tasks are assigned beside it)."""

    session: LiveSession


@dataclass(frozen=True, slots=True)
class TaskAssigned:
    """Domain event: on-demand work was given to a section."""

    task: Task


@dataclass(frozen=True, slots=True)
class SessionStarted:
    session: LiveSession


@dataclass(frozen=True, slots=True)
class SessionEnded:
    session: LiveSession


@dataclass(frozen=True, slots=True)
class BookendWindows:
    prework_opens_before: timedelta
    followup_due_after: timedelta


# Pedagogy: introducing knowledge and modelling a skill prepare for the live session;
# practice, fluency and growing autonomy consolidate after it. Discussion and feedback need
# the class together, so they are never on-demand tasks.
BOOKEND_OF_KIND = {
    ComponentKind.INTRODUCE: Bookend.PRE_WORK,
    ComponentKind.MODEL: Bookend.PRE_WORK,
    ComponentKind.PRACTICE: Bookend.FOLLOW_UP,
    ComponentKind.FLUENCY: Bookend.FOLLOW_UP,
    ComponentKind.AUTONOMY: Bookend.FOLLOW_UP,
}
ON_DEMAND_FITS = frozenset({ModeFit.ON_DEMAND, ModeFit.EITHER})


def bookend_tasks(
    session: LiveSession, lesson: LessonSummary, windows: BookendWindows, *, new_id: IdFactory
) -> list[Task]:
    """Propose pre-work due when the session starts and follow-up opening when it ends."""
    window = {
        Bookend.PRE_WORK: (session.starts_at - windows.prework_opens_before, session.starts_at),
        Bookend.FOLLOW_UP: (session.ends_at, session.ends_at + windows.followup_due_after),
    }
    tasks: list[Task] = []
    for component in lesson.components:
        bookend = BOOKEND_OF_KIND.get(component.kind)
        if bookend is None or component.mode_fit not in ON_DEMAND_FITS:
            continue
        opens_at, due_at = window[bookend]
        task = Task(
            id=new_id(),
            district_id=session.district_id,
            section_id=session.section_id,
            lesson_id=lesson.lesson_id,
            component_id=component.component_id,
            session_id=session.id,
            bookend=bookend,
            title=component.title,
            minutes=component.minutes,
            opens_at=opens_at,
            due_at=due_at,
            time_zone=session.time_zone,
        )
        tasks.append(task)
    return tasks


def plan_session(
    *,
    section: Section,
    lesson: LessonSummary,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    title: str | None,
    windows: BookendWindows,
    new_id: IdFactory,
) -> tuple[BookendedSession, list[SessionScheduled | TaskAssigned]]:
    """A scheduled session of `lesson` for `section` with its bookend tasks, and the events."""
    check_session(starts_at=starts_at, ends_at=ends_at, time_zone=time_zone, title=title)
    session = LiveSession(
        id=new_id(),
        district_id=section.district_id,
        school_id=section.school_id,
        section_id=section.id,
        lesson_id=lesson.lesson_id,
        lesson_version=lesson.version,
        title=title.strip() if title is not None else lesson.title,
        starts_at=stored_instant(starts_at),
        ends_at=stored_instant(ends_at),
        time_zone=time_zone,
    )
    tasks = bookend_tasks(session, lesson, windows, new_id=new_id)
    session = replace(session, task_ids=tuple(task.id for task in tasks))
    events: list[SessionScheduled | TaskAssigned] = [SessionScheduled(session)]
    events += [TaskAssigned(task) for task in tasks]
    return BookendedSession(session, tuple(tasks)), events


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
    refuse_if(errors)
