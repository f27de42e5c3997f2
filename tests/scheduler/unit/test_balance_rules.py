"""The balance policy's pure rules: planned minutes fall on the section's local days and ISO
weeks, and a change is warned about only where it leaves a rule broken, with the figures
(each checked by hand in the comments)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bookend.clock import IsoWeek
from bookend.contracts.catalog import GradeBand
from bookend.contracts.scheduler import BalanceMode, BalanceRule
from bookend.problems import InvalidInput
from services.scheduler.balance.domain import (
    BalancePolicy,
    BalanceWarning,
    Block,
    BlockKind,
    Limits,
    Plan,
    PolicyDraft,
    assess,
    measure,
)

ZONE = "America/Chicago"
# Monday 2025-03-10, 09:00 in Chicago (CDT, UTC-5).
MONDAY_9 = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
LIMITS = Limits(min_on_demand_share=0.6, max_live_minutes_per_day=90, mode=BalanceMode.ADVISE)


def live(block_id: str, minutes: int, at: datetime = MONDAY_9) -> Block:
    return Block(block_id, BlockKind.LIVE, minutes, at)


def on_demand(block_id: str, minutes: int, at: datetime = MONDAY_9) -> Block:
    return Block(block_id, BlockKind.ON_DEMAND, minutes, at)


def plan(*blocks: Block) -> Plan:
    return Plan(ZONE, frozenset(blocks))


def policy(**more: object) -> BalancePolicy:
    fields: dict[str, object] = {
        "district_id": "d1",
        "section_id": "s1",
        "min_on_demand_share": 0.6,
        "max_live_minutes_per_day": None,
        "mode": BalanceMode.ADVISE,
        "set_by": "teacher-1",
        "set_at": MONDAY_9,
    }
    return BalancePolicy(**(fields | more))  # type: ignore[arg-type]


def test_minutes_fall_on_the_local_day_of_the_sections_zone() -> None:
    """Monday 22:00 in Chicago is already Tuesday 03:00 in UTC: it counts on Monday."""
    late = datetime(2025, 3, 11, 3, 0, tzinfo=UTC)
    week = plan(live("a", 50, late), on_demand("b", 20, late)).week(IsoWeek(2025, 11))
    monday, tuesday = week.days[0], week.days[1]
    assert (monday.day, monday.live_minutes, monday.on_demand_minutes) == (
        date(2025, 3, 10),
        50,
        20,
    )
    assert (tuesday.live_minutes, tuesday.on_demand_minutes) == (0, 0)


def test_a_weeks_share_is_its_on_demand_minutes_over_all_it_plans() -> None:
    """60 live and 90 on demand: 90 / 150 = 0.6."""
    week = plan(live("a", 60), on_demand("b", 90)).week(IsoWeek(2025, 11))
    assert (week.live_minutes, week.on_demand_minutes, week.on_demand_share) == (60, 90, 0.6)
    assert plan().week(IsoWeek(2025, 11)).on_demand_share is None


def test_a_share_exactly_at_the_minimum_breaks_nothing() -> None:
    week = plan(live("a", 40), on_demand("b", 60)).week(IsoWeek(2025, 11))
    assert assess(LIMITS, week) == []


def test_a_new_session_over_the_daily_cap_is_warned_with_the_days_figures() -> None:
    """60 + 50 = 110 live minutes on Monday, over the cap of 90; the week stays at 200 / 310."""
    before = plan(live("a", 60), on_demand("b", 200))
    after = before.changed([], [live("c", 50, MONDAY_9 + timedelta(hours=2))])
    assert measure(LIMITS, before, after) == [
        BalanceWarning(BalanceRule.MAX_LIVE_MINUTES_PER_DAY, "2025-03-10", 110.0, 90.0, 110, 200)
    ]


def test_a_session_that_lowers_the_weeks_share_below_the_minimum_is_warned() -> None:
    """Before: 60 live, 100 on demand (0.625). After a 30-minute session: 10 / 19 of the
    week's 190 minutes is 100 / 190 = 0.5263, below 0.6."""
    before = plan(live("a", 60), on_demand("b", 100))
    tuesday = MONDAY_9 + timedelta(days=1)
    after = before.changed([], [live("c", 30, tuesday)])
    [warning] = measure(LIMITS, before, after)
    assert (warning.rule, warning.period, warning.figure, warning.limit) == (
        BalanceRule.MIN_ON_DEMAND_SHARE,
        "2025-W11",
        0.5263,
        0.6,
    )
    assert (warning.live_minutes, warning.on_demand_minutes) == (90, 100)
    assert warning.message == (
        "53% of the planned minutes of 2025-W11 on demand (100 of 190), less than the policy's 60%"
    )


