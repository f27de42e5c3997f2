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


class CheckInCounts(BaseModel):
    """How many students' last check-in of a session gave each signal."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    got_it: int = Field(ge=0)
    unsure: int = Field(ge=0)
    lost: int = Field(ge=0)


class CheckInsSummarized(EventData):
    """A live session's check-ins in counts, once it ended: what district integrations receive
    of them (ADR 0050). Each CheckInRecorded names its student and stands beside a note in
    their own words, so the per-student check-ins stay internal and this aggregate is public.
    Published once a session, also when no one checked in. `expected` is 0 when the scheduler
    named no students; `students` may exceed it when the roster changed during the session."""

    session_id: str
    section_id: str
    checkins: int = Field(ge=0)  # every check-in recorded, a student's changes of mind included
    students: int = Field(ge=0)  # distinct students who checked in at least once
    expected: int = Field(ge=0)
    latest: CheckInCounts  # each student counted once, by their last check-in
    with_notes: int = Field(ge=0)  # check-ins that came with a note (its text stays internal)
    summarized_at: AwareDatetime


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
    """A student's progress on an on-demand task, merged from every report their clients sent
    (opaque ids; ADR 0033).

    Clients retry and replay offline queues, so reports arrive twice, late or out of order; the
    feedback service merges them so that order does not matter (started at the earliest,
    position the furthest, completed sticky, time spent summed over distinct reports) and
    publishes the merged state each time it changes, never for a repeated report. `report_count`
    (how many distinct reports it merges) grows with each event of one task and student: a
    reader keeps the state with the highest. The scheduler shows `state` in the student's feed.
    """

    report_id: str  # the service's id for this change (never the client's id)
    task_id: str
    section_id: str
    student_id: str
    state: TaskProgress
    position_seconds: int | None = Field(default=None, ge=0)
    time_spent_seconds: int = Field(default=0, ge=0)
    occurred_at: AwareDatetime  # the client's moment of the report that changed it (bounded)
    recorded_at: AwareDatetime  # the service's clock when it changed
    # Added within v1 (ADR 0033); consumers that predate them read the defaults.
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    report_count: int = Field(default=1, ge=1)


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


# --- pulse surveys (ADR 0036) ---------------------------------------------------------------


class PulseRespondent(StrEnum):
    """Who answered a week's pulse about a student: the student, or a guardian of theirs."""

    STUDENT = "student"
    GUARDIAN = "guardian"


class Workload(StrEnum):
    TOO_LITTLE = "too_little"
    ABOUT_RIGHT = "about_right"
    TOO_MUCH = "too_much"


class Wellbeing(StrEnum):
    """Five steps, lowest first: how the student is doing this week."""

    VERY_LOW = "very_low"
    LOW = "low"
    OKAY = "okay"
    GOOD = "good"
    VERY_GOOD = "very_good"


class Connectivity(StrEnum):
    """Internet at home this week (a shared device is asked apart)."""

    GOOD = "good"
    LIMITED = "limited"
    NONE = "none"


class LearningPreference(StrEnum):
    MORE_LIVE = "more_live"
    BALANCED = "balanced"
    MORE_ON_DEMAND = "more_on_demand"


class PulseSubmitted(EventData):
    """A week's pulse about a student was given or changed (one per respondent, student and
    week; `revision` counts its changes). Enum answers and opaque ids only: the free comment
    stays in the feedback service (`has_comment` says whether there is one)."""

    pulse_id: str
    week: str  # ISO week, e.g. 2026-W48
    student_id: str
    respondent_id: str
    respondent: PulseRespondent
    workload: Workload
    wellbeing: Wellbeing
    connectivity: Connectivity
    shared_device: bool
    preference: LearningPreference
    has_comment: bool
    revision: int = Field(ge=1)
    submitted_at: AwareDatetime  # this revision's


# --- prompts: checks for understanding in a live session (ADR 0034) ---------------------------


class PromptKind(StrEnum):
    """What a prompt asks for. All but short text are answered by a choice, an index into the
    prompt's choices: thumbs ("up", "down"), the understanding scale ("1" to "4", 4 the best),
    or the teacher's multiple-choice options."""

    THUMBS = "thumbs"
    UNDERSTANDING = "understanding"
    MULTIPLE_CHOICE = "multiple_choice"
    SHORT_TEXT = "short_text"


class PromptStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PromptResults(BaseModel):
    """A prompt's aggregate, never who answered what: how many of the students expected
    answered while it was open, how many chose each choice (in the prompt's order; empty for
    short text), and how many answered later as on-demand work. `revision` grows with every
    change, so a reader keeps the highest it has seen."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    answered: int = Field(ge=0)
    expected: int = Field(ge=0)
    counts: list[int]
    late_answered: int = Field(default=0, ge=0)
    revision: int = Field(ge=0)


class PromptOpened(EventData):
    """A teacher opened a prompt in a live session. The question and choices are the teacher's
    words: they stay in the feedback service, readers fetch them by id."""

    prompt_id: str
    session_id: str
    section_id: str
    kind: PromptKind
    choice_count: int = Field(ge=0)
    opened_at: AwareDatetime


class PromptAnswered(EventData):
    """A student answered a prompt (or changed their answer while it was open), with the
    prompt's aggregate after it; `late` for an answer given after the prompt closed, as
    on-demand work left to an absent student. No answer, no text: the student's own words stay
    in the feedback service."""

    prompt_id: str
    session_id: str
    section_id: str
    student_id: str
    late: bool
    answered_at: AwareDatetime
    results: PromptResults


class PromptClosed(EventData):
    """A prompt stopped taking answers (its teacher closed it, revealed it, or the session
    ended), with its final aggregate."""

    prompt_id: str
    session_id: str
    section_id: str
    closed_at: AwareDatetime
    results: PromptResults


class PromptRevealed(EventData):
    """A teacher showed a closed prompt's aggregate to the class (anonymous: counts only)."""

    prompt_id: str
    session_id: str
    section_id: str
    revealed_at: AwareDatetime
    results: PromptResults


class PromptAssigned(EventData):
    """A prompt of a session that ended is left, as on-demand work, to the students marked
    absent who had not answered it (opaque ids). The scheduler puts it in their feeds."""

    prompt_id: str
    session_id: str
    section_id: str
    student_ids: list[str]
    assigned_at: AwareDatetime


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
    """Staff answered a question, live or in writing (again: the answer replaced); no text.
    A teacher-only question's answer names its asker (an opaque id), so that it reaches them
    alone; a class question's never does: its asker stays anonymous to peers (ADR 0039)."""

    question_id: str
    session_id: str
    section_id: str
    visibility: QuestionVisibility
    mode: AnswerMode
    answered_at: AwareDatetime
    asker_id: str | None = None  # a teacher-only question's asker; None for a class question


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
