"""Feedback's vocabulary and the events it publishes about live check-ins."""

from enum import StrEnum

from pydantic import AwareDatetime

from bookend.contracts.base import EventData


class CheckInSignal(StrEnum):
    GOT_IT = "got_it"
    UNSURE = "unsure"
    LOST = "lost"


class ChannelStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


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
