"""Scheduling and running sessions, enrolling students and learning lessons, with fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bookend.contracts import new_event
from bookend.contracts.catalog import LessonComponentData, LessonPublished
from bookend.problems import InvalidInput
from services.scheduler import service
from services.scheduler.domain import SessionNotLive, SessionNotScheduled, SessionStatus
from services.scheduler.events import learn_lesson
from services.scheduler.feed import ItemKind
from tests.scheduler.builders import (
    DISTRICT_ADMIN,
    LESSON,
    TEACHER,
    WINDOWS,
    D,
    schedule,
    seeded_store,
)
from tests.scheduler.fakes import Clock, FakeStore

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MONDAY = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def store(clock: Clock) -> FakeStore:
    return await seeded_store(clock)


def feed_of(store: FakeStore, student_id: str) -> list[tuple[ItemKind, str]]:
    items = sorted(
        (i for i in store.state.feed.values() if i.student_id == student_id),
        key=lambda i: (i.actionable_at, i.item_id),
    )
    return [(i.kind, i.title) for i in items]


async def test_scheduling_stores_the_session_its_tasks_and_every_enrolled_students_items(
    store: FakeStore,
) -> None:
    booked = await schedule(store, MONDAY)
    assert store.state.sessions[booked.session.id] == booked.session
    assert {t.id for t in booked.tasks} <= set(store.state.tasks)
    feed = feed_of(store, "student-1")
    # Pre-work is due as the session starts, so those three share a time (ties go by id).
    assert sorted(feed[:3]) == sorted([
        (ItemKind.TASK, "introduce c1"), (ItemKind.TASK, "model c2"),
        (ItemKind.LIVE_SESSION, LESSON.title),
    ])
    assert sorted(feed[3:]) == [(ItemKind.TASK, "autonomy c6"), (ItemKind.TASK, "practice c4")]
    assert feed_of(store, "student-2") == []  # enrolled in another section


async def test_scheduling_emits_session_scheduled_and_one_task_assigned_per_task(
    store: FakeStore,
) -> None:
    booked = await schedule(store, MONDAY)
    [scheduled, *assigned] = store.events
    assert scheduled.type == "bookend.scheduler.session.scheduled.v1"
    assert scheduled.source == "bookend/scheduler"
    assert scheduled.key == "sec-math"
    assert scheduled.data["task_ids"] == [t.id for t in booked.tasks]
    assert [e.type for e in assigned] == ["bookend.scheduler.task.assigned.v1"] * 4
    assert [e.data["task_id"] for e in assigned] == [t.id for t in booked.tasks]
    assert {e.data["bookend"] for e in assigned} == {"pre_work", "follow_up"}


async def test_an_unknown_lesson_names_the_field_and_stores_nothing(store: FakeStore) -> None:
    before = (dict(store.state.sessions), len(store.state.feed), len(store.events))
    with pytest.raises(InvalidInput) as raised:
        await service.schedule_session(
            section_id="sec-math", lesson_id="lesson-404", starts_at=MONDAY,
            ends_at=MONDAY + timedelta(hours=1), time_zone="UTC", title=None,
            principal=TEACHER, store=store, windows=WINDOWS,
        )
    assert [(e.field, e.rule) for e in raised.value.errors] == [("lesson_id", "known_lesson")]
    assert (dict(store.state.sessions), len(store.state.feed), len(store.events)) == before


async def test_a_section_of_another_district_is_an_unknown_section(store: FakeStore) -> None:
    elsewhere = replace(TEACHER, district="d2")
    with pytest.raises(InvalidInput) as raised:
        await schedule(store, MONDAY, principal=elsewhere)
    assert [(e.field, e.rule) for e in raised.value.errors] == [("section_id", "known_section")]
    assert store.state.sessions == {}


async def test_a_session_ending_before_it_starts_stores_nothing(store: FakeStore) -> None:
    with pytest.raises(InvalidInput) as raised:
        await schedule(store, MONDAY, hours=-1)
    assert [(e.field, e.rule) for e in raised.value.errors] == [("ends_at", "after_start")]
    assert (store.state.sessions, store.events) == ({}, [])


async def test_a_student_enrolled_later_gets_what_is_still_ahead(
    store: FakeStore, clock: Clock
) -> None:
    past = await schedule(store, NOW - timedelta(days=1))  # follow-up still due tomorrow
    future = await schedule(store, MONDAY)
    await service.enrol("sec-math", "student-3", time_zone="Asia/Tokyo",
                        principal=DISTRICT_ADMIN, store=store, clock=clock)
    items = {i.item_id for i in store.state.feed.values() if i.student_id == "student-3"}
    follow_ups_due = {t.id for t in past.tasks if t.due_at > NOW}
    assert follow_ups_due and follow_ups_due <= items
    assert past.session.id not in items
    assert {future.session.id, *(t.id for t in future.tasks)} <= items
    assert store.state.learners[(D, "student-3")].time_zone == "Asia/Tokyo"


async def test_enrolling_twice_adds_nothing_new(store: FakeStore, clock: Clock) -> None:
    await schedule(store, MONDAY)
    count = len(store.state.feed)
    await service.enrol("sec-math", "student-1", time_zone="Europe/Paris",
                        principal=DISTRICT_ADMIN, store=store, clock=clock)
    assert len(store.state.feed) == count
    assert store.state.learners[(D, "student-1")].time_zone == "Europe/Paris"


async def test_starting_and_ending_update_the_session_its_feed_items_and_emit(
    store: FakeStore, clock: Clock
) -> None:
    booked = await schedule(store, MONDAY)
    clock.now = MONDAY
    live = await service.start_session(booked.session.id, principal=TEACHER, store=store,
                                       clock=clock)
    assert (live.session.status, live.session.started_at) == (SessionStatus.LIVE, MONDAY)
    assert store.state.feed[("student-1", booked.session.id)].session_status is SessionStatus.LIVE
    clock.advance(minutes=55)
    over = await service.end_session(booked.session.id, principal=TEACHER, store=store,
                                     clock=clock)
    assert over.session.status is SessionStatus.ENDED
    assert over.tasks == booked.tasks
    item = store.state.feed[("student-1", booked.session.id)]
    assert item.session_status is SessionStatus.ENDED
    assert [e.type for e in store.events[-2:]] == [
        "bookend.scheduler.session.started.v1", "bookend.scheduler.session.ended.v1"
    ]


async def test_wrong_transitions_conflict_and_change_nothing(
    store: FakeStore, clock: Clock
) -> None:
    booked = await schedule(store, MONDAY)
    with pytest.raises(SessionNotLive):
        await service.end_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    await service.start_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    events = len(store.events)
    with pytest.raises(SessionNotScheduled):
        await service.start_session(booked.session.id, principal=TEACHER, store=store,
                                    clock=clock)
    assert len(store.events) == events


def published(version: int, title: str = "Fractions") -> LessonPublished:
    return LessonPublished(
        district_id=D, lesson_id="lesson-7", version=version, title=title, subject="math",
        summary="", published_at=NOW, components=[
            LessonComponentData(component_id="c1", title="Intro", kind="introduce",
                                mode_fit="on_demand", minutes=5),
        ],
    )


async def test_a_published_lesson_becomes_a_summary_and_a_repeat_changes_nothing() -> None:
    store = FakeStore()
    event = new_event("bookend/catalog", published(1))
    await learn_lesson(event, store=store)
    inbox = set(store.state.inbox)
    await learn_lesson(event, store=store)
    assert store.state.inbox == inbox
    lesson = store.state.lessons[(D, "lesson-7")]
    assert (lesson.version, lesson.title, len(lesson.components)) == (1, "Fractions", 1)


async def test_an_older_version_arriving_late_leaves_the_newer_summary() -> None:
    store = FakeStore()
    await learn_lesson(new_event("bookend/catalog", published(2, "Newer")), store=store)
    await learn_lesson(new_event("bookend/catalog", published(1, "Older")), store=store)
    assert store.state.lessons[(D, "lesson-7")].title == "Newer"
