"""Prompts (checks for understanding) in a live session: staff open, close and reveal them,
students answer; and the frames a session's event stream shows of them (ADR 0034)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Annotated

import strawberry

from bookend.contracts import EventData
from bookend.contracts import feedback as contract
from bookend.http_contracts import prompts as http
from gateway.clients import Clients, FeedbackClient
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import PromptKind, PromptStatus
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import MAX_FIRST, After, Connection, First, checked_page
from gateway.upstream import Page, UpstreamFailure, UpstreamUnavailable

log = logging.getLogger(__name__)

# The events a live session's stream shows of its prompts; who sees which is decided by
# `shows_prompt_event`.
PROMPT_EVENTS = (
    contract.PromptOpened,
    contract.PromptAnswered,
    contract.PromptClosed,
    contract.PromptRevealed,
)


@strawberry.type(
    description=(
        "A prompt's aggregate, never who answered what: how many of the students expected "
        "answered while it was open, how many chose each of its choices (in order; none for "
        "short text), and how many answered later, as on-demand work."
    )
)
class PromptResults(FromContract[contract.PromptResults]):
    answered: int
    expected: int
    counts: list[int]
    late_answered: int
    revision: int = strawberry.field(
        description="Grows with every change: keep the highest seen, whatever order frames come."
    )


@strawberry.type
class PromptAnswer(FromContract[http.PromptAnswer]):
    prompt_id: strawberry.ID
    student_id: strawberry.ID
    choice: int | None = strawberry.field(description="An index into the prompt's choices.")
    text: str | None = strawberry.field(description="A short-text prompt's answer.")
    answered_at: datetime
    late: bool = strawberry.field(
        description="Given after the prompt closed, as on-demand work left to an absent student."
    )


@strawberry.type(
    description=(
        "A check for understanding in a live session. Thumbs (choices up, down), the "
        "understanding scale (choices 1 to 4), multiple choice (the teacher's options) or short "
        "text; answered with a choice's index, or text."
    )
)
class Prompt(Node):
    id: strawberry.ID
    session_id: strawberry.ID
    section_id: strawberry.ID
    kind: PromptKind
    question: str
    choices: list[str]
    status: PromptStatus
    opened_at: datetime
    closed_at: datetime | None
    revealed_at: datetime | None
    results: PromptResults | None = strawberry.field(
        description="For the section's staff; for its students once revealed."
    )
    not_answered: list[strawberry.ID] | None = strawberry.field(
        description="For staff: the students expected who have not answered."
    )
    own_answer: PromptAnswer | None = strawberry.field(description="For a student: yours.")
    assigned: bool = strawberry.field(
        description="For a student: left to you as on-demand work, since you missed the session."
    )

    @classmethod
    def of(cls, prompt: http.Prompt, *, shared: bool = False) -> Prompt:
        """`shared`: shown to everyone of an audience, so nothing of one reader's own."""
        own = None if shared or prompt.own_answer is None else PromptAnswer.of(prompt.own_answer)
        return from_contract(
            cls,
            prompt,
            results=PromptResults.of(prompt.results) if prompt.results is not None else None,
            not_answered=(
                [strawberry.ID(s) for s in prompt.not_answered]
                if prompt.not_answered is not None
                else None
            ),
            own_answer=own,
            assigned=prompt.assigned and not shared,
        )


@strawberry.type(description="A prompt opened; first, for a late joiner, each one as it stands.")
class PromptPosted:
    prompt: Prompt


@strawberry.type(description="For staff: a student answered, and the prompt's aggregate now.")
class PromptAnswerReceived:
    prompt_id: strawberry.ID
    session_id: strawberry.ID
    student_id: strawberry.ID
    late: bool
    # Always given; nullable as PromptStatusChanged's is, so one selection reads both.
    results: PromptResults | None


@strawberry.type(
    description=(
        "A prompt closed or was revealed; `results` for staff, and for students once revealed."
    )
)
class PromptStatusChanged:
    prompt_id: strawberry.ID
    session_id: strawberry.ID
    # Not `status`: a selection of the stream's union reads SessionStatusChanged's beside it.
    prompt_status: PromptStatus
    revealed: bool
    at: datetime
    results: PromptResults | None


PromptFrame = PromptPosted | PromptAnswerReceived | PromptStatusChanged
PromptResult = Annotated[Prompt | Failure, strawberry.union("PromptResult")]
PromptAnswerResult = Annotated[PromptAnswer | Failure, strawberry.union("PromptAnswerResult")]


@strawberry.type
class PromptQuery:
    @strawberry.field(
        description=(
            "A live session's prompts in the order they opened (Relay paging): with results and"
            " who has not answered for the section's staff; with your answer (and results once"
            " revealed) for a student of the section."
        )
    )
    async def session_prompts(
        self, info: Info, session_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[Prompt]:
        asked = checked_page(first, after, info)
        call = info.context.clients.feedback.list_session_prompts(session_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, Prompt.of))

    @strawberry.field(description="A prompt of one of your sections (e.g. from your feed).")
    async def prompt(self, info: Info, id: strawberry.ID) -> Prompt:
        return await query(info.context.clients.feedback.get_prompt(id), Prompt.of)

    @strawberry.field(
        description=(
            "Who answered what, short texts included, by student (Relay paging): the"
            " section's staff."
        )
    )
    async def prompt_answers(
        self, info: Info, prompt_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[PromptAnswer]:
        asked = checked_page(first, after, info)
        call = info.context.clients.feedback.list_prompt_answers(prompt_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, PromptAnswer.of))


