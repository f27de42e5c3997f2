"""Lessons: browsing, creating and publishing (the catalog service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import catalog as http
from bookend.http_contracts import paging
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract, to_contract
from gateway.schema.enums import ComponentKind, LessonStatus, ModeFit
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.upstream import Page


@strawberry.type
class LessonComponent(FromContract[http.Component]):
    id: strawberry.ID
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


@strawberry.type
class Lesson:
    id: strawberry.ID
    title: str
    subject: str
    summary: str
    status: LessonStatus
    version: int
    components: list[LessonComponent]
    published_at: datetime | None

    @classmethod
    def of(cls, lesson: http.Lesson) -> Lesson:
        return from_contract(
            cls, lesson, components=[LessonComponent.of(c) for c in lesson.components]
        )


async def load_lesson(info: Info, lesson_id: str) -> Lesson | None:
    """Through the request's loader: None when there is none the caller may see."""
    found = await info.context.loaders.lessons.load(lesson_id)
    return Lesson.of(found) if found is not None else None


@strawberry.type
class PageInfo(FromContract[paging.PageInfo]):
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class LessonConnection:
    nodes: list[Lesson]
    page_info: PageInfo

    @classmethod
    def of(cls, page: http.LessonPage) -> LessonConnection:
        return cls(
            nodes=[Lesson.of(lesson) for lesson in page.items],
            page_info=PageInfo.of(page.page_info),
        )


@strawberry.input
class ComponentInput:
    title: str
    kind: ComponentKind
    minutes: int
    mode_fit: ModeFit | None = strawberry.field(
        default=None, description="Defaults from the kind: live for discussion and feedback."
    )


@strawberry.input
class CreateLessonInput:
    title: str
    subject: str
    components: list[ComponentInput]
    summary: str = ""

    def request(self) -> http.LessonCreate:
        components = [to_contract(http.ComponentCreate, c) for c in self.components]
        return to_contract(http.LessonCreate, self, components=components)


CreateLessonResult = Annotated[Lesson | Failure, strawberry.union("CreateLessonResult")]
PublishLessonResult = Annotated[Lesson | Failure, strawberry.union("PublishLessonResult")]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    async def lesson(self, info: Info, id: strawberry.ID) -> Lesson | None:
        return await load_lesson(info, id)

    @strawberry.field
    async def lessons(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: LessonStatus | None = None,
        search: str | None = None,
    ) -> LessonConnection:
        call = info.context.clients.catalog.list_lessons(Page(first, after), status, search)
        return await query(call, LessonConnection.of)


@strawberry.type
class CatalogMutation:
    @strawberry.mutation
    async def create_lesson(
        self, info: Info, input: CreateLessonInput, idempotency_key: IdempotencyKey = None
    ) -> CreateLessonResult:
        call = info.context.clients.catalog.create_lesson(input.request(), idempotency_key)
        return await mutate(call, Lesson.of)

    @strawberry.mutation
    async def publish_lesson(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> PublishLessonResult:
        call = info.context.clients.catalog.publish_lesson(id, idempotency_key)
        return await mutate(call, Lesson.of)
