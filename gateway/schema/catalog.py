"""Lessons: browsing, creating and publishing (the catalog service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import catalog as http
from bookend.http_contracts import paging
from gateway.context import Info
from gateway.schema.enums import ComponentKind, LessonStatus, ModeFit
from gateway.schema.errors import Failure, mutate, query


@strawberry.type
class LessonComponent:
    id: strawberry.ID
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int

    @classmethod
    def of(cls, component: http.Component) -> LessonComponent:
        return cls(
            id=strawberry.ID(component.id),
            title=component.title,
            kind=component.kind,
            mode_fit=component.mode_fit,
            minutes=component.minutes,
        )


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
        return cls(
            id=strawberry.ID(lesson.id),
            title=lesson.title,
            subject=lesson.subject,
            summary=lesson.summary,
            status=lesson.status,
            version=lesson.version,
            components=[LessonComponent.of(c) for c in lesson.components],
            published_at=lesson.published_at,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None

    @classmethod
    def of(cls, page: paging.PageInfo) -> PageInfo:
        return cls(has_next_page=page.has_next_page, end_cursor=page.end_cursor)


@strawberry.type
class LessonConnection:
    nodes: list[Lesson]
    page_info: PageInfo


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
        # Built without validation: the catalog checks its own input, so a refusal names the
        # field and rule the same way for every client (ADR 0009).
        return http.LessonCreate.model_construct(
            title=self.title,
            subject=self.subject,
            summary=self.summary,
            components=[
                http.ComponentCreate.model_construct(
                    title=c.title, kind=c.kind, minutes=c.minutes, mode_fit=c.mode_fit
                )
                for c in self.components
            ],
        )


CreateLessonResult = Annotated[Lesson | Failure, strawberry.union("CreateLessonResult")]
PublishLessonResult = Annotated[Lesson | Failure, strawberry.union("PublishLessonResult")]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    async def lesson(self, info: Info, id: strawberry.ID) -> Lesson | None:
        found = await info.context.loaders.lessons.load(str(id))
        return Lesson.of(found) if found is not None else None

    @strawberry.field
    async def lessons(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: LessonStatus | None = None,
        search: str | None = None,
    ) -> LessonConnection:
        ctx = info.context
        page = await query(
            ctx.clients.catalog.list_lessons(
                token=ctx.caller.token, first=first, after=after, status=status, search=search
            )
        )
        return LessonConnection(
            nodes=[Lesson.of(lesson) for lesson in page.items],
            page_info=PageInfo.of(page.page_info),
        )


@strawberry.type
class CatalogMutation:
    @strawberry.mutation
    async def create_lesson(self, info: Info, input: CreateLessonInput) -> CreateLessonResult:
        ctx = info.context
        return await mutate(
            ctx.clients.catalog.create_lesson(input.request(), token=ctx.caller.token), Lesson.of
        )

    @strawberry.mutation
    async def publish_lesson(self, info: Info, id: strawberry.ID) -> PublishLessonResult:
        ctx = info.context
        return await mutate(
            ctx.clients.catalog.publish_lesson(id, token=ctx.caller.token), Lesson.of
        )
