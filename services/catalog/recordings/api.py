"""The recordings' HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bookend import cursors
from bookend.auth.fastapi import CurrentPrincipal
from bookend.cursors import Position
from bookend.hosting import RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import recordings as http
from bookend.http_contracts.paging import keyset_page
from services.catalog.lessons.media import Captions, MediaVariant
from services.catalog.recordings import service
from services.catalog.recordings.domain import Chapter, Recording, RecordingDraft
from services.catalog.recordings.ports import Store
from services.catalog.settings import CatalogSettings

State = Annotated[ServiceState[Store, CatalogSettings], Depends(service_state)]

router = APIRouter()


def draft_of(body: http.RecordingCreate) -> RecordingDraft:
    return RecordingDraft(
        url=body.url,
        duration_seconds=body.duration_seconds,
        bytes=body.bytes,
        title=body.title,
        chapters=tuple(Chapter(c.title, c.starts_at_second) for c in body.chapters),
        captions=tuple(Captions(c.language, c.url) for c in body.captions),
        variants=tuple(MediaVariant(v.kind, v.url, v.bytes) for v in body.variants),
        downloadable=body.downloadable,
    )


def recording_out(recording: Recording) -> http.Recording:
    # The HTTP model's fields are the domain's attribute names, media and chapters included.
    return http.Recording.model_validate(recording, from_attributes=True)


@router.post("/sessions/{session_id}/recording", status_code=201)
async def attach_recording(
    session_id: str,
    body: http.RecordingCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Recording:
    with answering(key, recording_out, status=201):
        recording = await service.attach_recording(
            session_id,
            draft_of(body),
            principal=principal,
            store=state.store,
            clock=state.clock,
            ids=state.ids,
        )
    return recording_out(recording)


@router.get("/sessions/{session_id}/recording")
async def get_session_recording(
    session_id: str, principal: CurrentPrincipal, state: State
) -> http.Recording:
    found = await service.get_session_recording(session_id, principal=principal, store=state.store)
    return recording_out(found)


@router.get("/lessons/{lesson_id}/recordings")
async def list_lesson_recordings(
    lesson_id: str,
    principal: CurrentPrincipal,
    state: State,
    first: int = 20,
    after: Annotated[str | None, Query(max_length=500)] = None,
    total: bool = False,
) -> http.RecordingPage:
    page = await service.list_lesson_recordings(
        lesson_id,
        first=first,
        after=cursors.decode(after) if after else None,
        total=total,
        principal=principal,
        store=state.store,
    )
    ends, info = keyset_page(
        (Position(r.published_at, r.id) for r in page.recordings),
        more=page.next is not None,
        total=page.total,
    )
    return http.RecordingPage(
        items=[recording_out(r) for r in page.recordings], page_info=info, cursors=ends
    )
