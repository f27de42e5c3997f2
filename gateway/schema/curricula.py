"""Curricula: a district's programmes as units of its lessons (the catalog service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import curricula as http
from gateway.context import Info
from gateway.schema.catalog import Lesson
from gateway.schema.convert import from_contract, to_contract
from gateway.schema.enums import GradeBand
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page


@strawberry.type
class Unit:
    id: strawberry.ID
    title: str
    lesson_ids: list[strawberry.ID]

    @strawberry.field(description="The unit's lessons in order, those the viewer may see.")
    async def lessons(self, info: Info) -> list[Lesson]:
        found = await info.context.loaders.lessons.load_many(list(self.lesson_ids))
        return [Lesson.of(lesson) for lesson in found if lesson is not None]

    @classmethod
    def of(cls, unit: http.Unit) -> Unit:
        return from_contract(cls, unit)


@strawberry.type
class Curriculum(Node):
    id: strawberry.ID
    title: str
    subject: str
    grade_band: GradeBand | None
    summary: str
    units: list[Unit]
    created_at: datetime

    @classmethod
    def of(cls, curriculum: http.Curriculum) -> Curriculum:
        return from_contract(cls, curriculum, units=[Unit.of(u) for u in curriculum.units])


@strawberry.input
class CreateCurriculumInput:
    title: str
    subject: str
    grade_band: GradeBand | None = None
    summary: str = ""

    def request(self) -> http.CurriculumCreate:
        return to_contract(http.CurriculumCreate, self)


CurriculumResult = Annotated[Curriculum | Failure, strawberry.union("CurriculumResult")]


@strawberry.type
class CurriculumQuery:
    @strawberry.field
    async def curriculum(self, info: Info, id: strawberry.ID) -> Curriculum:
        return await query(info.context.clients.catalog.get_curriculum(id), Curriculum.of)

    @strawberry.field(description="The district's curricula, oldest first.")
    async def curricula(
        self, info: Info, first: First = 20, after: After = None
    ) -> Connection[Curriculum]:
        asked = checked_page(first, after, info)
        call = info.context.clients.catalog.list_curricula(asked)
        return await query(call, lambda found: Connection.of(found, asked, Curriculum.of))


@strawberry.type
class CurriculumMutation:
    @strawberry.mutation(description="A district admin's: a curriculum with no units yet.")
    async def create_curriculum(
        self, info: Info, input: CreateCurriculumInput, idempotency_key: IdempotencyKey = None
    ) -> CurriculumResult:
        call = info.context.clients.catalog.create_curriculum(input.request(), idempotency_key)
        return await mutate(call, Curriculum.of)

    @strawberry.mutation(description="A unit at the end of the curriculum.")
    async def add_unit(
        self,
        info: Info,
        curriculum_id: strawberry.ID,
        title: str,
        idempotency_key: IdempotencyKey = None,
    ) -> CurriculumResult:
        unit = http.UnitCreate.model_construct(title=title)
        call = info.context.clients.catalog.add_unit(curriculum_id, unit, idempotency_key)
        return await mutate(call, Curriculum.of)

    @strawberry.mutation(
        description=(
            "One of the district's lessons at `position` of the unit (from 0; the end if"
            " omitted), moved from wherever it was in the curriculum."
        )
    )
    async def place_lesson(
        self,
        info: Info,
        curriculum_id: strawberry.ID,
        unit_id: strawberry.ID,
        lesson_id: strawberry.ID,
        position: int | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> CurriculumResult:
        placement = http.Placement.model_construct(position=position)
        call = info.context.clients.catalog.place_lesson(
            curriculum_id, unit_id, lesson_id, placement, idempotency_key
        )
        return await mutate(call, Curriculum.of)

    @strawberry.mutation
    async def remove_lesson_from_curriculum(
        self,
        info: Info,
        curriculum_id: strawberry.ID,
        lesson_id: strawberry.ID,
        idempotency_key: IdempotencyKey = None,
    ) -> CurriculumResult:
        call = info.context.clients.catalog.remove_from_curriculum(
            curriculum_id, lesson_id, idempotency_key
        )
        return await mutate(call, Curriculum.of)
