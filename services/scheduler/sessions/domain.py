"""Live sessions, the bookend tasks around them, and the lesson copies they are planned from.
Pure rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bookend.clock import stored_instant
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend, SessionStatus
from bookend.problems import Conflict, FieldError, InvalidInput, NotFound, refuse_if
from services.scheduler.roster.domain import SchedulerError, zone_errors


class LessonUnknown(SchedulerError, InvalidInput):
    def __init__(self, lesson_id: str) -> None:
        message = f"no published lesson {lesson_id!r} in this district"
        super().__init__("lesson_id", "known_lesson", message)


class LessonArchived(SchedulerError, InvalidInput):
    def __init__(self, lesson_id: str) -> None:
        message = f"lesson {lesson_id!r} is archived: nothing new is planned with it"
        super().__init__("lesson_id", "not_archived", message)


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
    archived: bool = False  # planned with no more; what was planned keeps its version

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
class SessionRecording:
    """The session's recording as the catalog published it: an on-demand component of the
    session's lesson, for its section."""

    component_id: str
    title: str
    minutes: int
    url: str
    published_at: datetime


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
    recording: SessionRecording | None = None

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

    def recorded(self, recording: SessionRecording) -> LiveSession:
        """The session with its recording; the catalog publishes one a session, so one heard
        of again changes nothing."""
        return self if self.recording is not None else replace(self, recording=recording)


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


# Sessions are planned within these years; beyond them the bookend windows would overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
# A school day at the longest: a session beyond it is a mistake (a year-long "session").
MAX_SESSION_LENGTH = timedelta(hours=12)


def range_errors(**moments: datetime | None) -> list[FieldError]:
    """The `in_range` rule, for instants planned and for the bounds of a read: nothing lies
    outside those years, and an instant near year 1 or 9999 cannot even be turned to UTC."""
    return [
        FieldError(field, "in_range", f"must be between {EARLIEST:%Y} and {LATEST:%Y}")
        for field, moment in moments.items()
        if moment is not None and not EARLIEST <= moment <= LATEST
    ]


@dataclass(frozen=True, slots=True)
class SessionDraft:
    """A live session as a teacher asks for it, before it is checked."""

    section_id: str
    lesson_id: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    title: str | None = None

    def check(self) -> None:
        """Every rule the request breaks, named at once."""
        errors = range_errors(starts_at=self.starts_at, ends_at=self.ends_at)
        if self.ends_at <= self.starts_at:
            errors.append(FieldError("ends_at", "after_start", "must be after starts_at"))
        elif self.ends_at - self.starts_at > MAX_SESSION_LENGTH:
            hours = MAX_SESSION_LENGTH // timedelta(hours=1)
            message = f"a live session lasts at most {hours} hours"
            errors.append(FieldError("ends_at", "max_length", message))
        errors += zone_errors(self.time_zone)
        if self.title is not None and not self.title.strip():
            errors.append(FieldError("title", "not_blank", "must not be blank when given"))
        refuse_if(errors)
