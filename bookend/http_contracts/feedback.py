"""Feedback's HTTP API: check-ins, live channels, students' joins and leaves, and their
progress on on-demand tasks."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel

from bookend.contracts.feedback import (
    AnswerMode,
    AttendanceMark,
    BalanceFlag,
    ChannelStatus,
    CheckInSignal,
    Connectivity,
    LearningPreference,
    Presence,
    PulseRespondent,
    QuestionPhase,
    QuestionStatus,
    QuestionVisibility,
    TaskProgress,
    Wellbeing,
    Workload,
)
from bookend.http_contracts.paging import Page


class CheckInCreate(BaseModel):
    signal: CheckInSignal
    # Its length (at most 500) is a domain rule, so the error names `max_length` everywhere.
    note: str | None = None


class CheckIn(BaseModel):
    id: str
    session_id: str
    section_id: str
    student_id: str
    signal: CheckInSignal
    note: str | None
    recorded_at: datetime


class CheckInPage(Page[CheckIn]):
    """A session's check-ins as recorded."""


class SignalCounts(BaseModel):
    got_it: int
    unsure: int
    lost: int


class Channel(BaseModel):
    session_id: str
    section_id: str
    status: ChannelStatus
    opened_at: datetime | None
    closed_at: datetime | None
    counts: SignalCounts


class PresenceCreate(BaseModel):
    """A join or leave from a student's client. Its id makes a retry or a replayed offline
    queue record nothing twice; its length (1 to 100) is a domain rule, so the error names
    `valid_id` everywhere. The moment is the service's, never the client's."""

    client_event_id: str


class PresenceReport(BaseModel):
    session_id: str
    student_id: str
    client_event_id: str
    kind: Presence
    received_at: datetime


class StudentAttendance(BaseModel):
    student_id: str
    mark: AttendanceMark
    minutes_present: int


class Attendance(BaseModel):
    """A session's attendance, summarised when it ended (ADR 0032); a student reads only their
    own line."""

    session_id: str
    section_id: str
    started_at: datetime
    ended_at: datetime
    summarized_at: datetime
    students: list[StudentAttendance]


# --- pulse surveys (ADR 0036) ---------------------------------------------------------------


class PulsePut(BaseModel):
    """A week's pulse, given or changed (the same week again replaces it). A student answers
    about themself (`student_id` left out or their own); a guardian names their child. The
    comment's length (at most 1000) is a domain rule, so the error names `max_length`."""

    student_id: str | None = None
    workload: Workload
    wellbeing: Wellbeing
    connectivity: Connectivity
    shared_device: bool
    preference: LearningPreference
    comment: str | None = None


class Pulse(BaseModel):
    id: str
    week: str
    student_id: str
    respondent_id: str
    respondent: PulseRespondent
    workload: Workload
    wellbeing: Wellbeing
    connectivity: Connectivity
    shared_device: bool
    preference: LearningPreference
    comment: str | None
    section_ids: list[str]
    first_submitted_at: datetime
    submitted_at: datetime
    revision: int


class PulseList(BaseModel):
    items: list[Pulse]


class Tally(BaseModel):
    students: int
    guardians: int


class WorkloadTally(Tally):
    answer: Workload


class WellbeingTally(Tally):
    answer: Wellbeing


class ConnectivityTally(Tally):
    answer: Connectivity


class PreferenceTally(Tally):
    answer: LearningPreference


class SectionPulse(BaseModel):
    """A section's week of pulses for its staff: counts of each answer, students' and
    guardians' apart. The pulses themselves (comments included) are a PulsePage of their
    own."""

    section_id: str
    week: str
    students_responded: int
    guardians_responded: int
    students_heard_from: int
    workload: list[WorkloadTally]
    wellbeing: list[WellbeingTally]
    connectivity: list[ConnectivityTally]
    shared_device: Tally
    preference: list[PreferenceTally]


class PulsePage(Page[Pulse]):
    """A section's week of pulses: by student, their own before their guardians'."""


# --- progress on on-demand tasks (ADR 0033) -------------------------------------------------


class ProgressReportCreate(BaseModel):
    """One report from a student's client: what happened since its previous report of the
    task. Its id makes a retry or a replayed offline queue change nothing twice; its bounds
    (id 1 to 100 characters, time spent 0 to 3600, a position within the media) are domain
    rules, so the errors name the same rules everywhere."""

    client_event_id: str
    occurred_at: AwareDatetime  # the client's clock: not in the future
    completed: bool = False
    position_seconds: int | None = None
    time_spent_seconds: int = 0  # since the client's previous report of this task


class MergedProgress(BaseModel):
    state: TaskProgress
    started_at: datetime
    completed_at: datetime | None
    position_seconds: int | None
    time_spent_seconds: int


class StudentProgress(BaseModel):
    """A student's progress on a task, merged from their reports whatever their order."""

    task_id: str
    section_id: str
    student_id: str
    progress: MergedProgress
    report_count: int


