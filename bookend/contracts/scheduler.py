"""The scheduler's vocabulary and the events it publishes about sessions and tasks."""

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bookend.contracts.base import EventData


class Bookend(StrEnum):
    PRE_WORK = "pre_work"
    FOLLOW_UP = "follow_up"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


class Modality(StrEnum):
    """Where a live session happens: in the classroom, online, or both at once."""

    ON_SITE = "on_site"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class FeedItemKind(StrEnum):
    LIVE_SESSION = "live_session"
    TASK = "task"
    # A live session's prompt left to a student who missed the session: its id is the
    # prompt's, answered through feedback (ADR 0034).
    PROMPT = "prompt"


class FeedItemStatus(StrEnum):
    """Where a student stands with a feed item, one vocabulary for sessions and tasks.

    A session: upcoming, live, ended (its attendance not known yet), then attended or missed
    from the attendance summary; or cancelled. A task: upcoming (not open yet), not started,
    in progress, done (from the student's progress), overdue (past due, late work still taken),
    missed (closed and not done) or excused (a teacher excused the student).
    """

    UPCOMING = "upcoming"
    LIVE = "live"
    ENDED = "ended"
    ATTENDED = "attended"
    MISSED = "missed"
    CANCELLED = "cancelled"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"
    EXCUSED = "excused"


class CalendarOwner(StrEnum):
    """Whose calendar a secret link serves: a student's feed, or a section's sessions and tasks."""

    STUDENT = "student"
    SECTION = "section"


class RosterSkipReason(StrEnum):
    """Why rows were left unread: a type or role scheduling does not need. Each value is the
    sentence the import has always reported (and stored) for it."""

    ORG_TYPE_DEPARTMENT = "orgs of type department are not read"
    ORG_TYPE_LOCAL = "orgs of type local are not read"
    ORG_TYPE_STATE = "orgs of type state are not read"
    ORG_TYPE_NATIONAL = "orgs of type national are not read"
    GRADING_PERIOD = "academic sessions of type gradingPeriod are not read"
    USER_ROLE_ADMINISTRATOR = "users of role administrator are not read"
    USER_ROLE_AIDE = "users of role aide are not read"
    USER_ROLE_PROCTOR = "users of role proctor are not read"
    USER_ROLE_RELATIVE = "users of role relative are not read"
    ENROLLMENT_ROLE_ADMINISTRATOR = "enrollments of role administrator are not read"
    ENROLLMENT_ROLE_AIDE = "enrollments of role aide are not read"
    ENROLLMENT_ROLE_PROCTOR = "enrollments of role proctor are not read"


class SessionScheduled(EventData):
    session_id: str
    school_id: str
    section_id: str
    lesson_id: str
    lesson_version: int
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    time_zone: str
    task_ids: list[str]
    # Added within v1: consumers that predate them read the defaults.
    modality: Modality = Modality.ON_SITE
    join_url: str | None = None
    capacity: int | None = None
    series_id: str | None = None


class SessionRescheduled(EventData):
    """A scheduled session moved; its bookend tasks moved with it (TaskRescheduled)."""

    session_id: str
    section_id: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    previous_starts_at: AwareDatetime
    previous_ends_at: AwareDatetime
    modality: Modality
    join_url: str | None
    series_id: str | None


class SessionCancelled(EventData):
    """A scheduled session will not take place; its bookend tasks are withdrawn."""

    session_id: str
    section_id: str
    starts_at: AwareDatetime
    cancelled_at: AwareDatetime
    series_id: str | None


class SessionStarted(EventData):
    session_id: str
    section_id: str
    started_at: AwareDatetime
    # Added within v1 (ADR 0034): the section's students enrolled when the session started
    # (opaque ids), so feedback knows from the start whom a live prompt waits for; consumers
    # that predate it read [].
    expected_student_ids: list[str] = []


