"""Balance policies with an in-memory store: every scheduling change is measured in its
transaction; advise mode makes it and warns (answer and event), enforce mode refuses it and
changes nothing; weekly plans of a section and a student.

The lesson of the builders bookends a session with 25 minutes of pre-work due when it starts
and 20 minutes of follow-up due 48 hours after it ends. MONDAY is 2025-03-10, 10:00 in New York
(the section's zone), in ISO week 2025-W11.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bookend.auth import Forbidden, Principal
from bookend.clock import IsoWeek
from bookend.contracts.scheduler import BalanceMode, BalanceRule
from services.scheduler.balance import service as balance
from services.scheduler.balance.domain import (
    BalancePolicyNotFound,
    BalancePolicyViolation,
    BalanceWarning,
    PolicyDraft,
)
from services.scheduler.sessions import assignments, changes, service
from services.scheduler.sessions.domain import SessionDraft
from services.scheduler.sessions.tasks import AssignmentDraft, Edge
from tests.scheduler.builders import (
    GUARDIAN,
    MONDAY,
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    WINDOWS,
    D,
    schedule,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids

ids = counting_ids("bal")
W11 = IsoWeek(2025, 11)
WARNED = "bookend.scheduler.balance.warned.v1"
# Monday holds 120 live minutes and 50 of pre-work once two sessions are planned on it.
MONDAY_OVER_CAP = BalanceWarning(
    BalanceRule.MAX_LIVE_MINUTES_PER_DAY, "2025-03-10", 120.0, 90.0, 120, 50
)


async def set_policy(
    store: FakeScheduler,
    clock: Clock,
    mode: BalanceMode = BalanceMode.ADVISE,
    *,
    share: float = 0.4,
    cap: int | None = 90,
    principal: Principal = TEACHER,
) -> None:
    await balance.set_policy(
        "sec-math",
        PolicyDraft(share, cap, mode),
        principal=principal,
        store=store,
        clock=clock,
    )


def warned(store: FakeScheduler) -> list[dict[str, object]]:
    return [event.data for event in store.emitted if event.type == WARNED]


async def practice(store: FakeScheduler, clock: Clock, **more: object) -> str:
    """12 minutes of practice for the section, due Tuesday."""
    fields: dict[str, object] = {
        "section_id": "sec-math",
        "lesson_id": "lesson-1",
        "component_id": "c4",
        "opens": Edge(at=MONDAY),
        "due": Edge(at=MONDAY + timedelta(days=1)),
    }
    draft = AssignmentDraft(**(fields | more))  # type: ignore[arg-type]
    assigned = await assignments.assign_task(
        draft, principal=TEACHER, store=store, ids=ids, clock=clock
    )
    return assigned.task.id


async def test_a_section_without_a_policy_is_not_measured(store: FakeScheduler) -> None:
    await schedule(store, MONDAY, hours=5)
    booked = await schedule(store, MONDAY + timedelta(hours=6), hours=5)
    assert booked.balance_warnings == ()
    assert warned(store) == []


async def test_advise_mode_makes_the_change_and_warns_with_the_figures(
    store: FakeScheduler, clock: Clock
) -> None:
    await set_policy(store, clock)
    first = await schedule(store, MONDAY)  # 60 live, 45 on demand: 0.43 of the week
    assert first.balance_warnings == ()
    second = await schedule(store, MONDAY + timedelta(hours=2))
    assert second.balance_warnings == (MONDAY_OVER_CAP,)
    assert second.session.id in store.state.sessions
    [event] = warned(store)
    assert event == {
        "district_id": D,
        "section_id": "sec-math",
        "mode": "advise",
        "change": "sessions_scheduled",
        "warnings": [
            {
                "rule": "max_live_minutes_per_day",
                "period": "2025-03-10",
                "figure": 120.0,
                "limit": 90.0,
                "live_minutes": 120,
                "on_demand_minutes": 50,
            }
        ],
    }


async def test_enforce_mode_refuses_with_the_figures_and_changes_nothing(
    store: FakeScheduler, clock: Clock
) -> None:
    await set_policy(store, clock, BalanceMode.ENFORCE)
    await schedule(store, MONDAY)
    sessions, tasks, feed, sent = (
        dict(store.state.sessions),
        dict(store.state.tasks),
        dict(store.state.feed),
        len(store.emitted),
    )
    with pytest.raises(BalancePolicyViolation) as refused:
        await schedule(store, MONDAY + timedelta(hours=2))
    assert refused.value.code == "BALANCE_POLICY_VIOLATION"
    assert refused.value.breaches == (MONDAY_OVER_CAP.breach(),)
    assert refused.value.breaches[0].message == (
        "120 live minutes on 2025-03-10, more than the 90 a day the policy allows"
    )
    assert (store.state.sessions, store.state.tasks, store.state.feed) == (sessions, tasks, feed)
    assert len(store.emitted) == sent


async def test_a_series_is_measured_on_every_day_it_touches(
    store: FakeScheduler, clock: Clock
) -> None:
    """Three daily hours: 60 live minutes on each of Monday to Wednesday, over a cap of 45;
    Wednesday also has Monday's follow-up due (25 + 20)."""
    await set_policy(store, clock, cap=45, share=0)
    draft = SessionDraft(
        "sec-math",
        "lesson-1",
        MONDAY,
        MONDAY + timedelta(hours=1),
        "America/New_York",
        recurrence="FREQ=DAILY;COUNT=3",
    )
    first = await service.schedule_session(
        draft, principal=TEACHER, store=store, windows=WINDOWS, ids=ids
    )
    assert [(w.period, w.figure, w.on_demand_minutes) for w in first.balance_warnings] == [
        ("2025-03-10", 60, 25),
        ("2025-03-11", 60, 25),
        ("2025-03-12", 60, 45),
    ]
    await set_policy(store, clock, BalanceMode.ENFORCE, cap=45, share=0)
    assert first.session.series_id is not None
    shorter = await changes.reschedule_series(
        first.session.series_id,
        changes.SeriesTime(time(10), 30),
        principal=TEACHER,
        store=store,
        clock=clock,
    )
    assert (len(shorter.sessions), shorter.balance_warnings) == (3, ())
    with pytest.raises(BalancePolicyViolation) as refused:
        await changes.reschedule_series(
            first.session.series_id,
            changes.SeriesTime(time(10), 50),
            principal=TEACHER,
            store=store,
            clock=clock,
        )
    assert [b.period for b in refused.value.breaches] == ["2025-03-10", "2025-03-11", "2025-03-12"]