@strawberry.type
class PromptMutation:
    @strawberry.mutation(
        description=(
            "Open a prompt in a live session of your section (staff). A question of at most 500 "
            "characters; options (2 to 10, at most 200 characters each, all different) for "
            "multiple choice only; at most 50 prompts a session."
        )
    )
    async def open_prompt(
        self,
        info: Info,
        session_id: strawberry.ID,
        kind: PromptKind,
        question: str,
        options: list[str] | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> PromptResult:
        # Unvalidated here: feedback checks its own input (ADR 0009).
        prompt = http.PromptCreate.model_construct(
            kind=kind, question=question, options=options or []
        )
        call = info.context.clients.feedback.open_prompt(session_id, prompt, idempotency_key)
        return await mutate(call, Prompt.of)

    @strawberry.mutation(description="Stop taking answers (again: nothing changes).")
    async def close_prompt(self, info: Info, prompt_id: strawberry.ID) -> PromptResult:
        return await mutate(info.context.clients.feedback.close_prompt(prompt_id), Prompt.of)

    @strawberry.mutation(
        description=(
            "Show the prompt's aggregate to the class, anonymously (counts only); an open prompt "
            "is closed first, so what the class sees is final."
        )
    )
    async def reveal_prompt_results(self, info: Info, prompt_id: strawberry.ID) -> PromptResult:
        call = info.context.clients.feedback.reveal_prompt_results(prompt_id)
        return await mutate(call, Prompt.of)

    @strawberry.mutation(
        description=(
            "Your answer, as a student of the section: a choice (an index into the prompt's "
            "choices) or text (short text, at most 1,000 characters). Taken while the prompt is "
            "open, replacing your earlier answer; after it closed only if it was left to you. "
            "The same answer again changes nothing."
        )
    )
    async def answer_prompt(
        self,
        info: Info,
        prompt_id: strawberry.ID,
        choice: int | None = None,
        text: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> PromptAnswerResult:
        answer = http.PromptAnswerCreate.model_construct(choice=choice, text=text)
        call = info.context.clients.feedback.answer_prompt(prompt_id, answer, idempotency_key)
        return await mutate(call, PromptAnswer.of)


# --- a live session's stream ------------------------------------------------------------------


def is_prompt_event(payload: EventData) -> bool:
    return isinstance(payload, PROMPT_EVENTS)


def shows_prompt_event(payload: EventData, session_id: str, *, staff: bool) -> bool | None:
    """Whether a session's subscriber sees a prompt event (None: not a prompt event). Staff see
    every answer come; students see prompts open, close and revealed, never the answers."""
    if not isinstance(payload, PROMPT_EVENTS):
        return None
    if isinstance(payload, contract.PromptAnswered) and not staff:
        return False
    return payload.session_id == session_id


async def prompts_now(clients: Clients, session_id: str) -> list[PromptPosted]:
    """The session's prompts as they stand, read with the subscriber's own rights: what a late
    joiner starts from. None before the session has a live channel. Every page of them: a
    session has at most 50 prompts (feedback's bound), so one page of 100 holds them all."""
    posted: list[PromptPosted] = []
    page = Page(MAX_FIRST)
    while True:
        try:
            listing = await clients.feedback.list_session_prompts(session_id, page)
        except UpstreamFailure:
            return []  # no channel yet: the session has not started
        posted += [PromptPosted(prompt=Prompt.of(prompt)) for prompt in listing.items]
        if not listing.page_info.has_next_page:
            return posted
        page = Page(MAX_FIRST, listing.page_info.end_cursor)


async def prompt_frame(
    payload: EventData, feedback: FeedbackClient, *, staff: bool
) -> PromptFrame | None:
    """One frame per event and audience (ADR 0018): read from the event but for an opened
    prompt's question, fetched once, with nothing of the fetching reader's own."""
    if isinstance(payload, contract.PromptOpened):
        return await _posted(payload, feedback)
    if isinstance(payload, contract.PromptAnswered):
        return PromptAnswerReceived(
            prompt_id=strawberry.ID(payload.prompt_id),
            session_id=strawberry.ID(payload.session_id),
            student_id=strawberry.ID(payload.student_id),
            late=payload.late,
            results=PromptResults.of(payload.results),
        )
    if isinstance(payload, contract.PromptClosed):
        return PromptStatusChanged(
            prompt_id=strawberry.ID(payload.prompt_id),
            session_id=strawberry.ID(payload.session_id),
            prompt_status=PromptStatus.CLOSED,
            revealed=False,
            at=payload.closed_at,
            results=PromptResults.of(payload.results) if staff else None,
        )
    if isinstance(payload, contract.PromptRevealed):
        return PromptStatusChanged(
            prompt_id=strawberry.ID(payload.prompt_id),
            session_id=strawberry.ID(payload.session_id),
            prompt_status=PromptStatus.CLOSED,
            revealed=True,
            at=payload.revealed_at,
            results=PromptResults.of(payload.results),
        )
    return None


async def _posted(payload: contract.PromptOpened, feedback: FeedbackClient) -> PromptPosted | None:
    """The question stays out of events: fetch the prompt. A passing failure of the feedback
    service is retried; then the frame is left out (the prompt is in `sessionPrompts`), rather
    than ending the stream."""
    for pause in (0.1, 0.3, 0.9):
        try:
            return PromptPosted(
                prompt=Prompt.of(await feedback.get_prompt(payload.prompt_id), shared=True)
            )
        except UpstreamFailure:
            return None  # gone, or not visible to this audience
        except UpstreamUnavailable:
            await asyncio.sleep(pause)
    log.warning("prompt %s opened without a frame: feedback is unavailable", payload.prompt_id)
    return None
