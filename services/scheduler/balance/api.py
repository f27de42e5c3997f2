"""Balance policies' HTTP routes: a section's policy, and the weekly plan of a section or a
student. Thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bookend.auth.fastapi import CurrentPrincipal
from bookend.clock import IsoWeek
from bookend.hosting import ServiceState, service_state
from bookend.http_contracts import balance as http
from services.scheduler.balance import service
from services.scheduler.balance.domain import BalanceWarning, PolicyDraft, WeekFigures
from services.scheduler.balance.ports import Store
from services.scheduler.balance.service import PolicyView
from services.scheduler.records import fields_of
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]
Week = Annotated[
    str | None,
    Query(max_length=20, description="An ISO week, e.g. 2026-W48; this week if left out."),
]

router = APIRouter()


def warnings_out(warnings: Iterable[BalanceWarning]) -> list[http.BalanceWarning]:
    return [http.BalanceWarning.model_validate(fields_of(w, message=w.message)) for w in warnings]


def policy_out(view: PolicyView) -> http.BalancePolicy:
    return http.BalancePolicy.model_validate(
        fields_of(
            view.policy,
            grade_band=view.grade_band,
            daily_cap=view.limits.max_live_minutes_per_day,
        )
    )


def plan_out(figures: WeekFigures, time_zone: str, **more: object) -> http.WeeklyPlan:
    return http.WeeklyPlan.model_validate(
        {
            "week": str(figures.week),
            "time_zone": time_zone,
            "days": [fields_of(day) for day in figures.days],
            "live_minutes": figures.live_minutes,
            "on_demand_minutes": figures.on_demand_minutes,
            "on_demand_share": figures.on_demand_share,
        }
        | more
    )


def week_of(text: str | None) -> IsoWeek | None:
    return None if text is None else IsoWeek.parse(text)


@router.get("/sections/{section_id}/balance-policy")
async def get_balance_policy(
    section_id: str, principal: CurrentPrincipal, state: State
) -> http.BalancePolicy:
    view = await service.get_policy(section_id, principal=principal, reads=state.store)
    return policy_out(view)


@router.put("/sections/{section_id}/balance-policy")
async def put_balance_policy(
    section_id: str, body: http.BalancePolicyPut, principal: CurrentPrincipal, state: State
) -> http.BalancePolicy:
    draft = PolicyDraft(
        body.min_on_demand_share,
        body.max_live_minutes_per_day,
        body.mode,
        tuple(body.auto_apply),
    )
    view = await service.set_policy(
        section_id, draft, principal=principal, store=state.store, clock=state.clock
    )
    return policy_out(view)


@router.get("/sections/{section_id}/plan")
async def get_section_plan(
    section_id: str, principal: CurrentPrincipal, state: State, week: Week = None
) -> http.WeeklyPlan:
    plan = await service.section_plan(
        section_id, week_of(week), principal=principal, reads=state.store, clock=state.clock
    )
    section = plan.section
    return plan_out(
        plan.figures,
        section.time_zone,
        section_id=section.id,
        policy=None if plan.policy is None else policy_out(plan.policy),
        warnings=warnings_out(plan.warnings),
    )


@router.get("/students/{student_id}/plan")
async def get_student_plan(
    student_id: str, principal: CurrentPrincipal, state: State, week: Week = None
) -> http.WeeklyPlan:
    plan = await service.student_plan(
        student_id, week_of(week), principal=principal, reads=state.store, clock=state.clock
    )
    return plan_out(plan.figures, plan.time_zone, student_id=plan.student_id)
