"""Attendance's pure rules: joins and leaves make intervals, and a session's end gives each
expected student a mark and the minutes they were present (ADR 0032)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bookend.contracts.feedback import AttendanceMark, Presence
from bookend.problems import InvalidInput
from services.feedback.live.domain import (
    MAX_JOINS,
    AttendanceRules,
    Attendee,
    LiveChannel,
    NotInSession,
    SessionMoment,
    SessionNotLive,
    StudentAttendance,
    channel_ended,
    channel_started,
    client_event_id_errors,
    report_presence,
    summarize,
)

START = datetime(2025, 9, 1, 9, tzinfo=UTC)
END = START + timedelta(minutes=50)
RULES = AttendanceRules(late_after=timedelta(minutes=5), left_early_before=timedelta(minutes=5))
SUMMARIZED = END + timedelta(seconds=2)


def live() -> LiveChannel:
    return channel_started(None, SessionMoment("s1", "d1", "sec1", START))


def ended(channel: LiveChannel | None = None) -> LiveChannel:
    return channel_ended(channel or live(), SessionMoment("s1", "d1", "sec1", END))


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def reported(student: str, *moves: tuple[Presence, float]) -> Attendee:
    """A student's reports, each received `minutes` after the start, through the real rule."""
    attendee: Attendee | None = None
    for number, (kind, minutes) in enumerate(moves):
        attendee, _ = report_presence(
            live(),
            attendee,
            session_id="s1",
            student_id=student,
            kind=kind,
            client_event_id=f"{student}-{number}",
            at=at(minutes),
        )
    assert attendee is not None
    return attendee


JOIN, LEAVE = Presence.JOINED, Presence.LEFT


def attendance(*attendees: Attendee, expected: list[str] | None = None) -> list[StudentAttendance]:
    wanted = expected if expected is not None else [a.student_id for a in attendees]
    summary, _ = summarize(ended(), wanted, attendees, rules=RULES, at=SUMMARIZED)
    return list(summary.students)


def mark_of(attendee: Attendee) -> tuple[AttendanceMark, int]:
    [only] = attendance(attendee)
    return only.mark, only.minutes_present


def test_a_student_in_from_the_start_to_the_end_is_present_for_all_of_it() -> None:
    assert mark_of(reported("ana", (JOIN, 0), (LEAVE, 50))) == (AttendanceMark.PRESENT, 50)


def test_an_interval_still_open_at_the_end_ends_there() -> None:
    assert mark_of(reported("ana", (JOIN, 1))) == (AttendanceMark.PRESENT, 49)


def test_a_student_never_joined_is_absent() -> None:
    assert attendance(expected=["ana"]) == [StudentAttendance("ana", AttendanceMark.ABSENT, 0)]


@pytest.mark.parametrize(
    ("joined", "mark"),
    [(5, AttendanceMark.PRESENT), (5 + 1 / 60_000, AttendanceMark.LATE), (20, AttendanceMark.LATE)],
    ids=["at the threshold", "a millisecond past it", "well past it"],
)
def test_a_first_join_more_than_the_threshold_after_the_start_is_late(
    joined: float, mark: AttendanceMark
) -> None:
    assert mark_of(reported("ana", (JOIN, joined)))[0] is mark


@pytest.mark.parametrize(
    ("left", "mark"),
    [(45, AttendanceMark.PRESENT), (45 - 1 / 60_000, AttendanceMark.LEFT_EARLY)],
    ids=["at the threshold", "a millisecond before it"],
)
def test_a_last_leave_more_than_the_threshold_before_the_end_is_leaving_early(
    left: float, mark: AttendanceMark
) -> None:
    assert mark_of(reported("ana", (JOIN, 0), (LEAVE, left)))[0] is mark


def test_late_and_left_early_both_is_late() -> None:
    assert mark_of(reported("ana", (JOIN, 10), (LEAVE, 30))) == (AttendanceMark.LATE, 20)


def test_a_rejoin_adds_its_minutes_and_only_the_last_leave_counts() -> None:
    """Out for twenty minutes in the middle, then back until the end: present, 30 minutes."""
    student = reported("ana", (JOIN, 0), (LEAVE, 10), (JOIN, 30))
    assert mark_of(student) == (AttendanceMark.PRESENT, 30)
    early = reported("ben", (JOIN, 0), (LEAVE, 10), (JOIN, 30), (LEAVE, 40))
    assert mark_of(early) == (AttendanceMark.LEFT_EARLY, 20)


def test_a_second_join_while_in_changes_nothing() -> None:
    """A second device, or a reconnect after a leave that was lost."""
    student = reported("ana", (JOIN, 0), (JOIN, 20), (LEAVE, 50))
    assert student.intervals() == [(at(0), at(50))]
    assert mark_of(student) == (AttendanceMark.PRESENT, 50)


