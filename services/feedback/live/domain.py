"""Live channels, check-ins and attendance: pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bookend.contracts.feedback import AttendanceMark, ChannelStatus, CheckInSignal, Presence
from bookend.ids import IdFactory
from bookend.problems import Conflict, Failure, FieldError, InvalidInput, NotFound

MAX_NOTE_LENGTH = 500


class FeedbackError(Failure):
    """Root of the feedback service's expected failures."""


class SessionNotLive(FeedbackError, Conflict):
    code = "SESSION_NOT_LIVE"

    def __init__(self, session_id: str, what: str = "check-ins") -> None:
        super().__init__(
            f"session {session_id} is not live: {what} are accepted only while the session is live"
        )


class NotInSession(FeedbackError, Conflict):
    code = "NOT_IN_SESSION"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"you are not in session {session_id} (never joined, or left already): a leave "
            "follows a join; nothing was recorded"
        )


class CheckInNotFound(FeedbackError, NotFound):
    code = "CHECKIN_NOT_FOUND"

    def __init__(self, checkin_id: str) -> None:
        super().__init__(f"check-in {checkin_id} was not found")


class AttendanceNotFound(FeedbackError, NotFound):
    code = "ATTENDANCE_NOT_FOUND"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"session {session_id} has no attendance summary yet: it is made when the session ends"
        )


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
    # The section's students when the session started (or, if its start never arrived, ended):
    # whom its prompts wait for (ADR 0034).
    expected_student_ids: tuple[str, ...] = ()

    @classmethod
    def of(cls, moment: SessionMoment, status: ChannelStatus) -> LiveChannel:
        return cls(moment.session_id, moment.district_id, moment.section_id, status, None, None)

    @property
    def is_live(self) -> bool:
        return self.status is ChannelStatus.OPEN

    def started(self, at: datetime, expected: tuple[str, ...] = ()) -> LiveChannel:
        # A late start never reopens an ended session; it only fills in when it opened.
        return replace(
            self,
            opened_at=self.opened_at or at,
            expected_student_ids=self.expected_student_ids or expected,
        )

    def ended(self, at: datetime, expected: tuple[str, ...] = ()) -> LiveChannel:
        return replace(
            self,
            status=ChannelStatus.CLOSED,
            closed_at=self.closed_at or at,
            expected_student_ids=self.expected_student_ids or expected,
        )


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
    expected_student_ids: tuple[str, ...] = ()  # the section's students then (ADR 0034)


def channel_started(channel: LiveChannel | None, moment: SessionMoment) -> LiveChannel:
    """Open the session's channel; an end that overtook this start keeps it closed."""
    channel = channel or LiveChannel.of(moment, ChannelStatus.OPEN)
    return channel.started(moment.at, moment.expected_student_ids)


def channel_ended(channel: LiveChannel | None, moment: SessionMoment) -> LiveChannel:
    """Close the session's channel, creating it closed if its start has not arrived."""
    channel = channel or LiveChannel.of(moment, ChannelStatus.CLOSED)
    return channel.ended(moment.at, moment.expected_student_ids)


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


@dataclass(frozen=True, slots=True)
class CheckInsSummarized:
    """Domain event: a live session ended, and how its check-ins went, in counts only."""

    session_id: str
    district_id: str
    section_id: str
    check_ins: int
    students: int
    expected: int
    latest: dict[CheckInSignal, int]
    with_notes: int
    summarized_at: datetime


def summarize_check_ins(
    channel: LiveChannel, check_ins: Iterable[CheckIn], *, at: datetime
) -> CheckInsSummarized:
    """Count an ended session's check-ins: all of them, the students who gave them, those with
    a note, and the students at each signal by their latest. The students expected are those
    its prompts waited for (the channel's), none if the scheduler named none."""
    items = list(check_ins)
    return CheckInsSummarized(
        session_id=channel.session_id,
        district_id=channel.district_id,
        section_id=channel.section_id,
        check_ins=len(items),
        students=len({item.student_id for item in items}),
        expected=len(set(channel.expected_student_ids)),
        latest=latest_signals(items),
        with_notes=sum(item.has_note for item in items),
        summarized_at=at,
    )


# --- attendance (ADR 0032) ------------------------------------------------------------------

# A client's id for one join or leave (a UUID, say): what makes a retry or a replayed offline
# queue record nothing twice.
MAX_CLIENT_EVENT_ID = 100
# Joins of one session by one student (each rejoin is one): a client cannot grow its record
# without bound, and leaves are bounded by joins.
MAX_JOINS = 50


def client_event_id_errors(client_event_id: str) -> list[FieldError]:
    if 0 < len(client_event_id) <= MAX_CLIENT_EVENT_ID and client_event_id.isprintable():
        return []
    message = f"must be 1 to {MAX_CLIENT_EVENT_ID} printable characters"
    return [FieldError("client_event_id", "valid_id", message)]


