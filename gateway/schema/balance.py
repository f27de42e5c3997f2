"""Balance policies (the scheduler service): a section's minimum on-demand share and cap on
live minutes a day, the warnings a scheduling change returns, and weekly plans of a section or
a student."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import balance as http
from bookend.problems import ProblemField
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import BalanceMode, BalanceRule, GradeBand, ProposalKind
from gateway.schema.errors import Failure, PublicError, mutate, query
from gateway.upstream import UpstreamFailure

Week = Annotated[
    str | None,
    strawberry.argument(description="An ISO week, e.g. 2026-W48; this week if left out."),
]
PlanOwner = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="Name exactly one of sectionId and studentId."),
]


@strawberry.type(
    description=(
        "A rule of the section's balance policy broken: the live minutes of a local day "
        "(period YYYY-MM-DD) over the cap, or the on-demand share of an ISO week's planned "
        "minutes (period YYYY-Www) under the minimum."
    )
)
class BalanceWarning(FromContract[http.BalanceWarning]):
    rule: BalanceRule
    period: str
    figure: float = strawberry.field(
        description="The day's live minutes, or the week's on-demand share (0 to 1)."
    )
    limit: float = strawberry.field(description="The cap, or the minimum share.")
    live_minutes: int
    on_demand_minutes: int
    message: str


def warnings_of(warnings: list[http.BalanceWarning]) -> list[BalanceWarning]:
    return [BalanceWarning.of(warning) for warning in warnings]


@strawberry.type(
    description=(
        "A section's balance policy: every scheduling change is measured against it; in "
        "ADVISE mode a change that breaks it is made with warnings, in ENFORCE mode refused."
    )
)
class BalancePolicy(FromContract[http.BalancePolicy]):
    section_id: strawberry.ID
    min_on_demand_share: float = strawberry.field(
        description="Of each ISO week's planned minutes (live and on demand), 0 to 1."
    )
    max_live_minutes_per_day: int | None = strawberry.field(
        description="The section's own cap, if it set one."
    )
    grade_band: GradeBand | None
    daily_cap: int | None = strawberry.field(
        description="The cap that applies: the section's own, or its grade band's; none: no cap."
    )
    mode: BalanceMode
    set_by: strawberry.ID
    set_at: datetime
    auto_apply: list[ProposalKind] = strawberry.field(
        description="Kinds of balance proposal the policy applies without asking a teacher."
    )


@strawberry.type
class PlanDay(FromContract[http.PlanDay]):
    day: date
    live_minutes: int
    on_demand_minutes: int


@strawberry.type(
    description=(
        "Planned minutes of an ISO week, day by day in the zone: live sessions on the day they "
        "start (not cancelled), on-demand tasks on the day they are due (not withdrawn). A "
        "section's counts its work for the whole section; a student's, everything in their feed."
    )
)
class WeeklyPlan:
    week: str
    time_zone: str
    section_id: strawberry.ID | None
    student_id: strawberry.ID | None
    days: list[PlanDay]
    live_minutes: int
    on_demand_minutes: int
    on_demand_share: float | None = strawberry.field(description="None: nothing planned.")
    policy: BalancePolicy | None = strawberry.field(description="A section's, if it has one.")
    warnings: list[BalanceWarning] = strawberry.field(
        description="The rules of the section's policy the week breaks as planned."
    )

    @classmethod
    def of(cls, plan: http.WeeklyPlan) -> WeeklyPlan:
        return from_contract(
            cls,
            plan,
            days=[PlanDay.of(day) for day in plan.days],
            policy=None if plan.policy is None else BalancePolicy.of(plan.policy),
            warnings=warnings_of(plan.warnings),
        )


@strawberry.input
class BalancePolicyInput:
    min_on_demand_share: float = strawberry.field(
        description="Of each ISO week's planned minutes, 0 to 1 (e.g. 0.6)."
    )
    max_live_minutes_per_day: int | None = strawberry.field(
        default=None, description="Left out: the cap of the section's grade band."
    )
    mode: BalanceMode = BalanceMode.ADVISE
    auto_apply: list[ProposalKind] = strawberry.field(
        default_factory=list,
        description=(
            "Kinds of balance proposal to apply without asking: low-risk ones only "
            "(EXTEND_WINDOWS, FOLLOW_BY_RECORDING, ADD_PREWORK)."
        ),
    )


BalancePolicyResult = Annotated[BalancePolicy | Failure, strawberry.union("BalancePolicyResult")]


@strawberry.type
class BalanceQuery:
    @strawberry.field(
        description="A section's balance policy (its teachers and admins), or none if unset."
    )
    async def balance_policy(self, info: Info, section_id: strawberry.ID) -> BalancePolicy | None:
        try:
            policy = await info.context.clients.scheduler.get_balance_policy(section_id)
        except UpstreamFailure as refused:
            if refused.problem.code == "BALANCE_POLICY_NOT_FOUND":
                return None
            problem = refused.problem
            raise PublicError(problem.code, problem.message, problem.errors) from None
        return BalancePolicy.of(policy)

    @strawberry.field(
        description=(
            "Live and on-demand minutes of a week: a section's (with its policy and the rules "
            "the week breaks), or a student's from their feed in their own zone."
        )
    )
    async def weekly_plan(
        self,
        info: Info,
        section_id: PlanOwner = None,
        student_id: PlanOwner = None,
        week: Week = None,
    ) -> WeeklyPlan:
        scheduler = info.context.clients.scheduler
        if section_id is not None and student_id is None:
            return await query(scheduler.get_section_plan(section_id, week), WeeklyPlan.of)
        if student_id is not None and section_id is None:
            return await query(scheduler.get_student_plan(student_id, week), WeeklyPlan.of)
        message = "name exactly one of sectionId and studentId"
        field = ProblemField(field="sectionId", rule="one_of", message=message)
        raise PublicError("INVALID_INPUT", message, [field])


@strawberry.type
class BalanceMutation:
    @strawberry.mutation(
        description=(
            "Set a section's balance policy (its teachers and its school's admins); changes "
            "from now on are measured against it."
        )
    )
    async def set_balance_policy(
        self, info: Info, section_id: strawberry.ID, input: BalancePolicyInput
    ) -> BalancePolicyResult:
        body = http.BalancePolicyPut.model_construct(
            min_on_demand_share=input.min_on_demand_share,
            max_live_minutes_per_day=input.max_live_minutes_per_day,
            mode=input.mode,
            auto_apply=list(input.auto_apply),
        )
        call = info.context.clients.scheduler.put_balance_policy(section_id, body)
        return await mutate(call, BalancePolicy.of)
