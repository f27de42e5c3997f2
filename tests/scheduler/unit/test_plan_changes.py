"""Changing the plan with an in-memory store: series, moves and cancellations carry their
bookends with them, into the feeds and the events; clashes are refused with their details."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest

from bookend.auth import Forbidden
from bookend.contracts.scheduler import Bookend, FeedItemKind, FeedItemStatus, Modality
from bookend.problems import InvalidInput
from services.scheduler.roster import service as roster
from services.scheduler.roster.calendar import Blackout, TermDraft
from services.scheduler.roster.domain import SectionDraft
from services.scheduler.sessions import changes, service
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.clashes import ScheduleConflict
from services.scheduler.sessions.domain import BookendedSession, SessionDraft, SessionNotScheduled
from tests.scheduler.builders import (
    DISTRICT_ADMIN,
    MONDAY,
    STUDENT,
    TEACHER,
    WINDOWS,
    D,
    enrol,
    feed_of,
    schedule,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids

ids = counting_ids("plan")


async def series(
    store: FakeScheduler, rule: str = "FREQ=WEEKLY;COUNT=3", **more: object
) -> BookendedSession:
    draft = SessionDraft(
        "sec-math", "lesson-1", MONDAY, MONDAY + timedelta(minutes=50), "America/New_York"
    )
    draft = replace(draft, recurrence=rule, **more)  # type: ignore[arg-type]
    return await service.schedule_session(
        draft, principal=TEACHER, store=store, windows=WINDOWS, ids=ids
    )


def events_of(store: FakeScheduler) -> list[str]:
    return [event.type for event in store.emitted]


async def test_a_series_plans_each_occurrence_with_its_own_bookends(store: FakeScheduler) -> None:
    first = await series(store)
    assert first.session.series_id is not None
    view = await service.get_series(first.session.series_id, principal=TEACHER, store=store)
    starts = [booked.session.starts_at for booked in view.sessions]
    assert starts == [MONDAY + timedelta(weeks=n) for n in range(3)]
    assert all(len(booked.tasks) == len(first.tasks) for booked in view.sessions)
    sessions_in_feed = [i for i in await feed_of(store, "student-1") if i.kind == "live_session"]
    assert len(sessions_in_feed) == 3


async def test_moving_a_session_moves_its_prework_with_its_start_and_follow_up_with_its_end(
    store: FakeScheduler,
) -> None:
    booked = await schedule(store, MONDAY)
    store.emitted.clear()
    later = MONDAY + timedelta(days=1, hours=2)
    moved = await changes.reschedule_session(
        booked.session.id,
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        principal=TEACHER,
        store=store,
    )
    assert (moved.session.starts_at, moved.session.sequence) == (later, 1)
    for before, after in zip(booked.tasks, moved.tasks, strict=True):
        shift = (
            timedelta(days=1, hours=2)
            if before.bookend is Bookend.PRE_WORK
            else timedelta(days=1, hours=3)
        )  # the end moved an hour more: the session is an hour longer
        assert (after.opens_at, after.due_at) == (before.opens_at + shift, before.due_at + shift)
    feed = {item.item_id: item for item in await feed_of(store, "student-1")}
    assert feed[booked.session.id].starts_at == later
    assert all(feed[task.id].due_at == task.due_at for task in moved.tasks)
    assert events_of(store).count("bookend.scheduler.task.rescheduled.v1") == len(booked.tasks)
    assert "bookend.scheduler.session.rescheduled.v1" in events_of(store)


async def test_cancelling_withdraws_the_bookends_and_shows_the_session_cancelled(
    store: FakeScheduler, clock: Clock
) -> None:
    booked = await schedule(store, MONDAY)
    cancelled = await changes.cancel_session(
        booked.session.id, principal=TEACHER, store=store, clock=clock
    )
    assert all(task.withdrawn_at is not None for task in cancelled.tasks)
    feed = await feed_of(store, "student-1")
    assert [(i.kind, i.status(clock())) for i in feed] == [
        (FeedItemKind.LIVE_SESSION, FeedItemStatus.CANCELLED)
    ]
    with pytest.raises(SessionNotScheduled):
        await changes.cancel_session(booked.session.id, principal=TEACHER, store=store, clock=clock)


async def test_cancelling_a_series_leaves_the_occurrences_already_held(
    store: FakeScheduler, clock: Clock
) -> None:
    first = await series(store)
    await service.start_session(first.session.id, principal=TEACHER, store=store, clock=clock)
    assert first.session.series_id is not None
    cancelled = await changes.cancel_series(
        first.session.series_id, principal=TEACHER, store=store, clock=clock
    )
    assert len(cancelled.sessions) == 2
    assert first.session.id not in {booked.session.id for booked in cancelled.sessions}


async def test_moving_a_series_keeps_each_date_and_takes_the_new_local_time(
    store: FakeScheduler, clock: Clock
) -> None:
    first = await series(store)
    assert first.session.series_id is not None
    moved = await changes.reschedule_series(
        first.session.series_id,
        changes.SeriesTime(time(11, 30), 40),
        principal=TEACHER,
        store=store,
        clock=clock,
    )
    local = [b.session.starts_at.astimezone(first.session.starts_at.tzinfo) for b in moved.sessions]
    assert [b.session.minutes for b in moved.sessions] == [40, 40, 40]
    assert [m.date() for m in local] == [(MONDAY + timedelta(weeks=n)).date() for n in range(3)]


async def clashing(store: FakeScheduler) -> ScheduleConflict:
    with pytest.raises(ScheduleConflict) as refused:
        await schedule(store, MONDAY + timedelta(minutes=30))
    return refused.value


async def test_a_section_booked_twice_is_refused_naming_the_other_session(
    store: FakeScheduler,
) -> None:
    first = await schedule(store, MONDAY)
    refusal = await clashing(store)
    assert [(c.kind, c.other_id) for c in refusal.clashes] == [("section", first.session.id)]


async def test_a_teacher_in_two_places_is_refused(store: FakeScheduler, clock: Clock) -> None:
    draft = SectionDraft("school-1", "Science 5", "science", "America/New_York", ["teacher-1"])
    await roster.put_section("sec-sci", draft, principal=DISTRICT_ADMIN, store=store)
    other = await schedule(store, MONDAY, section_id="sec-sci")
    refusal = await clashing(store)
    assert [(c.kind, c.other_id, c.who) for c in refusal.clashes] == [
        ("teacher", other.session.id, ("teacher-1",))
    ]


async def test_a_student_in_two_overlapping_sessions_is_refused(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-art", "student-1")
    art = await schedule(store, MONDAY, section_id="sec-art", principal=DISTRICT_ADMIN)
    refusal = await clashing(store)
    assert [(c.kind, c.other_id, c.who) for c in refusal.clashes] == [
        ("student", art.session.id, ("student-1",))
    ]
    assert "student (1)" in refusal.message


async def test_back_to_back_sessions_do_not_clash_and_a_move_is_not_in_its_own_way(
    store: FakeScheduler,
) -> None:
    first = await schedule(store, MONDAY)
    await schedule(store, MONDAY + timedelta(hours=1))
    moved = await changes.reschedule_session(
        first.session.id,
        starts_at=MONDAY - timedelta(minutes=30),
        ends_at=MONDAY + timedelta(minutes=30),
        principal=TEACHER,
        store=store,
    )
    assert moved.session.sequence == 1


async def test_a_clash_anywhere_in_a_series_refuses_all_of_it(store: FakeScheduler) -> None:
    blocker = await schedule(store, MONDAY + timedelta(weeks=2))
    with pytest.raises(ScheduleConflict) as refused:
        await series(store)
    assert [c.other_id for c in refused.value.clashes] == [blocker.session.id]
    assert len(await store.list_sessions(D, "sec-math")) == 1


async def test_an_on_site_session_must_seat_the_section(store: FakeScheduler) -> None:
    with pytest.raises(InvalidInput) as refused:
        await series(store, "FREQ=WEEKLY;COUNT=1", capacity=0)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("capacity", "in_range")]
    await series(
        store,
        "FREQ=WEEKLY;COUNT=1",
        modality=Modality.HYBRID,
        join_url="https://m.example/x",
        capacity=1,
    )


async def test_a_sections_own_windows_bookend_its_next_sessions(store: FakeScheduler) -> None:
    own = BookendWindows(timedelta(hours=2), timedelta(days=5))
    await changes.set_bookend_windows("sec-math", own, principal=TEACHER, store=store)
    booked = await schedule(store, MONDAY)
    pre = next(t for t in booked.tasks if t.bookend is Bookend.PRE_WORK)
    post = next(t for t in booked.tasks if t.bookend is Bookend.FOLLOW_UP)
    assert pre.opens_at == MONDAY - timedelta(hours=2)
    assert post.due_at == booked.session.ends_at + timedelta(days=5)
    with pytest.raises(InvalidInput):
        await changes.set_bookend_windows(
            "sec-math",
            BookendWindows(timedelta(0), own.followup_due_after),
            principal=TEACHER,
            store=store,
        )


async def test_a_student_may_not_move_a_session(store: FakeScheduler) -> None:
    booked = await schedule(store, MONDAY)
    with pytest.raises(Forbidden):
        await changes.reschedule_session(
            booked.session.id,
            starts_at=MONDAY,
            ends_at=MONDAY + timedelta(hours=1),
            principal=STUDENT,
            store=store,
        )


async def blackout_on(store: FakeScheduler, day: date) -> None:
    term = TermDraft(
        "school-1", "Spring", date(2025, 1, 6), date(2025, 6, 20), blackouts=[Blackout(day)]
    )
    await roster.put_term("spring", term, principal=DISTRICT_ADMIN, store=store)


async def test_a_series_skips_the_schools_blackout_dates_and_names_them(
    store: FakeScheduler,
) -> None:
    second_monday = (MONDAY + timedelta(weeks=1)).date()
    await blackout_on(store, second_monday)
    first = await series(store)
    assert first.session.series_id is not None
    view = await service.get_series(first.session.series_id, principal=TEACHER, store=store)
    days = [booked.session.starts_at.date() for booked in view.sessions]
    assert second_monday not in days and len(days) == 2
    assert view.series.skipped_dates == (second_monday.isoformat(),)


async def test_a_session_is_not_planned_or_moved_onto_a_blackout_date(
    store: FakeScheduler,
) -> None:
    await blackout_on(store, MONDAY.date())
    with pytest.raises(InvalidInput) as refused:
        await schedule(store, MONDAY)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("starts_at", "not_blackout")]
    booked = await schedule(store, MONDAY + timedelta(days=1))
    with pytest.raises(InvalidInput):
        await changes.reschedule_session(
            booked.session.id,
            starts_at=MONDAY,
            ends_at=MONDAY + timedelta(hours=1),
            principal=TEACHER,
            store=store,
        )
