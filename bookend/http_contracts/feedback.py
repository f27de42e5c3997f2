"""Feedback's HTTP API: check-ins, live channels, and students' joins and leaves."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bookend.contracts.feedback import AttendanceMark, ChannelStatus, CheckInSignal, Presence


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
