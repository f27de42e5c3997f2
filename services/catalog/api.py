"""The catalog's HTTP routes: thin adapters from JSON to use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from bookend.auth.fastapi import CurrentPrincipal
from services.catalog import domain, service
from services.catalog.domain import LessonStatus
from services.catalog.store import CatalogStore
from bookend.contracts.catalog import ComponentKind, ModeFit

router = APIRouter()


def _store(request: Request) -> CatalogStore:
    store: CatalogStore = request.app.state.store
    return store


Store = Annotated[CatalogStore, Depends(_store)]


class ComponentCreate(BaseModel):
    title: str
    kind: ComponentKind
    mode_fit: ModeFit | None = None
    minutes: int


class LessonCreate(BaseModel):
    # Blank titles, component counts and minutes are domain rules (not_empty, min_items,
    # max_items, range), so the error names the same rule wherever the lesson comes from.
    title: str
    subject: str
    summary: str = ""
    components: list[ComponentCreate]

    def to_draft(self) -> domain.LessonDraft:
        return domain.LessonDraft(
            title=self.title,
            subject=self.subject,
            summary=self.summary,
            components=tuple(
                domain.ComponentDraft(
                    title=c.title, kind=c.kind, minutes=c.minutes, mode_fit=c.mode_fit
                )
                for c in self.components
            ),
        )


class Component(BaseModel):
    id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


class Lesson(BaseModel):
    id: str
    district_id: str
    title: str
    subject: str
    summary: str
    status: LessonStatus
    version: int
    components: list[Component]
    created_by: str
    created_at: datetime
    published_at: datetime | None

    @classmethod
    def of(cls, lesson: domain.Lesson) -> Lesson:
        return cls(
            id=lesson.id,
            district_id=lesson.district_id,
            title=lesson.title,
            subject=lesson.subject,
            summary=lesson.summary,
            status=lesson.status,
            version=lesson.version,
            components=[
                Component(id=c.id, title=c.title, kind=c.kind, mode_fit=c.mode_fit,
                          minutes=c.minutes)
                for c in lesson.components
            ],
            created_by=lesson.created_by,
            created_at=lesson.created_at,
            published_at=lesson.published_at,
        )


class PageInfo(BaseModel):
    has_next_page: bool
    end_cursor: str | None


class LessonPage(BaseModel):
    items: list[Lesson]
    page_info: PageInfo


@router.post("/lessons", status_code=201, response_model=Lesson)
async def create_lesson(body: LessonCreate, principal: CurrentPrincipal, store: Store) -> Lesson:
    return Lesson.of(
        await service.create_lesson(body.to_draft(), principal=principal, store=store)
    )


@router.post("/lessons/{lesson_id}/publish", response_model=Lesson)
async def publish_lesson(lesson_id: str, principal: CurrentPrincipal, store: Store) -> Lesson:
    return Lesson.of(await service.publish_lesson(lesson_id, principal=principal, store=store))


@router.get("/lessons/{lesson_id}", response_model=Lesson)
async def get_lesson(lesson_id: str, principal: CurrentPrincipal, store: Store) -> Lesson:
    return Lesson.of(await service.get_lesson(lesson_id, principal=principal, store=store))


@router.get("/lessons", response_model=LessonPage)
async def list_lessons(
    principal: CurrentPrincipal,
    store: Store,
    status: LessonStatus | None = None,
    q: str | None = None,
    first: int = service.DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> LessonPage:
    page = await service.list_lessons(
        principal=principal, store=store, status=status, q=q, first=first, after=after
    )
    return LessonPage(
        items=[Lesson.of(lesson) for lesson in page.items],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
    )
