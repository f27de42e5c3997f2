"""Feedback's HTTP API: check-ins, live channels, and students' joins and leaves."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel

from bookend.contracts.feedback import (
    AnswerMode,
    AttendanceMark,
    ChannelStatus,
    CheckInSignal,
    Presence,
    QuestionPhase,
    QuestionStatus,
    QuestionVisibility,
)
from bookend.http_contracts.paging import PageInfo


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


class CheckInList(BaseModel):
    items: list[CheckIn]


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


class QuestionList(BaseModel):
    items: list[Question]


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


class NotePage(BaseModel):
    items: list[Note]
    page_info: PageInfo
    cursors: list[str] = []  # each item's, in order