async def test_moving_a_session_onto_a_full_day_is_refused_in_enforce_mode(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, MONDAY)
    tuesday = await schedule(store, MONDAY + timedelta(days=1))
    await set_policy(store, clock, BalanceMode.ENFORCE)
    later = MONDAY + timedelta(hours=2)
    with pytest.raises(BalancePolicyViolation) as refused:
        await changes.reschedule_session(
            tuesday.session.id,
            starts_at=later,
            ends_at=later + timedelta(hours=1),
            principal=TEACHER,
            store=store,
        )
    [breach] = refused.value.breaches
    assert (breach.rule, breach.period, breach.figure) == (
        "max_live_minutes_per_day",
        "2025-03-10",
        120,
    )
    assert store.state.sessions[tuesday.session.id] == tuesday.session


async def test_cancelling_a_session_of_an_over_full_day_passes_in_enforce_mode(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, MONDAY)
    second = await schedule(store, MONDAY + timedelta(hours=2))
    await set_policy(store, clock, BalanceMode.ENFORCE)
    cancelled = await changes.cancel_session(
        second.session.id, principal=TEACHER, store=store, clock=clock
    )
    assert cancelled.balance_warnings == ()


async def test_withdrawing_work_that_the_weeks_share_needs_is_warned_then_refused(
    store: FakeScheduler, clock: Clock
) -> None:
    """With the session: 60 live, 45 + 12 on demand (0.487). Without the practice:
    45 / 105 = 0.4286, short of 0.45."""
    await schedule(store, MONDAY)
    first, second = await practice(store, clock), await practice(store, clock)
    await set_policy(store, clock, BalanceMode.ENFORCE, share=0.45)
    await assignments.withdraw_task(first, principal=TEACHER, store=store, clock=clock)
    with pytest.raises(BalancePolicyViolation) as refused:
        await assignments.withdraw_task(second, principal=TEACHER, store=store, clock=clock)
    [breach] = refused.value.breaches
    assert (breach.rule, breach.period, breach.figure, breach.limit) == (
        "min_on_demand_share",
        "2025-W11",
        0.4286,
        0.45,
    )
    assert (breach.live_minutes, breach.on_demand_minutes) == (60, 45)
    assert store.state.tasks[second].withdrawn_at is None
    await set_policy(store, clock, BalanceMode.ADVISE, share=0.45)
    withdrawn = await assignments.withdraw_task(second, principal=TEACHER, store=store, clock=clock)
    assert [w.figure for w in withdrawn.balance_warnings] == [0.4286]
    assert [e["change"] for e in warned(store)] == ["task_withdrawn"]


