"""The roster's HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import ServiceState, service_state
from bookend.http_contracts import scheduler as http
from services.scheduler.roster import service
from services.scheduler.roster.domain import Section, SectionDraft
from services.scheduler.roster.ports import Store
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]

router = APIRouter()


def section_out(section: Section) -> http.Section:
    return http.Section.model_validate(section, from_attributes=True)


@router.put("/schools/{school_id}")
async def put_school(
    school_id: str, body: http.SchoolPut, principal: CurrentPrincipal, state: State
) -> http.School:
    school = await service.put_school(
        school_id, name=body.name, principal=principal, store=state.store
    )
    return http.School.model_validate(school, from_attributes=True)


@router.put("/sections/{section_id}")
async def put_section(
    section_id: str, body: http.SectionPut, principal: CurrentPrincipal, state: State
) -> http.Section:
    draft = SectionDraft(**body.model_dump())
    section = await service.put_section(section_id, draft, principal=principal, store=state.store)
    return section_out(section)


@router.put("/sections/{section_id}/enrolments/{student_id}")
async def put_enrolment(
    section_id: str,
    student_id: str,
    body: http.EnrolmentPut,
    principal: CurrentPrincipal,
    state: State,
) -> http.Enrolment:
    enrolled = await service.enrol_student(
        section_id,
        student_id,
        time_zone=body.time_zone,
        principal=principal,
        store=state.store,
        clock=state.clock,
    )
    return http.Enrolment(
        section_id=section_id,
        student_id=student_id,
        district_id=enrolled.enrolment.district_id,
        time_zone=enrolled.learner.time_zone,
    )


@router.get("/sections")
async def list_sections(principal: CurrentPrincipal, state: State) -> http.SectionList:
    sections = await service.list_sections(principal=principal, store=state.store)
    return http.SectionList(items=[section_out(section) for section in sections])


@router.get("/sections/{section_id}")
async def get_section(section_id: str, principal: CurrentPrincipal, state: State) -> http.Section:
    section = await service.get_section(section_id, principal=principal, store=state.store)
    return section_out(section)