@dataclass(frozen=True, slots=True)
class PresenceReport:
    """A join or a leave, at the moment the service received it (never a client's clock)."""

    client_event_id: str
    kind: Presence
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Attendee:
    """One student's joins and leaves of one live session, in the order they were received.

    A leave is recorded only while the student is in the session, so they are in it exactly
    when their last report is a join; a join while in it (a second device, a reconnect after a
    lost leave) is kept and changes nothing."""

    district_id: str
    session_id: str
    section_id: str
    student_id: str
    reports: tuple[PresenceReport, ...] = ()

    @property
    def in_session(self) -> bool:
        return bool(self.reports) and self.reports[-1].kind is Presence.JOINED

    @property
    def first_join(self) -> datetime | None:
        return next((r.received_at for r in self.reports if r.kind is Presence.JOINED), None)

    def earlier(self, client_event_id: str) -> PresenceReport | None:
        return next((r for r in self.reports if r.client_event_id == client_event_id), None)

    def intervals(self) -> list[tuple[datetime, datetime | None]]:
        """Join to leave, in order; the last one has no end while the student is in."""
        spans: list[tuple[datetime, datetime | None]] = []
        opened: datetime | None = None
        for report in self.reports:
            if report.kind is Presence.JOINED and opened is None:
                opened = report.received_at
            elif report.kind is Presence.LEFT and opened is not None:
                spans.append((opened, report.received_at))
                opened = None
        return [*spans, (opened, None)] if opened is not None else spans


def report_presence(
    channel: LiveChannel | None,
    attendee: Attendee | None,
    *,
    session_id: str,
    student_id: str,
    kind: Presence,
    client_event_id: str,
    at: datetime,
) -> tuple[Attendee, PresenceReport]:
    """Record a student's join or leave. The same `client_event_id` again answers with what was
    recorded for it, whenever it comes (a retry, a replayed offline queue); anything new is
    taken only while the session is live."""
    if attendee is not None and (earlier := attendee.earlier(client_event_id)) is not None:
        if earlier.kind is not kind:
            message = f"already names a {earlier.kind.value} report of this session"
            raise InvalidInput("client_event_id", "one_report", message)
        return attendee, earlier
    if channel is None or not channel.is_live:
        raise SessionNotLive(session_id, "joins and leaves")
    attendee = attendee or Attendee(
        channel.district_id, channel.session_id, channel.section_id, student_id
    )
    if kind is Presence.LEFT and not attendee.in_session:
        raise NotInSession(session_id)
    joins = sum(r.kind is Presence.JOINED for r in attendee.reports)
    if kind is Presence.JOINED and joins >= MAX_JOINS:
        message = f"a student joins one session at most {MAX_JOINS} times"
        raise InvalidInput("session_id", "max_joins", message)
    report = PresenceReport(client_event_id, kind, at)
    return replace(attendee, reports=(*attendee.reports, report)), report


@dataclass(frozen=True, slots=True)
class AttendanceRules:
    """How late a first join may be, and how early a last leave, before it counts."""

    late_after: timedelta
    left_early_before: timedelta


@dataclass(frozen=True, slots=True)
class StudentAttendance:
    student_id: str
    mark: AttendanceMark
    minutes_present: int


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    """Who of the students expected attended a session, from its start to its end."""

    session_id: str
    district_id: str
    section_id: str
    started_at: datetime
    ended_at: datetime
    students: tuple[StudentAttendance, ...]
    summarized_at: datetime

    def marked(self, mark: AttendanceMark) -> list[str]:
        return [s.student_id for s in self.students if s.mark is mark]

    def of_student(self, student_id: str) -> AttendanceSummary:
        """Only that student's line: what a student may read of it."""
        own = tuple(s for s in self.students if s.student_id == student_id)
        return replace(self, students=own)


@dataclass(frozen=True, slots=True)
class AttendanceSummarized:
    """Domain event: a session ended, and how each student expected attended it."""

    summary: AttendanceSummary


def summarize(
    channel: LiveChannel,
    expected: Sequence[str],
    attendees: Iterable[Attendee],
    *,
    rules: AttendanceRules,
    at: datetime,
) -> tuple[AttendanceSummary, list[AttendanceSummarized]]:
    """Each expected student's mark and minutes present, joins clipped to the session's
    start..end; students who joined but were not expected (not enrolled) are left out. A
    channel whose start never arrived was never open: no one joined it."""
    ended = channel.closed_at
    assert ended is not None, "summarized once the session ended"
    started = min(channel.opened_at or ended, ended)
    by_student = {a.student_id: a for a in attendees}
    students = tuple(
        attendance_of(student, by_student.get(student), started, ended, rules)
        for student in dict.fromkeys(expected)
    )
    summary = AttendanceSummary(
        channel.session_id,
        channel.district_id,
        channel.section_id,
        started,
        ended,
        students,
        at,
    )
    return summary, [AttendanceSummarized(summary)]


def attendance_of(
    student_id: str,
    attendee: Attendee | None,
    started: datetime,
    ended: datetime,
    rules: AttendanceRules,
) -> StudentAttendance:
    """Absent: never joined. Late: first joined more than `late_after` after the start. Left
    early: out at the end, having last left more than `left_early_before` before it. Late and
    left early both: late (the first thing that went wrong; the minutes tell the rest).
    Otherwise present."""
    first = attendee.first_join if attendee is not None else None
    if attendee is None or first is None:
        return StudentAttendance(student_id, AttendanceMark.ABSENT, 0)
    spans = [(start, end or ended) for start, end in attendee.intervals()]
    present = sum(
        (max(min(end, ended) - max(start, started), timedelta(0)) for start, end in spans),
        start=timedelta(0),
    )
    minutes = round(present.total_seconds() / 60)
    last_out = spans[-1][1]
    if first - started > rules.late_after:
        mark = AttendanceMark.LATE
    elif ended - last_out > rules.left_early_before:
        mark = AttendanceMark.LEFT_EARLY
    else:
        mark = AttendanceMark.PRESENT
    return StudentAttendance(student_id, mark, minutes)
