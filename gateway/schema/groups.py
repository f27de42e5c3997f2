"""Named groups of a section's students (the scheduler's roster), for the section's staff only:
students and guardians never see groups, whose names can say something about their students.
On-demand work goes to a group with `assignTask(input: {groupId})` (`tasks.py`)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.convert import FromContract
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.paging import After, Connection, First, checked_page

GroupName = Annotated[
    str,
    strawberry.argument(
        description="1 to 80 characters, trimmed; unique in the section, ignoring case."
    ),
]
Members = Annotated[
    list[strawberry.ID],
    strawberry.argument(description="1 to 200 students, each enrolled in the section."),
]


@strawberry.type(
    description=(
        "A named group of a section's students, seen by the section's teachers and admins only."
    )
)
class Group(FromContract[http.Group]):
    id: strawberry.ID
    section_id: strawberry.ID
    name: str
    student_ids: list[strawberry.ID]
    created_by: strawberry.ID


GroupResult = Annotated[Group | Failure, strawberry.union("GroupResult")]


@strawberry.type
class GroupQuery:
    @strawberry.field(
        description=(
            "A section's groups of students, by name (its teachers and admins; Relay paging)."
        )
    )
    async def section_groups(
        self, info: Info, section_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[Group]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_groups(section_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, Group.of))


@strawberry.type
class GroupMutation:
    @strawberry.mutation(
        description="Name a group of a section's students (its teachers and its school's admins)."
    )
    async def create_group(
        self,
        info: Info,
        section_id: strawberry.ID,
        name: GroupName,
        student_ids: Members,
        idempotency_key: IdempotencyKey = None,
    ) -> GroupResult:
        body = http.GroupCreate.model_construct(name=name, student_ids=list(student_ids))
        call = info.context.clients.scheduler.create_group(section_id, body, idempotency_key)
        return await mutate(call, Group.of)

    @strawberry.mutation(
        description=(
            "Rename a group and give it its members anew. Work assigned to it before stays "
            "with the students it went to."
        )
    )
    async def update_group(
        self, info: Info, id: strawberry.ID, name: GroupName, student_ids: Members
    ) -> GroupResult:
        body = http.GroupUpdate.model_construct(name=name, student_ids=list(student_ids))
        return await mutate(info.context.clients.scheduler.update_group(id, body), Group.of)

    @strawberry.mutation(
        description="Delete a group. Work assigned to it stays with the students it went to."
    )
    async def delete_group(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> GroupResult:
        call = info.context.clients.scheduler.delete_group(id, idempotency_key)
        return await mutate(call, Group.of)