class SessionEnded(EventData):
    session_id: str
    section_id: str
    ended_at: AwareDatetime
    # Added within v1 (ADR 0032): the section's students enrolled when the session ended
    # (opaque ids), so feedback knows who was expected; consumers that predate it read [].
    expected_student_ids: list[str] = []


class TaskAssigned(EventData):
    task_id: str
    section_id: str
    lesson_id: str
    component_id: str
    session_id: str | None
    bookend: Bookend | None
    title: str
    minutes: int
    opens_at: AwareDatetime
    due_at: AwareDatetime
    time_zone: str
    # Added within v1 (ADR 0033): the students the task is for (opaque ids), when chosen (a
    # group's members then, absentees, one student's remedial work); None: the whole section.
    # Feedback takes progress only from them; consumers that predate it read None.
    student_ids: list[str] | None = None


class TaskRescheduled(EventData):
    """A task's window moved (its session moved, or the plan changed)."""

    task_id: str
    section_id: str
    session_id: str | None
    opens_at: AwareDatetime
    due_at: AwareDatetime


class TaskWithdrawn(EventData):
    """A task no longer needs doing (its session was cancelled, or it was withdrawn)."""

    task_id: str
    section_id: str
    session_id: str | None
    withdrawn_at: AwareDatetime


class BalanceMode(StrEnum):
    """What a section's balance policy does with a change that breaks it: say so, or refuse it."""

    ADVISE = "advise"
    ENFORCE = "enforce"


class BalanceRule(StrEnum):
    """The rules of a balance policy: a cap on live minutes in one local day, and a minimum
    share of on-demand minutes in one ISO week's planned minutes."""

    MAX_LIVE_MINUTES_PER_DAY = "max_live_minutes_per_day"
    MIN_ON_DEMAND_SHARE = "min_on_demand_share"


class PlanChangeKind(StrEnum):
    """Which change of a section's plan was measured."""

    SESSIONS_SCHEDULED = "sessions_scheduled"
    SESSIONS_RESCHEDULED = "sessions_rescheduled"
    SESSIONS_CANCELLED = "sessions_cancelled"
    TASK_ASSIGNED = "task_assigned"
    TASK_WITHDRAWN = "task_withdrawn"


class BalanceFigure(BaseModel):
    """One rule a change left broken, with the section's figures: the live minutes of a local
    day (`period` YYYY-MM-DD) against the cap, or the on-demand share of an ISO week's planned
    minutes (`period` YYYY-Www) against the minimum."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    rule: BalanceRule
    period: str
    figure: float
    limit: float
    live_minutes: int
    on_demand_minutes: int


class ProposalKind(StrEnum):
    """A change to the plan the scheduler proposes from a balance assessment's flag (ADR 0038)."""

    FOLLOW_BY_RECORDING = "follow_by_recording"  # a student: recordings of the next weeks
    EXTEND_WINDOWS = "extend_windows"  # a student: a day more for the work due soon
    ADD_PREWORK = "add_prework"  # a student or the section: pre-work before the next session
    FEWER_LIVE_MINUTES = "fewer_live_minutes"  # the section: next week's sessions shorter


class ProposalStatus(StrEnum):
    OPEN = "open"  # for a teacher to accept or dismiss
    APPLIED = "applied"  # the plan changed (accepted, or applied by the section's policy)
    DISMISSED = "dismissed"
    UNDONE = "undone"  # applied, then taken back: the plan is as it was
    SUPERSEDED = "superseded"  # the week was assessed again without its flag


class BalanceWarning(EventData):
    """A change of a section's plan left its balance policy broken (in advise mode it was made;
    a change refused in enforce mode changes nothing and says nothing). Section-level figures
    only: no student is named."""

    section_id: str
    mode: BalanceMode
    change: PlanChangeKind
    warnings: list[BalanceFigure]


class FeedsChanged(EventData):
    """Whose feeds changed in one transaction: the gateway forgets the pages it keeps of them.
    Opaque student ids only; a change reaching more students comes in several events."""

    student_ids: list[str]
