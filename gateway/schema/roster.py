"""Schools, sections and enrolments (the scheduler's roster), loaded by administrators."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from gateway.context import Info
from gateway.schema.errors import Failure, mutate, query


@strawberry.type
class School:
    id: strawberry.ID
    name: str


@strawberry.type
class Section:
    id: strawberry.ID
    school_id: strawberry.ID
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[strawberry.ID]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        return cls(
            id=strawberry.ID(data["id"]), school_id=strawberry.ID(data["school_id"]),
            name=data["name"], subject=data["subject"], time_zone=data["time_zone"],
            teacher_ids=[strawberry.ID(t) for t in data["teacher_ids"]],
        )


@strawberry.type
class Enrolment:
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


UpsertSchoolResult = Annotated[School | Failure, strawberry.union("UpsertSchoolResult")]
UpsertSectionResult = Annotated[Section | Failure, strawberry.union("UpsertSectionResult")]
EnrolStudentResult = Annotated[Enrolment | Failure, strawberry.union("EnrolStudentResult")]


@strawberry.type
class RosterQuery:
    @strawberry.field
    async def sections(self, info: Info) -> list[Section]:
        ctx = info.context
        data = await query(ctx.upstreams.scheduler.call("GET", "/sections", token=ctx.caller.token))
        return [Section.from_json(item) for item in data["items"]]


@strawberry.type
class RosterMutation:
    @strawberry.mutation
    async def upsert_school(self, info: Info, id: strawberry.ID, name: str) -> UpsertSchoolResult:
        ctx = info.context
        result = await mutate(
            ctx.upstreams.scheduler.call(
                "PUT", f"/schools/{id}", token=ctx.caller.token, json={"name": name}
            )
        )
        if isinstance(result, dict):
            return School(id=strawberry.ID(result["id"]), name=result["name"])
        return result

    @strawberry.mutation
    async def upsert_section(self, info: Info, input: SectionInput) -> UpsertSectionResult:
        ctx = info.context
        body = {
            "school_id": input.school_id, "name": input.name, "subject": input.subject,
            "time_zone": input.time_zone, "teacher_ids": list(input.teacher_ids),
        }
        result = await mutate(
            ctx.upstreams.scheduler.call(
                "PUT", f"/sections/{input.id}", token=ctx.caller.token, json=body
            )
        )
        return Section.from_json(result) if isinstance(result, dict) else result

    @strawberry.mutation
    async def enrol_student(
        self, info: Info, section_id: strawberry.ID, student_id: strawberry.ID, time_zone: str
    ) -> EnrolStudentResult:
        ctx = info.context
        result = await mutate(
            ctx.upstreams.scheduler.call(
                "PUT", f"/sections/{section_id}/enrolments/{student_id}",
                token=ctx.caller.token, json={"time_zone": time_zone},
            )
        )
        if isinstance(result, dict):
            return Enrolment(
                section_id=strawberry.ID(result["section_id"]),
                student_id=strawberry.ID(result["student_id"]),
                time_zone=result["time_zone"],
            )
        return result
