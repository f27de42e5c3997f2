"""Lessons: browsing, creating and publishing (the catalog service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from gateway.context import Info
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.scalars import instant
from bookend.contracts.catalog import ComponentKind, ModeFit

# The schema exposes the contract enums themselves. `strawberry.enum` registers an existing enum
# in place and returns the same class, so the annotations below name the contract types directly.
strawberry.enum(ComponentKind)
strawberry.enum(ModeFit)


@strawberry.type
class LessonComponent:
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
    status: str
    version: int
    components: list[LessonComponent]
    published_at: datetime | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lesson:
        return cls(
            id=strawberry.ID(data["id"]), title=data["title"], subject=data["subject"],
            summary=data.get("summary", ""), status=data["status"], version=data["version"],
            components=[
                LessonComponent(
                    id=strawberry.ID(c["id"]), title=c["title"], kind=ComponentKind(c["kind"]),
                    mode_fit=ModeFit(c["mode_fit"]), minutes=c["minutes"],
                )
                for c in data["components"]
            ],
            published_at=instant(data.get("published_at")),
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


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


CreateLessonResult = Annotated[Lesson | Failure, strawberry.union("CreateLessonResult")]
PublishLessonResult = Annotated[Lesson | Failure, strawberry.union("PublishLessonResult")]


def _lesson_or_failure(result: dict[str, Any] | Failure) -> Lesson | Failure:
    return Lesson.from_json(result) if isinstance(result, dict) else result


@strawberry.type
class CatalogQuery:
    @strawberry.field
    async def lesson(self, info: Info, id: strawberry.ID) -> Lesson | None:
        data = await info.context.lessons.load(str(id))
        return Lesson.from_json(data) if data else None

    @strawberry.field
    async def lessons(
        self, info: Info, first: int = 20, after: str | None = None,
        status: str | None = None, search: str | None = None,
    ) -> LessonConnection:
        ctx = info.context
        data = await query(
            ctx.upstreams.catalog.call(
                "GET", "/lessons", token=ctx.caller.token,
                params={"first": first, "after": after, "status": status, "q": search},
            )
        )
        return LessonConnection(
            nodes=[Lesson.from_json(item) for item in data["items"]],
            page_info=PageInfo(
                has_next_page=data["page_info"]["has_next_page"],
                end_cursor=data["page_info"]["end_cursor"],
            ),
        )


@strawberry.type
class CatalogMutation:
    @strawberry.mutation
    async def create_lesson(self, info: Info, input: CreateLessonInput) -> CreateLessonResult:
        ctx = info.context
        body = {
            "title": input.title, "subject": input.subject, "summary": input.summary,
            "components": [
                {"title": c.title, "kind": c.kind.value, "minutes": c.minutes,
                 **({"mode_fit": c.mode_fit.value} if c.mode_fit else {})}
                for c in input.components
            ],
        }
        return _lesson_or_failure(
            await mutate(
                ctx.upstreams.catalog.call("POST", "/lessons", token=ctx.caller.token, json=body)
            )
        )

    @strawberry.mutation
    async def publish_lesson(self, info: Info, id: strawberry.ID) -> PublishLessonResult:
        ctx = info.context
        return _lesson_or_failure(
            await mutate(
                ctx.upstreams.catalog.call("POST", f"/lessons/{id}/publish", token=ctx.caller.token)
            )
        )
