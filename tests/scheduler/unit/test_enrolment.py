"""Enrolling a student: their own zone, and the section's sessions and tasks still ahead."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookend.problems import InvalidInput
from tests.scheduler.builders import MONDAY, NOW, D, enrol, feed_of, schedule
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock


async def test_a_student_enrolled_later_gets_what_is_still_ahead(
    store: FakeScheduler, clock: Clock
) -> None:
    past = await schedule(store, NOW - timedelta(days=1))  # follow-up still due tomorrow
    future = await schedule(store, MONDAY)
    await enrol(store, clock, "sec-math", "student-3", time_zone="Asia/Tokyo")
    items = {i.item_id for i in await feed_of(store, "student-3")}
    follow_ups_due = {t.id for t in past.tasks if t.due_at > NOW}
    assert follow_ups_due and follow_ups_due <= items
    assert past.session.id not in items
    assert {future.session.id, *(t.id for t in future.tasks)} <= items
    learner = await store.get_learner(D, "student-3")
    assert learner is not None and learner.time_zone == "Asia/Tokyo"


async def test_enrolling_twice_adds_nothing_new(store: FakeScheduler, clock: Clock) -> None:
    await schedule(store, MONDAY)
    before = await feed_of(store, "student-1")
    await enrol(store, clock, "sec-math", "student-1", time_zone="Europe/Paris")
    assert await feed_of(store, "student-1") == before
    learner = await store.get_learner(D, "student-1")
    assert learner is not None and learner.time_zone == "Europe/Paris"


async def test_an_enrolment_with_a_zone_that_is_not_iana_changes_nothing(
    store: FakeScheduler, clock: Clock
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await enrol(store, clock, "sec-math", "student-3", time_zone="Mars/Olympus")
    assert [(e.field, e.rule) for e in refused.value.errors] == [("time_zone", "iana_zone")]
    assert await store.get_learner(D, "student-3") is None
    assert await store.list_enrolments(D, student_ids=["student-3"]) == []
