"""Live channels and check-ins: pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from bookend.contracts.feedback import ChannelStatus, CheckInSignal
from bookend.ids import IdFactory
from bookend.problems import Conflict, Failure, InvalidInput, NotFound

MAX_NOTE_LENGTH = 500


class FeedbackError(Failure):
    """Root of the feedback service's expected failures."""


class SessionNotLive(FeedbackError, Conflict):
    code = "SESSION_NOT_LIVE"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"session {session_id} is not live: check-ins are accepted only while the session "
            "is live"
        )


class CheckInNotFound(FeedbackError, NotFound):
    code = "CHECKIN_NOT_FOUND"

    def __init__(self, checkin_id: str) -> None:
        super().__init__(f"check-in {checkin_id} was not found")


class ChannelNotFound(FeedbackError, NotFound):
    code = "CHANNEL_NOT_FOUND"

    def __init__(self, session_id: str) -> None:
        super().__init__(f"no live channel is known for session {session_id}")


@dataclass(frozen=True, slots=True)
class LiveChannel:
    """The live side of one session: open from its start until its end."""

    session_id: str
    district_id: str
    section_id: str
    status: ChannelStatus
    opened_at: datetime | None
    closed_at: datetime | None

    @classmethod
    def of(cls, moment: SessionMoment, status: ChannelStatus) -> LiveChannel:
        return cls(moment.session_id, moment.district_id, moment.section_id, status, None, None)

    @property
    def is_live(self) -> bool:
        return self.status is ChannelStatus.OPEN

    def started(self, at: datetime) -> LiveChannel:
        # A late start never reopens an ended session; it only fills in when it opened.
        return replace(self, opened_at=self.opened_at or at)

    def ended(self, at: datetime) -> LiveChannel:
        return replace(self, status=ChannelStatus.CLOSED, closed_at=self.closed_at or at)


@dataclass(frozen=True, slots=True)
class SectionSchool:
    """Which school a section is in: a school admin's reach, learned from scheduled sessions."""

    section_id: str
    district_id: str
    school_id: str


@dataclass(frozen=True, slots=True)
class SessionMoment:
    """A session's start or end, as the scheduler announced it."""

    session_id: str
    district_id: str
    section_id: str
    at: datetime


def channel_started(channel: LiveChannel | None, moment: SessionMoment) -> LiveChannel:
    """Open the session's channel; an end that overtook this start keeps it closed."""
    return (channel or LiveChannel.of(moment, ChannelStatus.OPEN)).started(moment.at)


def channel_ended(channel: LiveChannel | None, moment: SessionMoment) -> LiveChannel:
    """Close the session's channel, creating it closed if its start has not arrived."""
    return (channel or LiveChannel.of(moment, ChannelStatus.CLOSED)).ended(moment.at)


@dataclass(frozen=True, slots=True)
class CheckIn:
    id: str
    district_id: str
    session_id: str
    section_id: str
    student_id: str
    signal: CheckInSignal
    note: str | None
    recorded_at: datetime

    @property
    def has_note(self) -> bool:
        return self.note is not None


def check_in(
    channel: LiveChannel | None,
    *,
    session_id: str,
    student_id: str,
    signal: CheckInSignal,
    note: str | None,
    new_id: IdFactory,
    at: datetime,
) -> tuple[CheckIn, list[CheckInRecorded]]:
    """A student's signal during a live session, and the event recording it; refused unless
    the channel is open."""
    note = note.strip() if note is not None else None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput("note", "max_length", f"must be at most {MAX_NOTE_LENGTH} characters")
    if channel is None or not channel.is_live:
        raise SessionNotLive(session_id)
    item = CheckIn(
        id=new_id(),
        district_id=channel.district_id,
        session_id=channel.session_id,
        section_id=channel.section_id,
        student_id=student_id,
        signal=signal,
        note=note or None,
        recorded_at=at,
    )
    return item, [CheckInRecorded(item)]


@dataclass(frozen=True, slots=True)
class CheckInRecorded:
    """Domain event: a student signalled how a live session is going for them."""

    check_in: CheckIn


def latest_signals(check_ins: Iterable[CheckIn]) -> dict[CheckInSignal, int]:
    """How many students are at each signal now: a student's latest check-in replaces earlier."""
    latest: dict[str, CheckIn] = {}
    for item in sorted(check_ins, key=lambda c: (c.recorded_at, c.id)):
        latest[item.student_id] = item
    counts = dict.fromkeys(CheckInSignal, 0)
    for item in latest.values():
        counts[item.signal] += 1
    return counts
