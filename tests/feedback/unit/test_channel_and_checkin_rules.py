"""Live channels open and close with their session; check-ins need an open channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bookend.contracts.feedback import ChannelStatus, CheckInSignal
from bookend.problems import InvalidInput
from services.feedback.live.domain import (
    CheckIn,
    CheckInRecorded,
    LiveChannel,
    SessionMoment,
    SessionNotLive,
    channel_ended,
    channel_started,
    check_in,
    latest_signals,
)

START = datetime(2025, 9, 1, 9, tzinfo=UTC)
END = START + timedelta(minutes=45)


def channel() -> LiveChannel:
    return channel_started(None, SessionMoment("s1", "d1", "sec1", START))


def signal(student: str, value: CheckInSignal, minute: int) -> CheckIn:
    return CheckIn(
        id=f"{student}-{minute}",
        district_id="d1",
        session_id="s1",
        section_id="sec1",
        student_id=student,
        signal=value,
        note=None,
        recorded_at=START + timedelta(minutes=minute),
    )


def record(on: LiveChannel | None, note: str | None = None) -> CheckIn:
    made, events = check_in(
        on,
        session_id="s1",
        student_id="st1",
        signal=CheckInSignal.UNSURE,
        note=note,
        new_id=lambda: "c1",
        at=START,
    )
    assert events == [CheckInRecorded(made)]
    return made


def test_an_ended_channel_is_closed_at_its_end() -> None:
    closed = channel().ended(END)
    assert (closed.status, closed.opened_at, closed.closed_at) == (ChannelStatus.CLOSED, START, END)


def test_a_start_that_arrives_after_the_end_keeps_the_channel_closed() -> None:
    early_end = channel_ended(None, SessionMoment("s1", "d1", "sec1", END))
    late_start = channel_started(early_end, SessionMoment("s1", "d1", "sec1", START))
    assert (late_start.status, late_start.opened_at, late_start.closed_at) == (
        ChannelStatus.CLOSED,
        START,
        END,
    )


def test_a_second_end_keeps_the_first_end_time() -> None:
    assert channel().ended(END).ended(END + timedelta(hours=1)).closed_at == END


def test_a_check_in_on_an_open_channel_takes_its_section() -> None:
    made = record(channel(), note="  the second step  ")
    assert (made.section_id, made.student_id, made.note, made.has_note) == (
        "sec1",
        "st1",
        "the second step",
        True,
    )


def test_a_blank_note_is_no_note() -> None:
    assert record(channel(), note="   ").note is None


@pytest.mark.parametrize(
    "on", [None, channel().ended(END)], ids=["unknown channel", "closed channel"]
)
def test_a_check_in_outside_a_live_session_is_refused(on: LiveChannel | None) -> None:
    with pytest.raises(SessionNotLive) as failure:
        record(on)
    assert failure.value.code == "SESSION_NOT_LIVE"
    assert "session s1 is not live" in failure.value.message


def test_a_note_longer_than_500_characters_is_refused() -> None:
    assert record(channel(), note="x" * 500).note == "x" * 500
    with pytest.raises(InvalidInput) as failure:
        record(channel(), note="x" * 501)
    assert [(e.field, e.rule) for e in failure.value.errors] == [("note", "max_length")]


def test_counts_take_each_students_latest_signal() -> None:
    counts = latest_signals(
        [
            signal("ana", CheckInSignal.LOST, 5),
            signal("ben", CheckInSignal.UNSURE, 6),
            signal("ana", CheckInSignal.GOT_IT, 9),
        ]
    )
    assert counts == {CheckInSignal.GOT_IT: 1, CheckInSignal.UNSURE: 1, CheckInSignal.LOST: 0}


def test_counts_of_no_check_ins_are_all_zero() -> None:
    assert set(latest_signals([]).values()) == {0}