class ProgressReceipt(BaseModel):
    """A report as kept (the first time, for a client event sent again) and the progress now."""

    client_event_id: str
    occurred_at: datetime  # as kept: between the task's assignment and the report's receipt
    received_at: datetime
    repeated: bool
    student: StudentProgress


class TaskProgressPage(Page[StudentProgress]):
    """A task's students' progress, by student id (those who reported any)."""


# --- balance assessment (ADR 0037) ----------------------------------------------------------


class AssessmentFigures(BaseModel):
    """A week's minutes, sessions and rates (a rate is None when nothing divides it)."""

    planned_live_minutes: int
    attended_live_minutes: int
    assigned_on_demand_minutes: int
    completed_on_demand_minutes: int
    sessions: int
    sessions_missed: int
    sessions_checked_in: int
    sessions_lost: int
    on_demand_share: float | None
    completion_rate: float | None
    confusion_rate: float | None


class AssessmentFlag(BaseModel):
    kind: BalanceFlag
    reason: str


class PreferenceCount(BaseModel):
    preference: LearningPreference
    count: int


class AssessmentPulse(BaseModel):
    students_responded: int
    guardians_responded: int
    too_much_work: int
    low_wellbeing: int
    poorly_connected: int
    preferences: list[PreferenceCount]


class StudentAssessment(BaseModel):
    student_id: str
    figures: AssessmentFigures
    pulse: AssessmentPulse
    flags: list[AssessmentFlag]


class BalanceAssessment(BaseModel):
    section_id: str
    week: str
    figures: AssessmentFigures
    pulse: AssessmentPulse
    flags: list[AssessmentFlag]
    students: list[StudentAssessment]
    assessed_at: datetime | None  # when published; None: as the week stands now


# --- the admins' balance report: a week across sections (ADR 0046) --------------------------


class StudentFlagCount(BaseModel):
    kind: BalanceFlag
    students: int


class ReportLine(BaseModel):
    """A section's published week: figures and flags, and students counted, never named."""

    section_id: str
    school_id: str | None
    figures: AssessmentFigures
    flags: list[AssessmentFlag]
    students: int
    students_flagged: int
    student_flags: list[StudentFlagCount]
    assessed_at: datetime | None


class FlagCount(BaseModel):
    kind: BalanceFlag
    sections: int
    students: int


class ReportTotals(BaseModel):
    sections: int
    sections_flagged: int
    students: int
    students_flagged: int
    figures: AssessmentFigures
    flags: list[FlagCount]


class BalanceReport(Page[ReportLine]):
    """A page of a week's report, a section a line; its totals count every section of it."""

    week: str
    school_id: str | None  # None: the whole district
    totals: ReportTotals | None = None  # only when asked for (`total=true`)


# --- questions and teacher notes (ADR 0035) -------------------------------------------------


class QuestionCreate(BaseModel):
    # The text's bounds (1 to 500) are a domain rule, so the error names them everywhere.
    text: str
    visibility: QuestionVisibility = QuestionVisibility.TEACHER


class AnswerCreate(BaseModel):
    mode: AnswerMode
    text: str | None = None  # required in writing; at most 2,000 characters (a domain rule)


class QuestionAnswer(BaseModel):
    mode: AnswerMode
    text: str | None
    answered_by: str
    answered_at: datetime


class QuestionFollowUp(BaseModel):
    marked_by: str
    marked_at: datetime
    task_id: str | None


class Question(BaseModel):
    """A question as the caller may see it: its asker only for staff; `mine` and `upvoted`
    are the caller's own, absent (null) in a view shared by everyone with the caller's claims
    (`GET /questions/{id}/shared`)."""

    id: str
    session_id: str
    section_id: str
    text: str
    visibility: QuestionVisibility
    phase: QuestionPhase
    status: QuestionStatus
    asked_at: datetime
    upvotes: int
    answer: QuestionAnswer | None
    follow_up: QuestionFollowUp | None
    asker_id: str | None
    mine: bool | None
    upvoted: bool | None


class QuestionPage(Page[Question]):
    """A session's questions in the order asked, each as the caller sees it."""


class SessionQuestionPage(QuestionPage):
    """The first page of one session's questions left for its follow-up."""

    session_id: str


class FollowUpQuestionPages(BaseModel):
    """The first page of the questions left for the follow-up of each session asked about."""

    items: list[SessionQuestionPage]


class NoteCreate(BaseModel):
    """A note to one student about a task (`task_id`) or a live moment of a session
    (`session_id`, and `at` within it if given): one of the two. The text's bounds (1 to
    2,000) are a domain rule."""

    student_id: str
    text: str
    task_id: str | None = None
    session_id: str | None = None
    at: AwareDatetime | None = None


class Note(BaseModel):
    id: str
    student_id: str
    section_id: str
    author_id: str
    text: str
    task_id: str | None
    session_id: str | None
    at: datetime | None
    given_at: datetime


class NotePage(Page[Note]):
    """A page of them, as every list that can grow answers (ADR 0044)."""
