"""Schools, sections and enrolments (the scheduler's roster), loaded by administrators."""

from __future__ import annotations

from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.errors import Failure, mutate, query


@strawberry.type
class School:
    id: strawberry.ID
    name: str

    @classmethod
    def of(cls, school: http.School) -> School:
        return cls(id=strawberry.ID(school.id), name=school.name)


@strawberry.type
class Section:
    id: strawberry.ID
    school_id: strawberry.ID
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[strawberry.ID]

    @classmethod
    def of(cls, section: http.Section) -> Section:
        return cls(
            id=strawberry.ID(section.id),
            school_id=strawberry.ID(section.school_id),
            name=section.name,
            subject=section.subject,
            time_zone=section.time_zone,
            teacher_ids=[strawberry.ID(t) for t in section.teacher_ids],
        )


@strawberry.type
class Enrolment:
    section_id: strawberry.ID
    student_id: strawberry.ID
    time_zone: str

    @classmethod
    def of(cls, enrolment: http.Enrolment) -> Enrolment:
        return cls(
            section_id=strawberry.ID(enrolment.section_id),
            student_id=strawberry.ID(enrolment.student_id),
            time_zone=enrolment.time_zone,
        )


@strawberry.input
class SectionInput:
    id: strawberry.ID = strawberry.field(description="The district SIS's sourced id.")
    school_id: strawberry.ID
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[strawberry.ID]

    def request(self) -> http.SectionPut:
        # Unvalidated here: the scheduler checks its own input (ADR 0009).
        return http.SectionPut.model_construct(
            school_id=self.school_id,
            name=self.name,
            subject=self.subject,
            time_zone=self.time_zone,
            teacher_ids=list(self.teacher_ids),
        )


UpsertSchoolResult = Annotated[School | Failure, strawberry.union("UpsertSchoolResult")]
UpsertSectionResult = Annotated[Section | Failure, strawberry.union("UpsertSectionResult")]
EnrolStudentResult = Annotated[Enrolment | Failure, strawberry.union("EnrolStudentResult")]


@strawberry.type
class RosterQuery:
    @strawberry.field
    async def sections(self, info: Info) -> list[Section]:
        ctx = info.context
        sections = await query(ctx.clients.scheduler.list_sections(token=ctx.caller.token))
        return [Section.of(section) for section in sections.items]


@strawberry.type
class RosterMutation:
    @strawberry.mutation
    async def upsert_school(self, info: Info, id: strawberry.ID, name: str) -> UpsertSchoolResult:
        ctx = info.context
        school = http.SchoolPut.model_construct(name=name)
        return await mutate(
            ctx.clients.scheduler.put_school(id, school, token=ctx.caller.token), School.of
        )

    @strawberry.mutation
    async def upsert_section(self, info: Info, input: SectionInput) -> UpsertSectionResult:
        ctx = info.context
        return await mutate(
            ctx.clients.scheduler.put_section(input.id, input.request(), token=ctx.caller.token),
            Section.of,
        )

    @strawberry.mutation
    async def enrol_student(
        self, info: Info, section_id: strawberry.ID, student_id: strawberry.ID, time_zone: str
    ) -> EnrolStudentResult:
        ctx = info.context
        enrolment = http.EnrolmentPut.model_construct(time_zone=time_zone)
        return await mutate(
            ctx.clients.scheduler.enrol(section_id, student_id, enrolment, token=ctx.caller.token),
            Enrolment.of,
        )
