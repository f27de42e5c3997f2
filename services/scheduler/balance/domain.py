"""A section's balance policy and the measure of its plan against it: the live minutes of each
local day against a cap (the grade band's unless the section sets its own), and the on-demand
share of each ISO week's planned minutes against a minimum. Pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bookend.clock import IsoWeek, local_day
from bookend.contracts.catalog import GradeBand
from bookend.contracts.scheduler import BalanceMode, BalanceRule, PlanChangeKind, ProposalKind
from bookend.problems import Breach, FieldError, NotFound, PolicyViolation, refuse_if
from services.scheduler.roster.domain import SchedulerError

# Live minutes a day at most, by grade band, for a section that sets no cap of its own. Screen
# time and attention grow with age, and on-demand is the majority by default (ARCHITECTURE 1.3):
# an hour for the youngest, three for the oldest, of a six-hour school day (ADR 0029).
DEFAULT_DAILY_CAP: dict[GradeBand, int] = {
    GradeBand.K_2: 60,
    GradeBand.G3_5: 90,
    GradeBand.G6_8: 150,
    GradeBand.G9_12: 180,
}
# A school day at the longest; a cap beyond it caps nothing.
MAX_DAILY_CAP = 12 * 60
# A share is compared with this much slack, so 0.6 of 100 minutes is 60 minutes, not fewer.
SHARE_SLACK = 1e-9
# Warnings returned and sent at most: a series of 200 occurrences may touch 200 days.
MAX_WARNINGS = 50


class BalancePolicyViolation(SchedulerError, PolicyViolation):
    """A change the section's policy, in enforce mode, refuses: nothing was changed."""

    code = "BALANCE_POLICY_VIOLATION"

    def __init__(self, section_id: str, warnings: Sequence[BalanceWarning]) -> None:
        rules = "; ".join(w.message for w in warnings[:3])
        more = f" (and {len(warnings) - 3} more)" if len(warnings) > 3 else ""
        message = f"section {section_id!r}'s balance policy refuses this change: {rules}{more}"
        super().__init__(message, breaches=tuple(w.breach() for w in warnings))


class BalancePolicyNotFound(SchedulerError, NotFound):
    code = "BALANCE_POLICY_NOT_FOUND"

    def __init__(self, section_id: str) -> None:
        super().__init__(f"section {section_id!r} has no balance policy")


# Proposals a policy may apply itself: each changes one student's plan or adds work before a
# session, and is undone without a trace. Moving live sessions always asks a teacher.
AUTO_APPLICABLE = frozenset(
    {ProposalKind.EXTEND_WINDOWS, ProposalKind.FOLLOW_BY_RECORDING, ProposalKind.ADD_PREWORK}
)


@dataclass(frozen=True, slots=True)
class PolicyDraft:
    """A policy as a teacher or an admin asks for it, before it is checked."""

    min_on_demand_share: float
    max_live_minutes_per_day: int | None
    mode: BalanceMode
    # The kinds of balance proposal the section's policy applies without asking (ADR 0038).
    auto_apply: tuple[ProposalKind, ...] = ()

    def check(self) -> None:
        errors = []
        risky = sorted(kind.value for kind in set(self.auto_apply) - AUTO_APPLICABLE)
        if risky:
            message = f"only low-risk proposals apply themselves, not {', '.join(risky)}"
            errors.append(FieldError("auto_apply", "low_risk", message))
        if not 0 <= self.min_on_demand_share <= 1:
            message = "a share of the week's planned minutes, between 0 and 1"
            errors.append(FieldError("min_on_demand_share", "in_range", message))
        cap = self.max_live_minutes_per_day
        if cap is not None and not 0 <= cap <= MAX_DAILY_CAP:
            message = f"minutes, between 0 and {MAX_DAILY_CAP} (leave it out for the grade band's)"
            errors.append(FieldError("max_live_minutes_per_day", "in_range", message))
        refuse_if(errors)


@dataclass(frozen=True, slots=True)
class BalancePolicy:
    district_id: str
    section_id: str
    min_on_demand_share: float
    # None: the default of the section's grade band, and no cap for a section without one.
    max_live_minutes_per_day: int | None
    mode: BalanceMode
    set_by: str
    set_at: datetime
    auto_apply: tuple[ProposalKind, ...] = ()

    def limits(self, grade_band: GradeBand | None) -> Limits:
        cap = self.max_live_minutes_per_day
        if cap is None and grade_band is not None:
            cap = DEFAULT_DAILY_CAP[grade_band]
        return Limits(self.min_on_demand_share, cap, self.mode)


@dataclass(frozen=True, slots=True)
class Limits:
    """A policy's rules as they apply to its section: the cap resolved by its grade band."""

    min_on_demand_share: float
    max_live_minutes_per_day: int | None
    mode: BalanceMode


class BlockKind(StrEnum):
    LIVE = "live"
    ON_DEMAND = "on_demand"


