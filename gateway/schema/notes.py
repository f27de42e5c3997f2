"""Teacher notes: staff write to one student about a task or a live moment; the student and
their guardians read them, and see them arrive (ADR 0035)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from bookend.contracts import EventData
from bookend.contracts.feedback import NoteGiven
from bookend.http_contracts import feedback as http
from gateway.context import Context, Info
from gateway.hub import Same
from gateway.schema.convert import FromContract, to_contract
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.feedback import _before, _events
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.upstream import Page, UpstreamFailure, UpstreamUnavailable

log = logging.getLogger(__name__)


@strawberry.type(description="A note from staff to one student: theirs and their guardians'.")
class Note(Node, FromContract[http.Note]):
    id: strawberry.ID
    student_id: strawberry.ID
    section_id: strawberry.ID
    author_id: strawberry.ID
    text: str
    task_id: strawberry.ID | None
    session_id: strawberry.ID | None
    at: datetime | None = strawberry.field(description="The live moment it is about, if given.")
    given_at: datetime


@strawberry.input(
    description=(
        "A note to one student about a task (taskId) or a live moment of a session (sessionId, "
        "once it started; `at` within it if given): one of the two. 1 to 2,000 characters; at "
        "most 20 notes to a student about one task or session."
    )
)
class WriteNoteInput:
    student_id: strawberry.ID
    text: str
    task_id: strawberry.ID | None = None
    session_id: strawberry.ID | None = None
    at: datetime | None = None


@strawberry.type(description="The viewer's latest notes (up to 20), newest first.")
class NotesSoFar:
    notes: list[Note]


@strawberry.type
class NoteReceived:
    note: Note


NoteResult = Annotated[Note | Failure, strawberry.union("NoteResult")]
NoteEvent = Annotated[NotesSoFar | NoteReceived, strawberry.union("NoteEvent")]
STUDENT_ID = (
    "The student whose notes: yours if you are a student (leave it out); a child's, for a "
    "guardian (required)."
)
StudentId = Annotated[strawberry.ID | None, strawberry.argument(description=STUDENT_ID)]
SO_FAR = 20


@strawberry.type
class NoteQuery:
    @strawberry.field(description="A student's notes, newest first: yours, or your child's.")
    async def notes(
        self, info: Info, student_id: StudentId = None, first: First = 20, after: After = None
    ) -> Connection[Note]:
        asked = checked_page(first, after, info)
        call = info.context.clients.feedback.list_notes(student_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, Note.of))


@strawberry.type
class NoteMutation:
    @strawberry.mutation(description="Staff of the section write a note to one student.")
    async def write_note(
        self, info: Info, input: WriteNoteInput, idempotency_key: IdempotencyKey = None
    ) -> NoteResult:
        body = to_contract(http.NoteCreate, input)
        call = info.context.clients.feedback.write_note(body, idempotency_key)
        return await mutate(call, Note.of)


@strawberry.type
class NoteSubscription:
    @strawberry.subscription(
        description=(
            "A student's notes: the latest ones now, then each new one as it is written. Yours, "
            "or (for a guardian) a child's."
        )
    )
    async def my_notes(
        self, info: Info, student_id: StudentId = None
    ) -> AsyncGenerator[NoteEvent, None]:
        ctx = info.context
        principal = ctx.caller.principal
        wanted = student_id or principal.subject

        def accepts(payload: EventData) -> bool:
            return (
                isinstance(payload, NoteGiven)
                and payload.district_id == principal.district
                and payload.student_id == wanted
            )

        # Listen first, then read the notes so far: nothing slips between. Feedback decides
        # who may read them; its refusal ends the stream here.
        async with ctx.hub.subscribe(accepts) as subscriber:
            call = ctx.clients.feedback.list_notes(student_id, Page(SO_FAR))
            yield await query(call, lambda page: NotesSoFar(notes=[Note.of(n) for n in page.items]))
            events = _events(subscriber)
            while True:
                payload = await _before(ctx.caller.expires_at, anext(events))
                assert isinstance(payload, NoteGiven)
                received = await _note(payload, ctx)
                if received is not None:
                    yield received


async def _note(payload: NoteGiven, ctx: Context) -> NoteReceived | None:
    """Fetched with the subscriber's own rights, once per person (not per audience: whether a
    note is theirs to read depends on who they are)."""
    key = (Same(payload), ctx.caller.principal)
    return await ctx.hub.resolutions.once(key, lambda: _fetch(payload, ctx))


async def _fetch(payload: NoteGiven, ctx: Context) -> NoteReceived | None:
    """A passing failure of feedback is retried; then the note is left out of the stream (the
    `notes` query still has it) rather than ending it."""
    for pause in (0.1, 0.3, 0.9):
        try:
            return NoteReceived(note=Note.of(await ctx.clients.feedback.get_note(payload.note_id)))
        except UpstreamFailure:
            return None  # not theirs to read
        except UpstreamUnavailable:
            await asyncio.sleep(pause)
    log.warning("note %s left out of a stream: feedback is unavailable", payload.note_id)
    return None