async def test_work_for_chosen_students_is_not_the_sections_plan(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, MONDAY)
    await set_policy(store, clock)
    before = await balance.section_plan(
        "sec-math", W11, principal=TEACHER, reads=store, clock=clock
    )
    await practice(store, clock, student_ids=("student-1",))
    after = await balance.section_plan("sec-math", W11, principal=TEACHER, reads=store, clock=clock)
    assert after.figures == before.figures
    assert (after.figures.live_minutes, after.figures.on_demand_minutes) == (60, 45)


async def test_a_sections_weekly_plan_gives_each_day_and_the_rules_it_breaks(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, MONDAY)
    await schedule(store, MONDAY + timedelta(hours=2))
    await set_policy(store, clock, share=0.5)
    plan = await balance.section_plan("sec-math", W11, principal=STUDENT, reads=store, clock=clock)
    days = [(d.day, d.live_minutes, d.on_demand_minutes) for d in plan.figures.days]
    # Pre-work (25 each) due Monday; follow-up (20 each) due Wednesday.
    assert days[:3] == [
        (date(2025, 3, 10), 120, 50),
        (date(2025, 3, 11), 0, 0),
        (date(2025, 3, 12), 0, 40),
    ]
    assert [(w.rule, w.period) for w in plan.warnings] == [
        (BalanceRule.MAX_LIVE_MINUTES_PER_DAY, "2025-03-10"),
        (BalanceRule.MIN_ON_DEMAND_SHARE, "2025-W11"),
    ]
    assert plan.policy is not None and plan.policy.limits.max_live_minutes_per_day == 90


async def test_this_week_is_the_clocks_week_in_the_sections_zone(
    store: FakeScheduler, clock: Clock
) -> None:
    plan = await balance.section_plan("sec-math", None, principal=TEACHER, reads=store, clock=clock)
    assert str(plan.figures.week) == "2025-W10"  # the clock reads Monday 2025-03-03
    assert plan.policy is None and plan.warnings == []


async def test_a_students_weekly_plan_is_their_feed_in_their_own_zone(
    store: FakeScheduler, clock: Clock
) -> None:
    """Student-1 lives in London: Monday's 10:00 New York session is at 14:00 there."""
    await schedule(store, MONDAY)
    await practice(store, clock, student_ids=("student-1",))
    plan = await balance.student_plan(
        "student-1", W11, principal=GUARDIAN, reads=store, clock=clock
    )
    assert plan.time_zone == "Europe/London"
    assert (plan.figures.live_minutes, plan.figures.on_demand_minutes) == (60, 45 + 12)
    with pytest.raises(Forbidden):
        await balance.student_plan(
            "student-1", W11, principal=OTHER_TEACHER, reads=store, clock=clock
        )


async def test_only_a_teacher_of_the_section_or_an_admin_sets_or_reads_its_policy(
    store: FakeScheduler, clock: Clock
) -> None:
    with pytest.raises(BalancePolicyNotFound):
        await balance.get_policy("sec-math", principal=TEACHER, reads=store)
    for who in (STUDENT, GUARDIAN, OTHER_TEACHER):
        with pytest.raises(Forbidden):
            await set_policy(store, clock, principal=who)
    await set_policy(store, clock)
    view = await balance.get_policy("sec-math", principal=TEACHER, reads=store)
    assert (view.policy.min_on_demand_share, view.policy.set_by) == (0.4, "teacher-1")
    with pytest.raises(Forbidden):
        await balance.get_policy("sec-math", principal=STUDENT, reads=store)