def test_time_outside_the_session_does_not_count() -> None:
    """A leave heard after the end (the channel closes once feedback hears the end)."""
    student = reported("ana", (JOIN, 0), (LEAVE, 55))
    assert mark_of(student) == (AttendanceMark.PRESENT, 50)


def test_minutes_are_rounded_to_the_nearest() -> None:
    assert mark_of(reported("ana", (JOIN, 0.5), (LEAVE, 10)))[1] == 10  # 9.5 rounds to even
    assert mark_of(reported("ana", (JOIN, 0.4), (LEAVE, 10)))[1] == 10  # 9.6
    assert mark_of(reported("ana", (JOIN, 0.6), (LEAVE, 10)))[1] == 9  # 9.4


def test_students_who_joined_but_were_not_expected_are_left_out() -> None:
    enrolled, stranger = reported("ana", (JOIN, 0)), reported("zed", (JOIN, 0))
    summary, [event] = summarize(
        ended(), ["ana", "ben", "ana"], [enrolled, stranger], rules=RULES, at=SUMMARIZED
    )
    assert [s.student_id for s in summary.students] == ["ana", "ben"]
    assert summary.marked(AttendanceMark.PRESENT) == ["ana"]
    assert summary.marked(AttendanceMark.ABSENT) == ["ben"]
    assert event.summary is summary
    assert (summary.started_at, summary.ended_at, summary.summarized_at) == (START, END, SUMMARIZED)


def test_a_session_whose_start_never_arrived_was_never_open_so_all_are_absent() -> None:
    never_opened = channel_ended(None, SessionMoment("s1", "d1", "sec1", END))
    summary, _ = summarize(never_opened, ["ana"], [], rules=RULES, at=SUMMARIZED)
    assert (summary.started_at, summary.students) == (
        END,
        (StudentAttendance("ana", AttendanceMark.ABSENT, 0),),
    )


def test_the_same_client_event_again_returns_what_was_recorded_and_changes_nothing() -> None:
    first = reported("ana", (JOIN, 0))
    again, report = report_presence(
        # The session ended meanwhile: a replayed offline queue still gets its answer.
        ended(),
        first,
        session_id="s1",
        student_id="ana",
        kind=JOIN,
        client_event_id="ana-0",
        at=at(30),
    )
    assert (again, report) == (first, first.reports[0])
    assert report.received_at == at(0)


def test_a_client_event_id_used_for_a_join_cannot_name_a_leave() -> None:
    with pytest.raises(InvalidInput) as refused:
        report_presence(
            live(),
            reported("ana", (JOIN, 0)),
            session_id="s1",
            student_id="ana",
            kind=LEAVE,
            client_event_id="ana-0",
            at=at(1),
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("client_event_id", "one_report")]


@pytest.mark.parametrize(
    "moves",
    [(), ((JOIN, 0), (LEAVE, 5))],
    ids=["never joined", "left already"],
)
def test_a_leave_without_a_join_is_refused(moves: tuple[tuple[Presence, float], ...]) -> None:
    before = reported("ana", *moves) if moves else None
    with pytest.raises(NotInSession):
        report_presence(
            live(),
            before,
            session_id="s1",
            student_id="ana",
            kind=LEAVE,
            client_event_id="new",
            at=at(10),
        )


@pytest.mark.parametrize("channel", [None, ended()], ids=["unknown", "ended"])
def test_nothing_new_is_taken_unless_the_session_is_live(channel: LiveChannel | None) -> None:
    with pytest.raises(SessionNotLive, match="joins and leaves are accepted only while"):
        report_presence(
            channel,
            None,
            session_id="s1",
            student_id="ana",
            kind=JOIN,
            client_event_id="e1",
            at=at(1),
        )


def test_a_student_joins_one_session_at_most_max_joins_times() -> None:
    moves = [(JOIN if n % 2 == 0 else LEAVE, n / 10) for n in range(2 * MAX_JOINS - 1)]
    student = reported("ana", *moves)
    assert len(student.intervals()) == MAX_JOINS
    with pytest.raises(InvalidInput) as refused:
        report_presence(
            live(),
            student,
            session_id="s1",
            student_id="ana",
            kind=JOIN,
            client_event_id="one-too-many",
            at=at(20),
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("session_id", "max_joins")]
    # Leaving is still taken: it closes the interval that is open.
    left, _ = report_presence(
        live(),
        student,
        session_id="s1",
        student_id="ana",
        kind=LEAVE,
        client_event_id="last-leave",
        at=at(20),
    )
    assert not left.in_session


@pytest.mark.parametrize(
    ("value", "valid"),
    [("4f1c2a9e-uuid", True), ("", False), ("x" * 101, False), ("tab\there", False)],
    ids=["a uuid", "empty", "too long", "not printable"],
)
def test_a_client_event_id_is_one_to_a_hundred_printable_characters(
    value: str, valid: bool
) -> None:
    errors = client_event_id_errors(value)
    assert [(e.field, e.rule) for e in errors] == (
        [] if valid else [("client_event_id", "valid_id")]
    )