@dataclass(frozen=True, slots=True)
class Block:
    """Planned minutes: a live session's (on the day it starts) or a task's (on the day it is
    due). Cancelled sessions and withdrawn tasks are no blocks."""

    id: str
    kind: BlockKind
    minutes: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    """A section's (or a student's) planned minutes, with the zone whose days they fall on."""

    time_zone: str
    blocks: frozenset[Block]

    def day_of(self, block: Block) -> date:
        return local_day(block.at, self.time_zone)

    def changed(self, gone: Iterable[str], new: Iterable[Block]) -> Plan:
        """The plan without the blocks of ids `gone`, with `new` ones (or new states of them)."""
        new = list(new)
        replaced = set(gone) | {block.id for block in new}
        kept = {block for block in self.blocks if block.id not in replaced}
        return Plan(self.time_zone, frozenset(kept | set(new)))

    def minutes_on(self, days: Iterable[date]) -> dict[date, DayFigures]:
        wanted = {day: [0, 0] for day in days}
        for block in self.blocks:
            day = self.day_of(block)
            if day in wanted:
                wanted[day][0 if block.kind is BlockKind.LIVE else 1] += block.minutes
        return {day: DayFigures(day, live, od) for day, (live, od) in wanted.items()}

    def week(self, week: IsoWeek) -> WeekFigures:
        days = self.minutes_on(week.days)
        return WeekFigures(week, tuple(days[day] for day in week.days))


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: date
    live_minutes: int
    on_demand_minutes: int


@dataclass(frozen=True, slots=True)
class WeekFigures:
    week: IsoWeek
    days: tuple[DayFigures, ...]

    @property
    def live_minutes(self) -> int:
        return sum(day.live_minutes for day in self.days)

    @property
    def on_demand_minutes(self) -> int:
        return sum(day.on_demand_minutes for day in self.days)

    @property
    def on_demand_share(self) -> float | None:
        """None for a week with nothing planned: no share to fall short."""
        total = self.live_minutes + self.on_demand_minutes
        return self.on_demand_minutes / total if total else None


@dataclass(frozen=True, slots=True)
class BalanceWarning:
    """A rule broken, with the figures: the live minutes of a day against the cap, or the
    on-demand share of a week against the minimum."""

    rule: BalanceRule
    period: str  # a local day (YYYY-MM-DD) or an ISO week (YYYY-Www)
    figure: float  # the day's live minutes, or the week's on-demand share
    limit: float
    live_minutes: int
    on_demand_minutes: int

    @property
    def message(self) -> str:
        if self.rule is BalanceRule.MAX_LIVE_MINUTES_PER_DAY:
            return (
                f"{self.live_minutes} live minutes on {self.period}, more than the "
                f"{self.limit:g} a day the policy allows"
            )
        total = self.live_minutes + self.on_demand_minutes
        return (
            f"{self.figure:.0%} of the planned minutes of {self.period} on demand "
            f"({self.on_demand_minutes} of {total}), less than the policy's {self.limit:.0%}"
        )

    def breach(self) -> Breach:
        return Breach(
            rule=self.rule,
            period=self.period,
            figure=self.figure,
            limit=self.limit,
            live_minutes=self.live_minutes,
            on_demand_minutes=self.on_demand_minutes,
            message=self.message,
        )


@dataclass(frozen=True, slots=True)
class BalanceWarned:
    """Domain event: a change was made (advise mode) that left the section's policy broken."""

    district_id: str
    section_id: str
    mode: BalanceMode
    change: PlanChangeKind
    warnings: tuple[BalanceWarning, ...]


def day_warning(limits: Limits, day: DayFigures) -> BalanceWarning | None:
    cap = limits.max_live_minutes_per_day
    if cap is None or day.live_minutes <= cap:
        return None
    return BalanceWarning(
        BalanceRule.MAX_LIVE_MINUTES_PER_DAY,
        day.day.isoformat(),
        float(day.live_minutes),
        float(cap),
        day.live_minutes,
        day.on_demand_minutes,
    )


def week_warning(limits: Limits, week: WeekFigures) -> BalanceWarning | None:
    share = week.on_demand_share
    if share is None or share >= limits.min_on_demand_share - SHARE_SLACK:
        return None
    return BalanceWarning(
        BalanceRule.MIN_ON_DEMAND_SHARE,
        str(week.week),
        round(share, 4),
        limits.min_on_demand_share,
        week.live_minutes,
        week.on_demand_minutes,
    )


def assess(limits: Limits, week: WeekFigures) -> list[BalanceWarning]:
    """Every rule the week breaks as planned: each day over the cap, then the week's share."""
    found = [day_warning(limits, day) for day in week.days] + [week_warning(limits, week)]
    return [warning for warning in found if warning is not None]


def measure(limits: Limits, before: Plan, after: Plan) -> list[BalanceWarning]:
    """The rules a change from `before` to `after` leaves broken, in the days and weeks it
    touches: a day over the cap with more live minutes than before, a week short of the
    minimum share with a smaller share than before (or with none before). A change that
    breaks nothing new and makes nothing worse passes, even where a rule was broken already:
    moving a session within an over-full day, or cancelling one of its sessions."""
    changed = before.blocks ^ after.blocks
    days = sorted({before.day_of(block) for block in changed})
    if not days:
        return []
    warnings: list[BalanceWarning] = []
    was, now = before.minutes_on(days), after.minutes_on(days)
    for day in days:
        warning = day_warning(limits, now[day])
        if warning is not None and now[day].live_minutes > was[day].live_minutes:
            warnings.append(warning)
    for week in sorted({IsoWeek.of(day) for day in days}, key=lambda w: w.order):
        figures = after.week(week)
        warning = week_warning(limits, figures)
        share, old = figures.on_demand_share, before.week(week).on_demand_share
        if warning is not None and (old is None or (share is not None and share < old)):
            warnings.append(warning)
    return warnings
