"""The curricula's HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import curricula as http
from bookend.http_contracts.paging import PageInfo
from services.catalog.curricula import service
from services.catalog.curricula.domain import Curriculum, CurriculumDraft
from services.catalog.curricula.ports import Store
from services.catalog.settings import CatalogSettings

State = Annotated[ServiceState[Store, CatalogSettings], Depends(service_state)]

router = APIRouter()


def curriculum_out(curriculum: Curriculum) -> http.Curriculum:
    # The HTTP model's fields are the domain's attribute names, units included.
    return http.Curriculum.model_validate(curriculum, from_attributes=True)


@router.post("/curricula", status_code=201)
async def create_curriculum(
    body: http.CurriculumCreate, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Curriculum:
    draft = CurriculumDraft(body.title, body.subject, body.grade_band, body.summary)
    with answering(key, curriculum_out, status=201):
        curriculum = await service.create_curriculum(
            draft, principal=principal, store=state.store, clock=state.clock, ids=state.ids
        )
    return curriculum_out(curriculum)


@router.post("/curricula/{curriculum_id}/units")
async def add_unit(
    curriculum_id: str,
    body: http.UnitCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Curriculum:
    with answering(key, curriculum_out):
        curriculum = await service.add_unit(
            curriculum_id, body.title, principal=principal, store=state.store, ids=state.ids
        )
    return curriculum_out(curriculum)


@router.put("/curricula/{curriculum_id}/units/{unit_id}/lessons/{lesson_id}")
async def place_lesson(
    curriculum_id: str,
    unit_id: str,
    lesson_id: str,
    body: http.Placement,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Curriculum:
    """The lesson at `position` of the unit, moved from wherever it was in the curriculum."""
    with answering(key, curriculum_out):
        curriculum = await service.place_lesson(
            curriculum_id,
            unit_id,
            lesson_id,
            body.position,
            principal=principal,
            store=state.store,
        )
    return curriculum_out(curriculum)


@router.delete("/curricula/{curriculum_id}/lessons/{lesson_id}")
async def remove_lesson(
    curriculum_id: str, lesson_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Curriculum:
    with answering(key, curriculum_out):
        curriculum = await service.remove_lesson(
            curriculum_id, lesson_id, principal=principal, store=state.store
        )
    return curriculum_out(curriculum)


@router.get("/curricula/{curriculum_id}")
async def get_curriculum(
    curriculum_id: str, principal: CurrentPrincipal, state: State
) -> http.Curriculum:
    found = await service.get_curriculum(curriculum_id, principal=principal, store=state.store)
    return curriculum_out(found)


@router.get("/curricula")
async def list_curricula(
    principal: CurrentPrincipal,
    state: State,
    first: int = service.DEFAULT_PAGE_SIZE,
    after: str | None = None,
    total: bool = False,
) -> http.CurriculumPage:
    page = await service.list_curricula(
        principal=principal, store=state.store, first=first, after=after, total=total
    )
    end = page.cursors[-1] if page.cursors else None
    return http.CurriculumPage(
        items=[curriculum_out(c) for c in page.items],
        page_info=PageInfo(
            has_next_page=page.has_next_page, end_cursor=end, total_count=page.total
        ),
        cursors=page.cursors,
    )
