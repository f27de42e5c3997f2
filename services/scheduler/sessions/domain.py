"""Live sessions, the bookend tasks around them, and the lesson copies they are planned from.
Pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from bookend.clock import stored_instant
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend, Modality, SessionStatus
from bookend.problems import Conflict, FieldError, InvalidInput, NotFound, refuse_if
from services.scheduler.balance.domain import BalanceWarning
from services.scheduler.roster.domain import SchedulerError, zone_errors
from services.scheduler.sessions.windows import WindowRules


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


class SeriesNotFound(SchedulerError, NotFound):
    code = "SERIES_NOT_FOUND"

    def __init__(self, series_id: str) -> None:
        super().__init__(f"no session series {series_id!r} in this district")


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
    withdrawn_at: datetime | None = None  # no longer to do: its session was cancelled
    # Assigned by a teacher (not a bookend of a session's plan): for chosen students only
    # (None: the whole section), with a late limit, and the rules of its window, if any.
    student_ids: tuple[str, ...] | None = None
    closes_at: datetime | None = None
    rules: WindowRules | None = None
    assigned_at: datetime | None = None
    remedial: bool = False  # extra follow-up for a student who was lost in the session
    catch_up: bool = False  # the session's recording, for those who missed the session
    # Assigned to a group of the section: its members then are `student_ids` (ADR 0031).
    group_id: str | None = None

    def moved_by(self, delta: timedelta) -> Task:
        return replace(self, opens_at=self.opens_at + delta, due_at=self.due_at + delta)

    def withdrawn(self, at: datetime) -> Task:
        return self if self.withdrawn_at is not None else replace(self, withdrawn_at=at)


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
    modality: Modality = Modality.ON_SITE
    join_url: str | None = None  # where to join, for virtual and hybrid sessions
    capacity: int | None = None  # seats in the room, for on-site and hybrid sessions
    series_id: str | None = None  # an occurrence of a recurring series
    cancelled_at: datetime | None = None
    # Grows each time the plan of the session changes (calendar clients order versions by it).
    sequence: int = 0

    @property
    def is_planned(self) -> bool:
        """Still to take place as planned: neither started, ended nor cancelled."""
        return self.status is SessionStatus.SCHEDULED

    @property
    def holds_its_time(self) -> bool:
        """Occupies its teacher, section and students: anything but cancelled or ended."""
        return self.status in (SessionStatus.SCHEDULED, SessionStatus.LIVE)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def start(
        self, at: datetime, enrolled: Sequence[str] = ()
    ) -> tuple[LiveSession, list[SessionStarted]]:
        """Start the live session; `enrolled`, the section's students now, are those expected."""
        if self.status is not SessionStatus.SCHEDULED:
            raise SessionNotScheduled(f"session {self.id} is {self.status}, not scheduled")
        live = replace(self, status=SessionStatus.LIVE, started_at=stored_instant(at))
        return live, [SessionStarted(live, tuple(enrolled))]

    def end(
        self, at: datetime, enrolled: Sequence[str] = ()
    ) -> tuple[LiveSession, list[SessionEnded]]:
        """End the live session; `enrolled`, the section's students now, are those expected."""
        if self.status is not SessionStatus.LIVE:
            raise SessionNotLive(f"session {self.id} is {self.status}, not live")
        over = replace(self, status=SessionStatus.ENDED, ended_at=stored_instant(at))
        return over, [SessionEnded(over, tuple(enrolled))]

    def reschedule(self, starts_at: datetime, ends_at: datetime) -> LiveSession:
        """The session at its new time; only one still to take place may move."""
        if not self.is_planned:
            raise SessionNotScheduled(f"session {self.id} is {self.status}, not scheduled")
        return replace(
            self,
            starts_at=stored_instant(starts_at),
            ends_at=stored_instant(ends_at),
            sequence=self.sequence + 1,
        )

    def cancel(self, at: datetime) -> LiveSession:
        if not self.is_planned:
            raise SessionNotScheduled(f"session {self.id} is {self.status}, not scheduled")
        return replace(
            self,
            status=SessionStatus.CANCELLED,
            cancelled_at=stored_instant(at),
            sequence=self.sequence + 1,
        )

    def recorded(self, recording: SessionRecording) -> LiveSession:
        """The session with its recording; the catalog publishes one a session, so one heard
        of again changes nothing."""
        return self if self.recording is not None else replace(self, recording=recording)


