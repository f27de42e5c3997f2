"""Balance assessments' HTTP routes, for a section's staff: the week as it stands, and
publishing it. Thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, ServiceState, service_state
from bookend.http_contracts import feedback as http
from services.feedback.assessment import service
from services.feedback.assessment.domain import (
    Figures,
    Flag,
    PulseSummary,
    ReportTotals,
    SectionAssessment,
    SectionLine,
    rounded,
)
from services.feedback.assessment.ports import Store
from services.feedback.settings import FeedbackSettings

State = Annotated[ServiceState[Store, FeedbackSettings], Depends(service_state)]
Week = Annotated[
    str | None,
    Query(max_length=20, description="An ISO week, e.g. 2026-W48; this week if left out."),
]

router = APIRouter()


def figures_out(figures: Figures) -> http.AssessmentFigures:
    return http.AssessmentFigures(
        planned_live_minutes=figures.planned_live_minutes,
        attended_live_minutes=figures.attended_live_minutes,
        assigned_on_demand_minutes=figures.assigned_on_demand_minutes,
        completed_on_demand_minutes=figures.completed_on_demand_minutes,
        sessions=figures.sessions,
        sessions_missed=figures.sessions_missed,
        sessions_checked_in=figures.sessions_checked_in,
        sessions_lost=figures.sessions_lost,
        on_demand_share=rounded(figures.on_demand_share),
        completion_rate=rounded(figures.completion_rate),
        confusion_rate=rounded(figures.confusion_rate),
    )


def flags_out(flags: tuple[Flag, ...]) -> list[http.AssessmentFlag]:
    return [http.AssessmentFlag(kind=f.kind, reason=f.reason) for f in flags]


def pulse_out(pulse: PulseSummary) -> http.AssessmentPulse:
    return http.AssessmentPulse(
        students_responded=pulse.students_responded,
        guardians_responded=pulse.guardians_responded,
        too_much_work=pulse.too_much_work,
        low_wellbeing=pulse.low_wellbeing,
        poorly_connected=pulse.poorly_connected,
        preferences=[http.PreferenceCount(preference=p, count=n) for p, n in pulse.prefers.items()],
    )


def assessment_out(assessed: SectionAssessment) -> http.BalanceAssessment:
    return http.BalanceAssessment(
        section_id=assessed.section_id,
        week=str(assessed.week),
        figures=figures_out(assessed.figures),
        pulse=pulse_out(assessed.pulse),
        flags=flags_out(assessed.flags),
        students=[
            http.StudentAssessment(
                student_id=s.student_id,
                figures=figures_out(s.figures),
                pulse=pulse_out(s.pulse),
                flags=flags_out(s.flags),
            )
            for s in assessed.students
        ],
        assessed_at=assessed.assessed_at,
    )


@router.get("/sections/{section_id}/balance-assessment")
async def read_assessment(
    section_id: str, principal: CurrentPrincipal, state: State, week: Week = None
) -> http.BalanceAssessment:
    assessed = await service.read_assessment(
        section_id,
        week,
        principal=principal,
        reads=state.store,
        rules=state.settings.assessment,
        clock=state.clock,
    )
    return assessment_out(assessed)


@router.post("/sections/{section_id}/balance-assessment", status_code=201)
async def publish_assessment(
    section_id: str, principal: CurrentPrincipal, state: State, week: Week = None
) -> http.BalanceAssessment:
    assessed = await service.publish_assessment(
        section_id,
        week,
        principal=principal,
        store=state.store,
        rules=state.settings.assessment,
        clock=state.clock,
        ids=state.ids,
    )
    return assessment_out(assessed)


def line_out(line: SectionLine) -> http.ReportLine:
    return http.ReportLine(
        section_id=line.section_id,
        school_id=line.school_id,
        figures=figures_out(line.figures),
        flags=flags_out(line.flags),
        students=line.students,
        students_flagged=line.students_flagged,
        student_flags=[
            http.StudentFlagCount(kind=kind, students=n) for kind, n in line.student_flags.items()
        ],
        assessed_at=line.assessed_at,
    )


def totals_out(totals: ReportTotals) -> http.ReportTotals:
    return http.ReportTotals(
        sections=totals.sections,
        sections_flagged=totals.sections_flagged,
        students=totals.students,
        students_flagged=totals.students_flagged,
        figures=figures_out(totals.figures),
        flags=[
            http.FlagCount(kind=f.kind, sections=f.sections, students=f.students)
            for f in totals.flags
        ],
    )


@router.get("/balance-report")
async def read_balance_report(
    principal: CurrentPrincipal,
    state: State,
    asked: AskedPage,
    week: Annotated[str, Query(max_length=20, description="An ISO week, e.g. 2026-W48.")],
    school_id: Annotated[str | None, Query(max_length=200)] = None,
) -> http.BalanceReport:
    """A week's published balance assessments across sections, for admins (ADR 0046);
    `total=true` adds the totals over every section."""
    report = await service.read_report(
        week, asked, school_id=school_id, principal=principal, reads=state.store
    )
    totals = None if report.totals is None else totals_out(report.totals)
    return http.BalanceReport.of(
        report.page, line_out, week=str(report.week), school_id=report.school_id, totals=totals
    )