def test_a_change_that_makes_a_broken_rule_no_worse_passes() -> None:
    """Monday holds 120 live minutes (over 90): moving one session within Monday, or
    cancelling one, leaves it over the cap but no worse."""
    first, second = live("a", 60), live("b", 60, MONDAY_9 + timedelta(hours=3))
    before = plan(first, second, on_demand("t", 400))
    moved = before.changed(["b"], [live("b", 60, MONDAY_9 + timedelta(hours=5))])
    cancelled = before.changed(["b"], [])
    assert measure(LIMITS, before, moved) == []
    assert measure(LIMITS, before, cancelled) == []


def test_moving_a_session_onto_a_full_day_is_warned_for_that_day_only() -> None:
    """From Tuesday (60) to Monday (60 + 60 = 120 > 90)."""
    tuesday = MONDAY_9 + timedelta(days=1)
    before = plan(live("a", 60), live("b", 60, tuesday), on_demand("t", 400))
    after = before.changed(["b"], [live("b", 60, MONDAY_9 + timedelta(hours=3))])
    assert [(w.rule, w.period) for w in measure(LIMITS, before, after)] == [
        (BalanceRule.MAX_LIVE_MINUTES_PER_DAY, "2025-03-10")
    ]


def test_withdrawing_work_is_warned_when_the_weeks_share_falls_short() -> None:
    """60 live with 100 on demand (0.625); without 30 of them 70 / 130 = 0.5385."""
    before = plan(live("a", 60), on_demand("b", 70), on_demand("c", 30))
    after = before.changed(["c"], [])
    assert [(w.rule, w.figure) for w in measure(LIMITS, before, after)] == [
        (BalanceRule.MIN_ON_DEMAND_SHARE, 0.5385)
    ]


def test_a_change_touching_two_weeks_is_measured_in_each() -> None:
    """A session moved from one Friday to the next Monday: only the second week falls short."""
    friday = MONDAY_9 + timedelta(days=4)
    next_monday = MONDAY_9 + timedelta(days=7)
    before = plan(
        live("a", 60, friday), on_demand("b", 90, friday), on_demand("c", 10, next_monday)
    )
    after = before.changed(["a"], [live("a", 60, next_monday)])
    assert [(w.rule, w.period, w.figure) for w in measure(LIMITS, before, after)] == [
        (BalanceRule.MIN_ON_DEMAND_SHARE, "2025-W12", 0.1429)
    ]


def test_nothing_changed_measures_nothing() -> None:
    before = plan(live("a", 500))
    assert measure(LIMITS, before, before.changed(["a"], [live("a", 500)])) == []


@pytest.mark.parametrize(
    ("band", "own", "cap"),
    [
        (GradeBand.K_2, None, 60),
        (GradeBand.G3_5, None, 90),
        (GradeBand.G6_8, None, 150),
        (GradeBand.G9_12, None, 180),
        (GradeBand.K_2, 45, 45),
        (None, 120, 120),
        (None, None, None),
    ],
)
def test_the_daily_cap_is_the_sections_own_or_its_grade_bands(
    band: GradeBand | None, own: int | None, cap: int | None
) -> None:
    assert policy(max_live_minutes_per_day=own).limits(band).max_live_minutes_per_day == cap


def test_without_a_cap_no_day_is_over_it() -> None:
    limits = policy().limits(None)
    assert assess(limits, plan(live("a", 600), on_demand("b", 900)).week(IsoWeek(2025, 11))) == []


def test_a_policy_names_every_rule_its_figures_break() -> None:
    with pytest.raises(InvalidInput) as refused:
        PolicyDraft(1.5, 2000, BalanceMode.ENFORCE).check()
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("min_on_demand_share", "in_range"),
        ("max_live_minutes_per_day", "in_range"),
    ]


@pytest.mark.parametrize(
    ("text", "rule"),
    [("2025-W53", "iso_week"), ("2025-11", "iso_week"), ("1999-W10", "in_range"), ("", "iso_week")],
)
def test_a_week_is_an_iso_week(text: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IsoWeek.parse(text)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("week", rule)]


def test_a_weeks_span_runs_from_mondays_midnight_in_the_zone() -> None:
    week = IsoWeek.parse("2026-W53")
    assert str(week) == "2026-W53"
    starts, ends = week.span(ZONE)
    assert (starts, ends) == (
        datetime(2026, 12, 28, 6, 0, tzinfo=UTC),
        datetime(2027, 1, 4, 6, 0, tzinfo=UTC),
    )
