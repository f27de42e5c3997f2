"""The feed projector: how each domain event changes students' feeds, in the same transaction."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bookend.contracts.scheduler import SessionStatus
from services.scheduler.feed.projector import project
from services.scheduler.roster.ports import Transaction
from services.scheduler.sessions.domain import SessionStarted
from tests.scheduler.builders import MONDAY, enrol, feed_of, schedule
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock


@pytest.fixture
async def store(store: FakeScheduler, clock: Clock) -> FakeScheduler:
    await enrol(store, clock, "sec-math", "student-3")  # a classmate of student-1
    return store


async def test_a_scheduled_session_reaches_every_student_of_its_section(
    store: FakeScheduler,
) -> None:
    booked = await schedule(store, MONDAY)
    expected = {booked.session.id, *booked.session.task_ids}
    for student in ("student-1", "student-3"):
        assert {item.item_id for item in await feed_of(store, student)} == expected


async def test_a_started_session_shows_live_in_every_students_item_of_it(
    store: FakeScheduler,
) -> None:
    booked = await schedule(store, MONDAY)
    live = replace(booked.session, status=SessionStatus.LIVE, started_at=MONDAY)

    async def work(tx: Transaction) -> None:
        await project(tx, [SessionStarted(live)])

    await store.atomically(work)
    for student in ("student-1", "student-3"):
        [item] = [i for i in await feed_of(store, student) if i.item_id == live.id]
        assert item.session_status is SessionStatus.LIVE


async def test_events_without_a_row_change_no_feed(store: FakeScheduler) -> None:
    await schedule(store, MONDAY)
    before = await feed_of(store, "student-1")

    async def work(tx: Transaction) -> None:
        await project(tx, [object(), "not an event"])

    await store.atomically(work)
    assert await feed_of(store, "student-1") == before
