"""An ended session's check-ins in counts: what district integrations receive of them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bookend.contracts.feedback import CheckInSignal
from services.feedback.live.domain import (
    CheckIn,
    LiveChannel,
    SessionMoment,
    channel_ended,
    channel_started,
    summarize_check_ins,
)

START = datetime(2025, 9, 1, 9, tzinfo=UTC)
END = START + timedelta(minutes=45)
NOW = END + timedelta(seconds=3)
GOT_IT, UNSURE, LOST = CheckInSignal.GOT_IT, CheckInSignal.UNSURE, CheckInSignal.LOST


def ended_channel(started_with: tuple[str, ...] = ("ana", "ben", "cai")) -> LiveChannel:
    opened = channel_started(None, SessionMoment("s1", "d1", "sec1", START, started_with))
    return channel_ended(opened, SessionMoment("s1", "d1", "sec1", END))


def signal(student: str, value: CheckInSignal, minute: int, note: str | None = None) -> CheckIn:
    return CheckIn(
        id=f"{student}-{minute}",
        district_id="d1",
        session_id="s1",
        section_id="sec1",
        student_id=student,
        signal=value,
        note=note,
        recorded_at=START + timedelta(minutes=minute),
    )


def test_the_summary_counts_every_check_in_and_each_student_once_by_their_latest_signal() -> None:
    counted = summarize_check_ins(
        ended_channel(),
        [
            signal("ana", LOST, 5),
            signal("ben", UNSURE, 6),
            signal("ana", UNSURE, 7),
            signal("ana", GOT_IT, 9),
        ],
        at=NOW,
    )
    assert (counted.check_ins, counted.students, counted.expected) == (4, 2, 3)
    assert counted.latest == {GOT_IT: 1, UNSURE: 1, LOST: 0}
    assert (counted.session_id, counted.district_id, counted.section_id) == ("s1", "d1", "sec1")
    assert counted.summarized_at == NOW


def test_a_students_latest_check_in_is_the_last_recorded_whatever_order_they_are_read_in() -> None:
    read = [signal("ana", GOT_IT, 9), signal("ana", LOST, 5)]
    assert summarize_check_ins(ended_channel(), read, at=NOW).latest == {
        GOT_IT: 1,
        UNSURE: 0,
        LOST: 0,
    }


def test_check_ins_with_a_note_are_counted_and_no_note_text_or_student_is_kept() -> None:
    counted = summarize_check_ins(
        ended_channel(),
        [
            signal("ana", LOST, 5, note="step 2 makes no sense"),
            signal("ana", GOT_IT, 9, note="now it does"),
            signal("ben", UNSURE, 6),
        ],
        at=NOW,
    )
    assert counted.with_notes == 2
    kept = str(dataclasses.asdict(counted))
    assert not any(word in kept for word in ("step 2", "now it does", "ana", "ben"))


def test_a_session_without_check_ins_is_summarised_as_zeros() -> None:
    counted = summarize_check_ins(ended_channel(), [], at=NOW)
    assert (counted.check_ins, counted.students, counted.with_notes, counted.expected) == (
        0,
        0,
        0,
        3,
    )
    assert counted.latest == {GOT_IT: 0, UNSURE: 0, LOST: 0}


def test_the_students_expected_are_the_channels_each_once_and_none_when_no_one_was_named() -> None:
    assert summarize_check_ins(ended_channel(("ana", "ana", "ben")), [], at=NOW).expected == 2
    assert summarize_check_ins(ended_channel(()), [], at=NOW).expected == 0
