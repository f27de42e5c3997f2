"""Notes' HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bookend import cursors
from bookend.auth.fastapi import CurrentPrincipal
from bookend.cursors import Position
from bookend.hosting import RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import feedback as http
from bookend.http_contracts.paging import keyset_page
from services.feedback.notes import service
from services.feedback.notes.domain import Note
from services.feedback.notes.ports import Store
from services.feedback.settings import FeedbackSettings

State = Annotated[ServiceState[Store, FeedbackSettings], Depends(service_state)]

router = APIRouter()


def note_out(note: Note) -> http.Note:
    # The HTTP model's fields are the domain's attribute names.
    return http.Note.model_validate(note, from_attributes=True)


@router.post("/notes", status_code=201)
async def write_note(
    body: http.NoteCreate, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Note:
    """Staff of the section write to one student about a task or a live moment."""
    with answering(key, note_out, status=201):
        note = await service.write_note(
            student_id=body.student_id,
            text=body.text,
            task_id=body.task_id,
            session_id=body.session_id,
            at=body.at,
            principal=principal,
            store=state.store,
            clock=state.clock,
            ids=state.ids,
        )
    return note_out(note)


@router.get("/notes")
async def list_notes(
    principal: CurrentPrincipal,
    state: State,
    student_id: Annotated[str | None, Query(max_length=200)] = None,
    first: int = 20,
    after: Annotated[str | None, Query(max_length=500)] = None,
    total: bool = False,
) -> http.NotePage:
    """A student's own notes, or a guardian's child's (`student_id`), newest first."""
    page = await service.list_notes(
        student_id,
        first=first,
        after=cursors.decode(after) if after else None,
        total=total,
        principal=principal,
        reads=state.store,
    )
    ends, info = keyset_page(
        (Position(n.given_at, n.id) for n in page.notes),
        more=page.next is not None,
        total=page.total,
    )
    return http.NotePage(items=[note_out(n) for n in page.notes], page_info=info, cursors=ends)


@router.get("/notes/{note_id}")
async def get_note(note_id: str, principal: CurrentPrincipal, state: State) -> http.Note:
    note = await service.get_note(note_id, principal=principal, reads=state.store)
    return note_out(note)