@dataclass(frozen=True, slots=True)
class SessionSeries:
    """Sessions planned from one recurrence rule; each occurrence is a session of its own,
    which may be moved or cancelled alone."""

    id: str
    district_id: str
    section_id: str
    lesson_id: str
    recurrence: str
    time_zone: str
    session_ids: tuple[str, ...]
    # Local dates (ISO) the rule gave that were blackout dates, so no session was planned.
    skipped_dates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BookendedSession:
    """A live session with the pre-work and follow-up tasks around it; as the answer to a
    change, with the rules of the section's balance policy it left broken (advise mode)."""

    session: LiveSession
    tasks: tuple[Task, ...]
    balance_warnings: tuple[BalanceWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class MeasuredSessions:
    """The sessions a change of a series moved or cancelled, and the rules of the section's
    balance policy it left broken (advise mode)."""

    sessions: list[BookendedSession]
    balance_warnings: tuple[BalanceWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class MeasuredTask:
    """A task assigned or withdrawn, and the rules of the section's balance policy the change
    left broken (advise mode)."""

    task: Task
    balance_warnings: tuple[BalanceWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionScheduled:
    """Domain event: a live session was planned (its tasks are assigned beside it)."""

    session: LiveSession


@dataclass(frozen=True, slots=True)
class TaskAssigned:
    """Domain event: on-demand work was given to a section."""

    task: Task


@dataclass(frozen=True, slots=True)
class SessionRescheduled:
    """Domain event: a scheduled session moved from `previous` to its new time."""

    session: LiveSession
    previous: LiveSession


@dataclass(frozen=True, slots=True)
class SessionCancelled:
    session: LiveSession


@dataclass(frozen=True, slots=True)
class TaskRescheduled:
    task: Task


@dataclass(frozen=True, slots=True)
class TaskWithdrawn:
    task: Task


@dataclass(frozen=True, slots=True)
class SessionStarted:
    """Domain event: a live session started, with the students its section expects (ADR 0034)."""

    session: LiveSession
    expected_student_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """Domain event: a live session ended, with the students its section expected (ADR 0032)."""

    session: LiveSession
    expected_student_ids: tuple[str, ...] = ()


# Sessions are planned within these years; beyond them the bookend windows would overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
# A school day at the longest: a session beyond it is a mistake (a year-long "session").
MAX_SESSION_LENGTH = timedelta(hours=12)
MAX_URL_LENGTH = 2000
# A lecture hall at the largest; more is a typo.
MAX_CAPACITY = 1000


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
    modality: Modality = Modality.ON_SITE
    join_url: str | None = None
    capacity: int | None = None
    # An RFC 5545 RRULE (e.g. "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10"): the session is the first of
    # a series, each occurrence at the same local time in `time_zone`.
    recurrence: str | None = None

    def check(self) -> None:
        """Every rule the request breaks, named at once (the recurrence is checked where it
        is expanded)."""
        errors = time_errors(self.starts_at, self.ends_at)
        errors += zone_errors(self.time_zone)
        if self.title is not None and not self.title.strip():
            errors.append(FieldError("title", "not_blank", "must not be blank when given"))
        errors += place_errors(self.modality, self.join_url, self.capacity)
        refuse_if(errors)


def time_errors(starts_at: datetime, ends_at: datetime) -> list[FieldError]:
    errors = range_errors(starts_at=starts_at, ends_at=ends_at)
    if ends_at <= starts_at:
        errors.append(FieldError("ends_at", "after_start", "must be after starts_at"))
    elif ends_at - starts_at > MAX_SESSION_LENGTH:
        hours = MAX_SESSION_LENGTH // timedelta(hours=1)
        message = f"a live session lasts at most {hours} hours"
        errors.append(FieldError("ends_at", "max_length", message))
    return errors


def place_errors(
    modality: Modality, join_url: str | None, capacity: int | None
) -> list[FieldError]:
    """Where a session happens: an online one needs a link to join, an on-site one has none."""
    errors: list[FieldError] = []
    if join_url is None:
        if modality is not Modality.ON_SITE:
            message = f"a {modality.value} session needs a link to join"
            errors.append(FieldError("join_url", "required_online", message))
    elif modality is Modality.ON_SITE:
        message = "an on-site session has no link to join; choose virtual or hybrid"
        errors.append(FieldError("join_url", "online_only", message))
    elif len(join_url) > MAX_URL_LENGTH:
        message = f"must be at most {MAX_URL_LENGTH} characters"
        errors.append(FieldError("join_url", "max_length", message))
    elif not _is_web_link(join_url):
        message = "must be an https:// link with a host"
        errors.append(FieldError("join_url", "https_url", message))
    if capacity is not None:
        if modality is Modality.VIRTUAL:
            message = "a virtual session has no room to fill"
            errors.append(FieldError("capacity", "in_person_only", message))
        elif not 1 <= capacity <= MAX_CAPACITY:
            message = f"must be between 1 and {MAX_CAPACITY}"
            errors.append(FieldError("capacity", "in_range", message))
    return errors


def _is_web_link(text: str) -> bool:
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return False
    return parts.scheme == "https" and bool(host) and text.isprintable() and " " not in text
