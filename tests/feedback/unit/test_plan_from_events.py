"""Feedback's copy of the plan, from the scheduler's events: a session's status only moves
forward, its times follow its moves, and a session's follow-up task is found from the tasks'
copy (progress's) until it is withdrawn."""

from __future__ import annotations

from datetime import timedelta

from bookend.contracts import CloudEvent
from bookend.contracts.scheduler import Bookend, SessionStatus
from bookend.hosting import ServiceState
from bookend.ids import new_id
from services.feedback.events import inbound
from services.feedback.plan.domain import PlannedSession
from services.feedback.settings import FeedbackSettings
from tests.feedback import builders
from tests.feedback import question_builders as plan
from tests.feedback.builders import END, START
from tests.feedback.fakes import FakeFeedback
from tests.support.fakes import TickingClock


async def deliver(store: FakeFeedback, *events: CloudEvent) -> None:
    state = ServiceState(store=store, settings=FeedbackSettings(), clock=TickingClock(), ids=new_id)
    for event in events:
        await inbound(state)(event)


async def session(store: FakeFeedback) -> PlannedSession:
    found = await store.get_planned_session("d1", "s1")
    assert found is not None
    return found


async def test_a_session_is_planned_started_and_ended() -> None:
    store = FakeFeedback()
    await deliver(store, builders.scheduled("s1", "sec1", "d1", "school-1"))
    assert await session(store) == PlannedSession(
        "s1", "d1", "sec1", SessionStatus.SCHEDULED, START, END
    )
    later = START + timedelta(minutes=3)
    await deliver(store, builders.started("s1", "sec1", "d1", later))
    await deliver(store, builders.ended("s1", "sec1", "d1"))
    found = await session(store)
    assert (found.status, found.started_at, found.ended_at, found.began) == (
        SessionStatus.ENDED,
        later,
        END,
        later,
    )


async def test_a_move_changes_its_times_and_a_cancellation_its_status() -> None:
    store = FakeFeedback()
    await deliver(store, builders.scheduled("s1", "sec1", "d1", "school-1"))
    await deliver(store, plan.rescheduled("s1", "sec1", "d1", timedelta(days=1)))
    moved = await session(store)
    assert (moved.starts_at, moved.ends_at) == (START + timedelta(days=1), END + timedelta(days=1))
    await deliver(store, plan.cancelled("s1", "sec1", "d1"))
    assert (await session(store)).status is SessionStatus.CANCELLED


async def test_a_status_never_moves_back() -> None:
    store = FakeFeedback()
    await deliver(
        store,
        builders.started("s1", "sec1", "d1"),  # heard first: the session is known from it
        builders.ended("s1", "sec1", "d1"),
        builders.started("s1", "sec1", "d1"),
        plan.cancelled("s1", "sec1", "d1"),
        builders.scheduled("s1", "sec1", "d1", "school-1"),
    )
    found = await session(store)
    assert (found.status, found.started_at, found.starts_at) == (SessionStatus.ENDED, START, START)


async def test_an_event_delivered_twice_is_applied_once() -> None:
    store = FakeFeedback()
    scheduled = builders.scheduled("s1", "sec1", "d1", "school-1")
    await deliver(store, scheduled)
    store.state.asked.sessions.clear()  # applied again, it would come back
    await deliver(store, scheduled)
    assert await store.get_planned_session("d1", "s1") is None


async def test_a_sessions_follow_up_task_is_found_until_it_is_withdrawn() -> None:
    store = FakeFeedback()
    await deliver(
        store,
        plan.task_assigned("t1", "sec1", "d1"),
        plan.task_assigned("p1", "sec1", "d1", "s1", Bookend.PRE_WORK),
        plan.task_assigned("f1", "sec1", "d1", "s1", Bookend.FOLLOW_UP),
    )
    task = await store.get_known_task("d1", "t1")
    assert task is not None and (task.section_id, task.session_id, task.bookend) == (
        "sec1",
        None,
        None,
    )
    follow_up = await store.find_follow_up_task("d1", "s1")
    assert follow_up is not None
    assert (follow_up.task_id, follow_up.bookend) == ("f1", Bookend.FOLLOW_UP)
    assert await store.find_follow_up_task("d2", "s1") is None
    await deliver(store, plan.task_withdrawn("f1", "sec1", "d1", "s1"))
    assert await store.find_follow_up_task("d1", "s1") is None
