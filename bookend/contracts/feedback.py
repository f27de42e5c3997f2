"""Feedback's vocabulary and the events it publishes: live check-ins, attendance and progress."""

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bookend.contracts.base import EventData


class CheckInSignal(StrEnum):
    GOT_IT = "got_it"
    UNSURE = "unsure"
    LOST = "lost"


class ChannelStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Presence(StrEnum):
    """A student's report from their client: they joined a live session, or left it."""

    JOINED = "joined"
    LEFT = "left"


class AttendanceMark(StrEnum):
    """How a student attended a live session, as its attendance summary says (ADR 0032)."""

    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"


class TaskProgress(StrEnum):
    """How far a student is with an on-demand task; it only ever moves forward."""

    STARTED = "started"
    COMPLETED = "completed"


class BalanceFlag(StrEnum):
    """What a week's balance assessment found, each with a reason naming its figures (ADR
    0037). The scheduler turns each into a proposal against the plan."""

    # A student's
    OFFER_RECORDINGS = "offer_recordings"  # missed live sessions (and poorly connected)
    OVERLOADED = "overloaded"  # says there is too much work
    MORE_PREWORK = "more_prework"  # lost in most live sessions
    FALLING_BEHIND = "falling_behind"  # completed under half the on-demand minutes due
    LOW_WELLBEING = "low_wellbeing"  # for a person to follow up: no plan change
    # A section's, when enough of its students share one
    SECTION_MORE_PREWORK = "section_more_prework"
    SECTION_LESS_LIVE = "section_less_live"


class CheckInRecorded(EventData):
    """The note's text stays in the feedback service; readers fetch it through the API."""

    checkin_id: str
    session_id: str
    section_id: str
    student_id: str
    signal: CheckInSignal
    has_note: bool
    recorded_at: AwareDatetime


class AttendanceSummarized(EventData):
    """Who attended a live session, once it ended: opaque student ids by how they attended.
    The scheduler gives the session's recording to those absent (issue 9); the feedback service
    produces it from students' joins and leaves (issue 10)."""

    session_id: str
    section_id: str
    present: list[str]
    late: list[str]
    left_early: list[str]
    absent: list[str]
    summarized_at: AwareDatetime


class ProgressRecorded(EventData):
    """A student's progress on an on-demand task, as their client reported it (opaque ids).

    Clients retry and replay offline queues, so a report may arrive twice, late or out of
    order: readers keep the furthest state (completed stays completed) and, by `occurred_at`,
    the latest position. The feedback service produces it (issue 10); the scheduler shows it as
    the task's status in the student's feed.
    """

    report_id: str
    task_id: str
    section_id: str
    student_id: str
    state: TaskProgress
    position_seconds: int | None = Field(default=None, ge=0)
    time_spent_seconds: int = Field(default=0, ge=0)
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime


class AssessedFigures(BaseModel):
    """A week's minutes and rates (a rate is absent when there is nothing to divide by)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    planned_live_minutes: int = Field(ge=0)
    attended_live_minutes: int = Field(ge=0)
    assigned_on_demand_minutes: int = Field(ge=0)
    completed_on_demand_minutes: int = Field(ge=0)
    sessions: int = Field(ge=0)
    sessions_missed: int = Field(ge=0)
    on_demand_share: float | None = Field(default=None, ge=0, le=1)
    completion_rate: float | None = Field(default=None, ge=0, le=1)
    confusion_rate: float | None = Field(default=None, ge=0, le=1)


class AssessedFlag(BaseModel):
    """A flag and its reason: figures and who said what ("a guardian reports"), never a name."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: BalanceFlag
    reason: str = Field(max_length=500)


class StudentBalance(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    student_id: str
    figures: AssessedFigures
    flags: list[AssessedFlag]


class BalanceAssessed(EventData):
    """A section's week assessed: its figures and flags, and each student's (opaque ids, no
    pulse comments). The scheduler turns the flags into proposals against the plan (ADR 0037).
    Assessed again, a week replaces what was said of it before."""

    assessment_id: str
    section_id: str
    week: str = Field(pattern=r"^\d{4}-W\d{2}$")
    figures: AssessedFigures
    flags: list[AssessedFlag]
    students: list[StudentBalance]
    assessed_at: AwareDatetime


# --- questions and teacher notes (ADR 0035) -------------------------------------------------


class QuestionVisibility(StrEnum):
    """Who sees a question: the section's staff only (and the asker), or the whole class with
    the asker anonymous to their peers."""

    TEACHER = "teacher"
    CLASS = "class"


class QuestionPhase(StrEnum):
    """When it was asked, by the session's status then."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class QuestionStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    FOR_FOLLOW_UP = "for_follow_up"  # to be answered in the session's follow-up


class AnswerMode(StrEnum):
    LIVE = "live"  # answered aloud in the session (a short text may say how)
    WRITTEN = "written"


class QuestionAsked(EventData):
    """A student asked about a session. Names no asker and carries no text: a class question's
    event reaches every subscriber of the section, and its asker stays anonymous to peers in
    every event (readers fetch the question by id with their own rights)."""

    question_id: str
    session_id: str
    section_id: str
    visibility: QuestionVisibility
    phase: QuestionPhase
    asked_at: AwareDatetime


class QuestionUpvoted(EventData):
    """A classmate upvoted a class question: how many have now (never who)."""

    question_id: str
    session_id: str
    section_id: str
    visibility: QuestionVisibility
    upvotes: int = Field(ge=0)
    upvoted_at: AwareDatetime


class QuestionAnswered(EventData):
    """Staff answered a question, live or in writing (again: the answer replaced); no text."""

    question_id: str
    session_id: str
    section_id: str
    visibility: QuestionVisibility
    mode: AnswerMode
    answered_at: AwareDatetime


class QuestionMarkedForFollowUp(EventData):
    """Staff left a question for the session's follow-up; `follow_up_task_id` is that task,
    when feedback knows of one, so the scheduler can show the question with it."""

    question_id: str
    session_id: str
    section_id: str
    visibility: QuestionVisibility
    follow_up_task_id: str | None = None
    marked_at: AwareDatetime


class NoteGiven(EventData):
    """Staff wrote a note to a student about a task or a live moment of a session. Ids only:
    the text is private to the student and their guardians, who read it through the API."""

    note_id: str
    student_id: str
    section_id: str
    task_id: str | None = None
    session_id: str | None = None
    given_at: AwareDatetime
