"""The roster's HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import scheduler as http
from services.scheduler.records import fields_of
from services.scheduler.roster import grouping, service
from services.scheduler.roster.calendar import Blackout, TermDraft
from services.scheduler.roster.domain import (
    Person,
    PersonDraft,
    PersonRole,
    School,
    Section,
    SectionDraft,
    Term,
)
from services.scheduler.roster.groups import Group, GroupDraft
from services.scheduler.roster.imports.api import router as imports
from services.scheduler.roster.ports import Store
from services.scheduler.roster.service import StudentSeen
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]

router = APIRouter()
router.include_router(imports)


def school_out(school: School) -> http.School:
    return http.School.model_validate(school, from_attributes=True)


def section_student_out(seen: StudentSeen) -> http.SectionStudent:
    return http.SectionStudent(
        id=seen.student.id,
        given_name=seen.student.given_name,
        family_name=seen.student.family_name,
        school_ids=list(seen.student.school_ids),
        own_time_zone=seen.student.time_zone,
        time_zone=seen.time_zone,
    )


def section_out(section: Section) -> http.Section:
    return http.Section.model_validate(section, from_attributes=True)


def term_out(term: Term) -> http.Term:
    return http.Term.model_validate(term, from_attributes=True)


def person_out(person: Person) -> http.Person:
    return http.Person.model_validate(fields_of(person, role=person.role.value))


def group_out(group: Group) -> http.Group:
    return http.Group.model_validate(group, from_attributes=True)


def group_draft(body: http.GroupCreate) -> GroupDraft:
    return GroupDraft(name=body.name, student_ids=body.student_ids)


@router.put("/district")
async def put_district(
    body: http.DistrictPut, principal: CurrentPrincipal, state: State
) -> http.District:
    district = await service.put_district(body.name, principal=principal, store=state.store)
    return http.District.model_validate(district, from_attributes=True)


@router.get("/district")
async def get_district(principal: CurrentPrincipal, state: State) -> http.District:
    district = await service.get_district(principal=principal, reads=state.store)
    return http.District.model_validate(district, from_attributes=True)


@router.put("/schools/{school_id}")
async def put_school(
    school_id: str, body: http.SchoolPut, principal: CurrentPrincipal, state: State
) -> http.School:
    school = await service.put_school(
        school_id,
        name=body.name,
        time_zone=body.time_zone,
        principal=principal,
        store=state.store,
    )
    return http.School.model_validate(school, from_attributes=True)


@router.get("/schools")
async def list_schools(
    principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.SchoolPage:
    """A page of the schools the caller administers, by id."""
    page = await service.list_schools(asked, principal=principal, reads=state.store)
    return http.SchoolPage.of(page, school_out)


@router.put("/terms/{term_id}")
async def put_term(
    term_id: str, body: http.TermPut, principal: CurrentPrincipal, state: State
) -> http.Term:
    draft = TermDraft(
        school_id=body.school_id,
        name=body.name,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        weekdays=body.weekdays,
        day_starts=body.day_starts,
        day_ends=body.day_ends,
        blackouts=[Blackout(b.on, b.reason) for b in body.blackouts],
    )
    term = await service.put_term(term_id, draft, principal=principal, store=state.store)
    return term_out(term)


@router.get("/schools/{school_id}/terms")
async def list_terms(
    school_id: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.TermPage:
    """A page of the school's terms and the district's, by start."""
    page = await service.list_terms(school_id, asked, principal=principal, reads=state.store)
    return http.TermPage.of(page, term_out)


@router.put("/sections/{section_id}")
async def put_section(
    section_id: str, body: http.SectionPut, principal: CurrentPrincipal, state: State
) -> http.Section:
    draft = SectionDraft(**body.model_dump())
    section = await service.put_section(section_id, draft, principal=principal, store=state.store)
    return section_out(section)


@router.get("/sections")
async def list_sections(
    principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.SectionPage:
    """A page of the sections the caller teaches, administers, attends or has a child in."""
    page = await service.list_sections(asked, principal=principal, store=state.store)
    return http.SectionPage.of(page, section_out)


@router.get("/sections/{section_id}")
async def get_section(section_id: str, principal: CurrentPrincipal, state: State) -> http.Section:
    section = await service.get_section(section_id, principal=principal, store=state.store)
    return section_out(section)


@router.get("/sections/{section_id}/students")
async def list_section_students(
    section_id: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.SectionStudentPage:
    """A page of the section's students by id, each with the zone of their days."""
    page = await service.list_section_students(
        section_id, asked, principal=principal, reads=state.store
    )
    return http.SectionStudentPage.of(page, section_student_out)


@router.put("/people/{person_id}")
async def put_person(
    person_id: str, body: http.PersonPut, principal: CurrentPrincipal, state: State
) -> http.Person:
    draft = PersonDraft(
        role=PersonRole(body.role.value),
        school_ids=body.school_ids,
        time_zone=body.time_zone,
        given_name=body.given_name,
        family_name=body.family_name,
    )
    person = await service.put_person(person_id, draft, principal=principal, store=state.store)
    return person_out(person)


@router.put("/students/{student_id}/guardians/{guardian_id}")
async def link_guardian(
    student_id: str, guardian_id: str, principal: CurrentPrincipal, state: State
) -> http.Guardianship:
    link = await service.link_guardian(
        student_id, guardian_id, principal=principal, store=state.store
    )
    return http.Guardianship.model_validate(link, from_attributes=True)


@router.get("/students/{student_id}/guardians")
async def list_guardians(
    student_id: str, principal: CurrentPrincipal, state: State
) -> http.PersonList:
    guardians = await service.list_guardians(student_id, principal=principal, reads=state.store)
    return http.PersonList(items=[person_out(guardian) for guardian in guardians])


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


@router.post("/sections/{section_id}/groups", status_code=201)
async def create_group(
    section_id: str,
    body: http.GroupCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Group:
    with answering(key, group_out, status=201):
        group = await grouping.create_group(
            section_id, group_draft(body), principal=principal, store=state.store, ids=state.ids
        )
    return group_out(group)


@router.get("/sections/{section_id}/groups")
async def list_groups(
    section_id: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.GroupPage:
    """A page of the section's groups by name, for its staff."""
    page = await grouping.list_groups(section_id, asked, principal=principal, reads=state.store)
    return http.GroupPage.of(page, group_out)


@router.put("/groups/{group_id}")
async def update_group(
    group_id: str, body: http.GroupUpdate, principal: CurrentPrincipal, state: State
) -> http.Group:
    group = await grouping.update_group(
        group_id, group_draft(body), principal=principal, store=state.store
    )
    return group_out(group)


@router.delete("/groups/{group_id}")
async def delete_group(
    group_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Group:
    with answering(key, group_out):
        group = await grouping.delete_group(group_id, principal=principal, store=state.store)
    return group_out(group)
