"""The scheduler's HTTP API for balance policies: a section's policy, the warnings a scheduling
change returns, and weekly plans of a section or a student."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from bookend.contracts.catalog import GradeBand
from bookend.contracts.feedback import BalanceFlag
from bookend.contracts.scheduler import BalanceMode, BalanceRule, ProposalKind, ProposalStatus
from bookend.http_contracts.paging import Page


class BalanceWarning(BaseModel):
    """A rule of the section's policy a change left broken (advise mode), or a week breaks as
    planned: the live minutes of a local day (`period` YYYY-MM-DD) against the cap, or the
    on-demand share of an ISO week (`period` YYYY-Www) against the minimum."""

    rule: BalanceRule
    period: str
    figure: float
    limit: float
    live_minutes: int
    on_demand_minutes: int
    message: str


class BalancePolicyPut(BaseModel):
    # Bounds checked by the scheduler, which names the rule (`in_range`).
    min_on_demand_share: float = Field(allow_inf_nan=False)
    max_live_minutes_per_day: int | None = None  # None: the grade band's (ADR 0029)
    mode: BalanceMode = BalanceMode.ADVISE
    # Kinds of balance proposal applied without asking; low-risk ones only (ADR 0038).
    auto_apply: list[ProposalKind] = Field(default_factory=list, max_length=10)


class BalancePolicy(BaseModel):
    section_id: str
    min_on_demand_share: float
    max_live_minutes_per_day: int | None  # the section's own, if it set one
    grade_band: GradeBand | None
    # The cap that applies: the section's own, or its grade band's; None: no cap.
    daily_cap: int | None
    mode: BalanceMode
    set_by: str
    set_at: datetime
    auto_apply: list[ProposalKind] = []


class PlanDay(BaseModel):
    day: date
    live_minutes: int
    on_demand_minutes: int


class WeeklyPlan(BaseModel):
    """Planned minutes of an ISO week, day by day in `time_zone`: live sessions on the day they
    start (not cancelled), on-demand tasks on the day they are due (not withdrawn)."""

    week: str  # YYYY-Www
    time_zone: str
    section_id: str | None = None
    student_id: str | None = None
    days: list[PlanDay]
    live_minutes: int
    on_demand_minutes: int
    on_demand_share: float | None  # None: nothing planned
    policy: BalancePolicy | None = None  # a section's, if it has one
    warnings: list[BalanceWarning] = []  # the rules of the policy the week breaks as planned


class Proposal(BaseModel):
    """A change to a section's plan proposed from a week's balance assessment (ADR 0038):
    for one student (`student_id`) or the whole section; what applying it changed, once it
    did."""

    id: str
    section_id: str
    student_id: str | None
    kind: ProposalKind
    week: str
    flags: list[BalanceFlag]
    reason: str
    status: ProposalStatus
    proposed_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    dismissal: str | None = None
    extended_task_ids: list[str] = []
    added_task_ids: list[str] = []
    shortened_session_ids: list[str] = []
    following_until: datetime | None = None


class ProposalPage(Page[Proposal]):
    """A page of them, as every list that can grow answers (ADR 0044)."""


class ProposalDismissal(BaseModel):
    reason: str | None = Field(default=None, max_length=1000)  # the rule (200) is the service's
