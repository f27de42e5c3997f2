"""Prompts' HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from bookend.auth.fastapi import CurrentPrincipal
from bookend.contracts.feedback import PromptResults
from bookend.hosting import AskedPage, RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import prompts as http
from services.feedback.prompts import domain, service
from services.feedback.prompts.ports import Store
from services.feedback.settings import FeedbackSettings

State = Annotated[ServiceState[Store, FeedbackSettings], Depends(service_state)]

router = APIRouter()


def results_of(prompt: domain.Prompt) -> PromptResults:
    tally = prompt.tally
    return PromptResults(
        answered=tally.answered,
        expected=prompt.expected,
        counts=list(tally.counts),
        late_answered=tally.late_answered,
        revision=tally.revision,
    )


def answer_out(answer: domain.Answer) -> http.PromptAnswer:
    # The HTTP model's fields are the domain's attribute names.
    return http.PromptAnswer.model_validate(answer, from_attributes=True)


def prompt_out(view: service.PromptView) -> http.Prompt:
    prompt = view.prompt
    return http.Prompt(
        id=prompt.id,
        session_id=prompt.session_id,
        section_id=prompt.section_id,
        kind=prompt.kind,
        question=prompt.question,
        choices=list(prompt.choices),
        status=prompt.status,
        opened_at=prompt.opened_at,
        closed_at=prompt.closed_at,
        revealed_at=prompt.revealed_at,
        results=results_of(prompt) if view.shows_results else None,
        not_answered=view.not_answered,
        own_answer=answer_out(view.own) if view.own is not None else None,
        assigned=view.assigned,
    )


@router.post("/sessions/{session_id}/prompts", status_code=201)
async def open_prompt(
    session_id: str,
    body: http.PromptCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Prompt:
    """Open a prompt in the live session (the section's staff)."""
    draft = domain.PromptDraft(body.kind, body.question, tuple(body.options))
    with answering(key, prompt_out, status=201):
        view = await service.open_session_prompt(
            session_id,
            draft,
            principal=principal,
            store=state.store,
            clock=state.clock,
            ids=state.ids,
        )
    return prompt_out(view)


@router.get("/sessions/{session_id}/prompts")
async def list_session_prompts(
    session_id: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.PromptPage:
    """A page of the session's prompts in the order they opened, as the caller may see them."""
    page = await service.list_session_prompts(
        session_id, asked, principal=principal, store=state.store
    )
    return http.PromptPage.of(page, prompt_out)


@router.get("/prompts/{prompt_id}")
async def get_prompt(prompt_id: str, principal: CurrentPrincipal, state: State) -> http.Prompt:
    view = await service.get_prompt(prompt_id, principal=principal, store=state.store)
    return prompt_out(view)


@router.post("/prompts/{prompt_id}/close")
async def close_prompt(prompt_id: str, principal: CurrentPrincipal, state: State) -> http.Prompt:
    """Stop taking answers (closing a closed prompt changes nothing)."""
    view = await service.close_prompt(
        prompt_id, principal=principal, store=state.store, clock=state.clock
    )
    return prompt_out(view)


@router.post("/prompts/{prompt_id}/reveal")
async def reveal_results(prompt_id: str, principal: CurrentPrincipal, state: State) -> http.Prompt:
    """Show the aggregate to the class, anonymously; an open prompt is closed first."""
    view = await service.reveal_results(
        prompt_id, principal=principal, store=state.store, clock=state.clock
    )
    return prompt_out(view)


@router.post("/prompts/{prompt_id}/answers", status_code=201)
async def answer_prompt(
    prompt_id: str,
    body: http.PromptAnswerCreate,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
    key: RequestKey,
) -> http.PromptAnswer:
    """The calling student's answer (201; 200 for the same answer recorded before)."""

    def render(view: service.AnswerView) -> http.PromptAnswer:
        return answer_out(view.answer)

    with answering(key, render, status=201):
        view = await service.answer_prompt(
            prompt_id,
            choice=body.choice,
            text=body.text,
            principal=principal,
            store=state.store,
            clock=state.clock,
        )
    if view.repeated:
        response.status_code = 200
    return answer_out(view.answer)


@router.get("/prompts/{prompt_id}/answers")
async def list_prompt_answers(
    prompt_id: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.PromptAnswerPage:
    """A page of who answered what by student (short texts included): the section's staff."""
    page = await service.list_prompt_answers(
        prompt_id, asked, principal=principal, store=state.store
    )
    return http.PromptAnswerPage.of(page, answer_out)
