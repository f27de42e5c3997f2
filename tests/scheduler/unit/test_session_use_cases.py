"""Scheduling and running sessions with an in-memory store: state, feed items and events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bookend.contracts.scheduler import FeedItemKind, SessionStatus
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.scheduler.sessions import service
from services.scheduler.sessions.domain import SessionNotLive, SessionNotScheduled
from tests.scheduler.builders import (
    LESSON,
    MONDAY,
    TEACHER,
    D,
    enrol,
    feed_of,
    kinds_and_titles,
    schedule,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids


async def nothing_stored(store: FakeScheduler) -> bool:
    """No session, no feed item for either student, no event."""
    return (
        await store.list_sessions(D, "sec-math") == []
        and await feed_of(store, "student-1") == []
        and await feed_of(store, "student-2") == []
        and store.emitted == []
    )


async def test_scheduling_stores_the_session_its_tasks_and_every_enrolled_students_items(
    store: FakeScheduler,
) -> None:
    booked = await schedule(store, MONDAY)
    assert await store.get_session(D, booked.session.id) == booked.session
    assert await store.list_tasks(D, [booked.session.id]) == list(booked.tasks)
    feed = kinds_and_titles(await feed_of(store, "student-1"))
    # Pre-work is due as the session starts, so those three share a time (ties go by id).
    assert sorted(feed[:3]) == sorted(
        [
            (FeedItemKind.TASK, "introduce c1"),
            (FeedItemKind.TASK, "model c2"),
            (FeedItemKind.LIVE_SESSION, LESSON.title),
        ]
    )
    assert sorted(feed[3:]) == [
        (FeedItemKind.TASK, "autonomy c6"),
        (FeedItemKind.TASK, "practice c4"),
    ]
    assert await feed_of(store, "student-2") == []  # enrolled in another section


async def test_scheduling_emits_session_scheduled_and_one_task_assigned_per_task(
    store: FakeScheduler,
) -> None:
    booked = await schedule(store, MONDAY)
    [scheduled, *assigned, feeds] = store.emitted
    assert scheduled.type == "bookend.scheduler.session.scheduled.v1"
    assert scheduled.source == "bookend/scheduler"
    assert scheduled.key == "sec-math"
    assert scheduled.data["task_ids"] == [t.id for t in booked.tasks]
    assert [e.type for e in assigned] == ["bookend.scheduler.task.assigned.v1"] * 4
    assert [e.data["task_id"] for e in assigned] == [t.id for t in booked.tasks]
    assert {e.data["bookend"] for e in assigned} == {"pre_work", "follow_up"}
    # Last, whose feeds the transaction changed: the section's one student.
    assert feeds.type == "bookend.scheduler.feed.changed.v1"
    assert (feeds.key, feeds.data["student_ids"]) == (D, ["student-1"])


async def test_the_id_factory_names_the_session_and_its_tasks(store: FakeScheduler) -> None:
    booked = await schedule(store, MONDAY, ids=counting_ids("x"))
    assert booked.session.id == "x-001"
    assert [task.id for task in booked.tasks] == ["x-002", "x-003", "x-004", "x-005"]


async def test_an_unknown_lesson_names_the_field_and_stores_nothing(store: FakeScheduler) -> None:
    with pytest.raises(InvalidInput) as raised:
        await schedule(store, MONDAY, lesson_id="lesson-404")
    assert [(e.field, e.rule) for e in raised.value.errors] == [("lesson_id", "known_lesson")]
    assert await nothing_stored(store)


async def test_a_section_of_another_district_is_an_unknown_section(store: FakeScheduler) -> None:
    elsewhere = replace(TEACHER, district="d2")
    with pytest.raises(InvalidInput) as raised:
        await schedule(store, MONDAY, principal=elsewhere)
    assert [(e.field, e.rule) for e in raised.value.errors] == [("section_id", "known_section")]
    assert await nothing_stored(store)


async def test_a_session_ending_before_it_starts_stores_nothing(store: FakeScheduler) -> None:
    with pytest.raises(InvalidInput) as raised:
        await schedule(store, MONDAY, hours=-1)
    assert [(e.field, e.rule) for e in raised.value.errors] == [("ends_at", "after_start")]
    assert await nothing_stored(store)


async def test_starting_and_ending_update_the_session_its_feed_items_and_emit(
    store: FakeScheduler, clock: Clock
) -> None:
    booked = await schedule(store, MONDAY)
    session_id = booked.session.id

    async def feed_status() -> SessionStatus | None:
        [item] = [i for i in await feed_of(store, "student-1") if i.item_id == session_id]
        return item.session_status

    clock.now = MONDAY
    live = await service.start_session(session_id, principal=TEACHER, store=store, clock=clock)
    assert (live.session.status, live.session.started_at) == (SessionStatus.LIVE, MONDAY)
    assert await feed_status() is SessionStatus.LIVE
    clock.advance(minutes=55)
    over = await service.end_session(session_id, principal=TEACHER, store=store, clock=clock)
    assert over.session.status is SessionStatus.ENDED
    assert over.tasks == booked.tasks
    assert await feed_status() is SessionStatus.ENDED
    assert await store.get_session(D, session_id) == over.session
    assert [(e.type, e.data.get("student_ids")) for e in store.emitted[-4:]] == [
        ("bookend.scheduler.session.started.v1", None),
        ("bookend.scheduler.feed.changed.v1", ["student-1"]),
        ("bookend.scheduler.session.ended.v1", None),
        ("bookend.scheduler.feed.changed.v1", ["student-1"]),
    ]


async def test_session_start_and_end_name_the_students_enrolled_then(
    store: FakeScheduler, clock: Clock
) -> None:
    """Feedback's prompts wait for those enrolled at the start (ADR 0034) and attendance is
    summarised against those enrolled at the end (ADR 0032): a student enrolled after the
    session was planned is among the first, one enrolled while it is live among the second;
    ids only."""
    booked = await schedule(store, MONDAY)
    await enrol(store, clock, "sec-math", "student-3")
    await service.start_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    await enrol(store, clock, "sec-math", "student-4")
    await service.end_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    [ended] = [e for e in store.emitted if e.type == "bookend.scheduler.session.ended.v1"]
    assert ended.data["expected_student_ids"] == ["student-1", "student-3", "student-4"]
    started = next(e for e in store.emitted if e.type == "bookend.scheduler.session.started.v1")
    assert started.data["expected_student_ids"] == ["student-1", "student-3"]


async def test_wrong_transitions_conflict_and_change_nothing(
    store: FakeScheduler, clock: Clock
) -> None:
    booked = await schedule(store, MONDAY)
    with pytest.raises(SessionNotLive):
        await service.end_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    await service.start_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    events = len(store.emitted)
    with pytest.raises(SessionNotScheduled):
        await service.start_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    assert len(store.emitted) == events
    stored = await store.get_session(D, booked.session.id)
    assert stored is not None and stored.status is SessionStatus.LIVE


async def test_sessions_of_a_section_are_listed_by_start_within_a_range(
    store: FakeScheduler,
) -> None:
    late, early, outside = (MONDAY + timedelta(hours=h) for h in (30, 10, 90))
    for starts in (late, early, outside):
        await schedule(store, starts)
    listed = await service.list_sessions(
        "sec-math",
        PageAsk(),
        starts=early,
        ends=late + timedelta(hours=1),
        principal=TEACHER,
        store=store,
    )
    assert [booked.session.starts_at for booked in listed.items] == [early, late]
    assert all(len(booked.tasks) == 4 for booked in listed.items)
