"""Schools, sections and enrolments (the scheduler's roster), loaded by administrators."""

from __future__ import annotations

from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.convert import FromContract, each, to_contract
from gateway.schema.errors import Failure, mutate, query


@strawberry.type
class School(FromContract[http.School]):
    id: strawberry.ID
    name: str


@strawberry.type
class Section(FromContract[http.Section]):
    id: strawberry.ID
    school_id: strawberry.ID
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[strawberry.ID]


@strawberry.type
class Enrolment(FromContract[http.Enrolment]):
    section_id: strawberry.ID
    student_id: strawberry.ID
    time_zone: str


@strawberry.input
class SectionInput:
    id: strawberry.ID = strawberry.field(description="The district SIS's sourced id.")
    school_id: strawberry.ID
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[strawberry.ID]

    def request(self) -> http.SectionPut:
        return to_contract(http.SectionPut, self)  # all but the id: the path names the section


UpsertSchoolResult = Annotated[School | Failure, strawberry.union("UpsertSchoolResult")]
UpsertSectionResult = Annotated[Section | Failure, strawberry.union("UpsertSectionResult")]
EnrolStudentResult = Annotated[Enrolment | Failure, strawberry.union("EnrolStudentResult")]


@strawberry.type
class RosterQuery:
    @strawberry.field
    async def sections(self, info: Info) -> list[Section]:
        return await query(info.context.clients.scheduler.list_sections(), each(Section.of))


@strawberry.type
class RosterMutation:
    @strawberry.mutation
    async def upsert_school(self, info: Info, id: strawberry.ID, name: str) -> UpsertSchoolResult:
        school = http.SchoolPut.model_construct(name=name)
        return await mutate(info.context.clients.scheduler.put_school(id, school), School.of)

    @strawberry.mutation
    async def upsert_section(self, info: Info, input: SectionInput) -> UpsertSectionResult:
        call = info.context.clients.scheduler.put_section(input.id, input.request())
        return await mutate(call, Section.of)

    @strawberry.mutation
    async def enrol_student(
        self, info: Info, section_id: strawberry.ID, student_id: strawberry.ID, time_zone: str
    ) -> EnrolStudentResult:
        enrolment = http.EnrolmentPut.model_construct(time_zone=time_zone)
        call = info.context.clients.scheduler.enrol(section_id, student_id, enrolment)
        return await mutate(call, Enrolment.of)
