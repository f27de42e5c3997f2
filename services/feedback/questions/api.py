"""Questions' HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import feedback as http
from services.feedback.questions import service
from services.feedback.questions.domain import QuestionView
from services.feedback.questions.ports import Store
from services.feedback.settings import FeedbackSettings

State = Annotated[ServiceState[Store, FeedbackSettings], Depends(service_state)]

router = APIRouter()


def question_out(view: QuestionView) -> http.Question:
    # The HTTP model's fields are the view's attribute names.
    return http.Question.model_validate(view, from_attributes=True)


@router.post("/sessions/{session_id}/questions", status_code=201)
async def ask_question(
    session_id: str,
    body: http.QuestionCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Question:
    """The calling student asks about the session, for its staff only or for the class (the
    asker anonymous to peers)."""
    with answering(key, question_out, status=201):
        view = await service.ask_question(
            session_id,
            text=body.text,
            visibility=body.visibility,
            principal=principal,
            store=state.store,
            clock=state.clock,
            ids=state.ids,
        )
    return question_out(view)


@router.get("/sessions/{session_id}/questions")
async def list_session_questions(
    session_id: str,
    principal: CurrentPrincipal,
    state: State,
    asked: AskedPage,
    follow_up: bool = False,
) -> http.QuestionPage:
    """A page of the session's questions in the order asked (only those left for its
    follow-up, with `follow_up=true`), each as the caller sees it."""
    page = await service.list_session_questions(
        session_id, asked, follow_up=follow_up, principal=principal, reads=state.store
    )
    return http.QuestionPage.of(page, question_out)


@router.get("/follow-up-questions")
async def list_follow_up_questions(
    principal: CurrentPrincipal,
    state: State,
    asked: AskedPage,
    session_id: Annotated[list[str], Query()],
) -> http.FollowUpQuestionPages:
    """The first page of the questions left for the follow-up of each of many sessions at
    once (`?session_id=a&session_id=b`, at most 100; `first` and `total` apply to each), each
    as the caller sees it in its session's list; sessions the caller may not read have none.
    A session's later pages: `/sessions/{id}/questions?follow_up=true&after=...`."""
    pages = await service.list_follow_up_questions(
        session_id, asked, principal=principal, reads=state.store
    )
    return http.FollowUpQuestionPages(
        items=[
            http.SessionQuestionPage.of(page, question_out, session_id=session)
            for session, page in pages.items()
        ]
    )


@router.get("/questions/{question_id}")
async def get_question(
    question_id: str, principal: CurrentPrincipal, state: State
) -> http.Question:
    """The question as the caller sees it: a teacher-only one only by its asker and staff."""
    view = await service.get_question(question_id, principal=principal, reads=state.store)
    return question_out(view)


@router.get("/questions/{question_id}/shared")
async def get_shared_question(
    question_id: str, principal: CurrentPrincipal, state: State
) -> http.Question:
    """The question as anyone with the caller's claims sees it, decided without who the
    caller is (no `mine`, no `upvoted`): what the gateway shares with an audience."""
    view = await service.get_shared_question(question_id, principal=principal, reads=state.store)
    return question_out(view)


@router.post("/questions/{question_id}/upvotes")
async def upvote_question(
    question_id: str, principal: CurrentPrincipal, state: State
) -> http.Question:
    """A classmate upvotes a class question; again, it changes nothing."""
    view = await service.upvote_question(
        question_id, principal=principal, store=state.store, clock=state.clock
    )
    return question_out(view)


@router.post("/questions/{question_id}/answer")
async def answer_question(
    question_id: str,
    body: http.AnswerCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Question:
    with answering(key, question_out):
        view = await service.answer_question(
            question_id,
            mode=body.mode,
            text=body.text,
            principal=principal,
            store=state.store,
            clock=state.clock,
        )
    return question_out(view)


@router.post("/questions/{question_id}/follow-up")
async def mark_for_follow_up(
    question_id: str, principal: CurrentPrincipal, state: State
) -> http.Question:
    """Staff leave the question for the session's follow-up; again, it changes nothing."""
    view = await service.mark_for_follow_up(
        question_id, principal=principal, store=state.store, clock=state.clock
    )
    return question_out(view)
