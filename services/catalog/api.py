"""The catalog's HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from bookend.auth.fastapi import CurrentPrincipal
from bookend.contracts.catalog import LessonStatus
from bookend.hosting import RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import catalog as http
from bookend.http_contracts.paging import PageInfo
from services.catalog import domain, service
from services.catalog.ports import Store
from services.catalog.settings import CatalogSettings

State = Annotated[ServiceState[Store, CatalogSettings], Depends(service_state)]

router = APIRouter()


def draft_of(body: http.LessonCreate) -> domain.LessonDraft:
    return domain.LessonDraft(
        title=body.title,
        subject=body.subject,
        summary=body.summary,
        components=tuple(
            domain.ComponentDraft(
                title=c.title, kind=c.kind, minutes=c.minutes, mode_fit=c.mode_fit
            )
            for c in body.components
        ),
    )


def lesson_out(lesson: domain.Lesson) -> http.Lesson:
    # The HTTP model's fields are the domain's attribute names, components included.
    return http.Lesson.model_validate(lesson, from_attributes=True)


@router.post("/lessons", status_code=201)
async def create_lesson(
    body: http.LessonCreate, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Lesson:
    with answering(key, lesson_out, status=201):
        lesson = await service.create_lesson(
            draft_of(body), principal=principal, store=state.store, clock=state.clock, ids=state.ids
        )
    return lesson_out(lesson)


@router.post("/lessons/{lesson_id}/publish")
async def publish_lesson(
    lesson_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Lesson:
    with answering(key, lesson_out):
        lesson = await service.publish_lesson(
            lesson_id, principal=principal, store=state.store, clock=state.clock
        )
    return lesson_out(lesson)


@router.get("/lessons/{lesson_id}")
async def get_lesson(lesson_id: str, principal: CurrentPrincipal, state: State) -> http.Lesson:
    return lesson_out(await service.get_lesson(lesson_id, principal=principal, store=state.store))


@router.get("/lessons")
async def list_lessons(
    principal: CurrentPrincipal,
    state: State,
    status: LessonStatus | None = None,
    q: str | None = None,
    first: int = service.DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> http.LessonPage:
    page = await service.list_lessons(
        principal=principal, store=state.store, status=status, q=q, first=first, after=after
    )
    return http.LessonPage(
        items=[lesson_out(lesson) for lesson in page.items],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
    )
