"""What the scheduler adds by itself after a session: extra practice for a student lost in it
(alone, once), and its recording for the students who missed it (only them, once)."""

from __future__ import annotations

import pytest

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.feedback import AttendanceSummarized, CheckInRecorded, CheckInSignal
from tests.scheduler.builders import MONDAY, NOW, D, enrol, feed_of, schedule
from tests.scheduler.fakes import FakeScheduler
from tests.scheduler.unit.test_session_recordings import deliver, published
from tests.support.fakes import Clock


def check_in(session_id: str, student_id: str, signal: CheckInSignal) -> CloudEvent:
    payload = CheckInRecorded(
        district_id=D,
        checkin_id=f"c-{student_id}-{signal}",
        session_id=session_id,
        section_id="sec-math",
        student_id=student_id,
        signal=signal,
        has_note=False,
        recorded_at=NOW,
    )
    return new_event("bookend/feedback", payload)


async def extra(store: FakeScheduler, student_id: str) -> list[str]:
    return [i.title for i in await feed_of(store, student_id) if i.title.startswith("Extra")]


async def test_a_lost_check_in_adds_practice_to_that_students_follow_up_only_once(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    booked = await schedule(store, MONDAY)
    lost = check_in(booked.session.id, "student-1", CheckInSignal.LOST)
    await deliver(store, lost, lost, check_in(booked.session.id, "student-1", CheckInSignal.LOST))
    # The follow-up holds practice c4 and autonomy c6 already; fluency c5 is live only, so the
    # practice comes again.
    assert await extra(store, "student-1") == ["Extra practice: practice c4"]
    assert await extra(store, "student-3") == []
    [task] = [t for t in await store.list_tasks(D, [booked.session.id]) if t.remedial]
    assert (task.student_ids, task.opens_at) == (("student-1",), booked.session.ends_at)


async def test_got_it_and_unsure_add_nothing(store: FakeScheduler) -> None:
    booked = await schedule(store, MONDAY)
    for signal in (CheckInSignal.GOT_IT, CheckInSignal.UNSURE):
        await deliver(store, check_in(booked.session.id, "student-1", signal))
    assert await extra(store, "student-1") == []


def attendance(session_id: str, absent: list[str], present: list[str]) -> CloudEvent:
    payload = AttendanceSummarized(
        district_id=D,
        session_id=session_id,
        section_id="sec-math",
        present=present,
        late=[],
        left_early=[],
        absent=absent,
        summarized_at=NOW,
    )
    return new_event("bookend/feedback", payload)


async def catch_ups(store: FakeScheduler, student_id: str) -> list[str]:
    return [i.title for i in await feed_of(store, student_id) if i.title.startswith("Catch up")]


@pytest.mark.parametrize(
    "attendance_first", [True, False], ids=["attendance-first", "recording-first"]
)
async def test_a_recording_reaches_the_absent_students_only_whichever_comes_first(
    store: FakeScheduler, clock: Clock, attendance_first: bool
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    session = (await schedule(store, MONDAY)).session
    told = attendance(session.id, absent=["student-3"], present=["student-1"])
    events = [told, published(session.id)]
    await deliver(store, *(events if attendance_first else events[::-1]), told)
    assert await catch_ups(store, "student-3") == ["Catch up: Fractions, recorded"]
    assert await catch_ups(store, "student-1") == []
    # Told again (a replay, a second summary): still once.
    await deliver(store, attendance(session.id, absent=["student-3"], present=["student-1"]))
    assert await catch_ups(store, "student-3") == ["Catch up: Fractions, recorded"]
