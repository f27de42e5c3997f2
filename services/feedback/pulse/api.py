"""Pulse surveys' HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Response

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, ServiceState, service_state
from bookend.http_contracts import feedback as http
from services.feedback.pulse import domain, service
from services.feedback.pulse.ports import Store
from services.feedback.settings import FeedbackSettings

State = Annotated[ServiceState[Store, FeedbackSettings], Depends(service_state)]

T = TypeVar("T", bound=http.Tally)

router = APIRouter()


def pulse_out(pulse: domain.Pulse) -> http.Pulse:
    answers = pulse.answers
    return http.Pulse(
        id=pulse.id,
        week=pulse.week,
        student_id=pulse.student_id,
        respondent_id=pulse.respondent_id,
        respondent=pulse.respondent,
        workload=answers.workload,
        wellbeing=answers.wellbeing,
        connectivity=answers.connectivity,
        shared_device=answers.shared_device,
        preference=answers.preference,
        comment=answers.comment,
        section_ids=list(pulse.section_ids),
        first_submitted_at=pulse.first_submitted_at,
        submitted_at=pulse.submitted_at,
        revision=pulse.revision,
    )


def tallies(kind: type[T], counts: Mapping[Any, domain.Tally]) -> list[T]:
    return [kind(answer=a, students=t.students, guardians=t.guardians) for a, t in counts.items()]


def section_pulse_out(summary: domain.SectionPulse) -> http.SectionPulse:
    shared = summary.shared_device
    return http.SectionPulse(
        section_id=summary.section_id,
        week=summary.week,
        students_responded=summary.students_responded,
        guardians_responded=summary.guardians_responded,
        students_heard_from=summary.students_heard_from,
        workload=tallies(http.WorkloadTally, summary.workload),
        wellbeing=tallies(http.WellbeingTally, summary.wellbeing),
        connectivity=tallies(http.ConnectivityTally, summary.connectivity),
        shared_device=http.Tally(students=shared.students, guardians=shared.guardians),
        preference=tallies(http.PreferenceTally, summary.preference),
    )


@router.put("/pulses/{week}", status_code=200)
async def submit_pulse(
    week: str, body: http.PulsePut, principal: CurrentPrincipal, state: State, response: Response
) -> http.Pulse:
    """Give the week's pulse (201), or change it (200; the same answers again change
    nothing). `week` is the ISO week of the respondent's own calendar, e.g. 2026-W48; a week
    that is over is refused (`week`/`current_week`)."""
    answers = domain.PulseAnswers(
        workload=body.workload,
        wellbeing=body.wellbeing,
        connectivity=body.connectivity,
        shared_device=body.shared_device,
        preference=body.preference,
        comment=body.comment,
    )
    submitted = await service.submit_pulse(
        week,
        student_id=body.student_id,
        answers=answers,
        principal=principal,
        store=state.store,
        clock=state.clock,
        ids=state.ids,
    )
    if submitted.created:
        response.status_code = 201
    return pulse_out(submitted.pulse)


@router.get("/pulses/{week}")
async def my_pulses(week: str, principal: CurrentPrincipal, state: State) -> http.PulseList:
    """The caller's own pulses of the week: a student's, or a guardian's about each child."""
    pulses = await service.my_pulses(week, principal=principal, store=state.store)
    return http.PulseList(items=[pulse_out(pulse) for pulse in pulses])


@router.get("/sections/{section_id}/pulses/{week}")
async def section_pulse(
    section_id: str, week: str, principal: CurrentPrincipal, state: State
) -> http.SectionPulse:
    """A section's week of pulses as counts, for its staff (the pulses themselves are paged:
    `/sections/{section_id}/pulses/{week}/pulses`)."""
    summary = await service.section_pulse(section_id, week, principal=principal, store=state.store)
    return section_pulse_out(summary)


@router.get("/sections/{section_id}/pulses/{week}/pulses")
async def list_section_pulses(
    section_id: str, week: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.PulsePage:
    """A page of a section's week of pulses, comments included, for its staff: by student,
    their own before their guardians'."""
    page = await service.list_section_pulses(
        section_id, week, asked, principal=principal, store=state.store
    )
    return http.PulsePage.of(page, pulse_out)
