"""Questions about a session: students ask (for staff only, or for the class with the asker
anonymous to peers) and upvote; staff answer or leave them for the follow-up; a session's
stream shows them arriving (ADR 0035)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from bookend.contracts import EventData
from bookend.contracts.feedback import (
    QuestionAnswered,
    QuestionAsked,
    QuestionMarkedForFollowUp,
    QuestionUpvoted,
)
from bookend.http_contracts import feedback as http
from gateway.clients import FeedbackClient
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import AnswerMode, QuestionPhase, QuestionStatus, QuestionVisibility
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.upstream import UpstreamFailure, UpstreamUnavailable

log = logging.getLogger(__name__)


@strawberry.type
class QuestionAnswer(FromContract[http.QuestionAnswer]):
    mode: AnswerMode
    text: str | None = strawberry.field(description="Required in writing; optional live.")
    answered_by: strawberry.ID
    answered_at: datetime


@strawberry.type(description="Left for the session's follow-up, and that task once known.")
class QuestionFollowUp(FromContract[http.QuestionFollowUp]):
    marked_by: strawberry.ID
    marked_at: datetime
    task_id: strawberry.ID | None


MINE = (
    "Whether you asked it. Null in a session stream: its events are shared by everyone who "
    "may see them, so they never say whose a question is; match the ids askQuestion and "
    "sessionQuestions gave you. (The answer of your own teacher-only question reaches you "
    "alone in the stream, and says true.)"
)


@strawberry.type(
    description=(
        "A question about a session. A class question's asker is anonymous to their peers "
        "everywhere; staff of the section see who asked."
    )
)
class Question(Node):
    id: strawberry.ID
    session_id: strawberry.ID
    section_id: strawberry.ID
    text: str
    visibility: QuestionVisibility
    phase: QuestionPhase = strawberry.field(description="Before, during or after the session.")
    status: QuestionStatus
    asked_at: datetime
    upvotes: int
    answer: QuestionAnswer | None
    follow_up: QuestionFollowUp | None
    asker_id: strawberry.ID | None = strawberry.field(
        description="For the section's staff only: null for students, the asker included."
    )
    mine: bool | None = strawberry.field(description=MINE)
    upvoted_by_you: bool | None = strawberry.field(
        description="Whether you upvoted it; null in a session stream (see `mine`)."
    )

    @classmethod
    def of(cls, question: http.Question) -> Question:
        return from_contract(
            cls,
            question,
            answer=QuestionAnswer.of(question.answer) if question.answer else None,
            follow_up=QuestionFollowUp.of(question.follow_up) if question.follow_up else None,
            upvoted_by_you=question.upvoted,
        )


@strawberry.enum
class QuestionChange(Enum):
    ASKED = "asked"
    UPVOTED = "upvoted"
    ANSWERED = "answered"
    MARKED_FOR_FOLLOW_UP = "marked_for_follow_up"


@strawberry.type(
    description=(
        "A question of the session asked, upvoted, answered or left for the follow-up: every "
        "one to staff, class questions to the section's students (never whose), and the "
        "answer of a teacher-only question to its asker alone."
    )
)
class QuestionChanged:
    change: QuestionChange
    question: Question


QuestionResult = Annotated[Question | Failure, strawberry.union("QuestionResult")]

VISIBILITY = (
    "TEACHER: the section's staff only (and you). CLASS: the whole class, you anonymous to "
    "your classmates; they can upvote it."
)


@strawberry.type
class QuestionQuery:
    @strawberry.field(
        description=(
            "A session's questions in the order asked (Relay paging): all of them, with their"
            " askers, for the section's staff; for its students the class questions (no"
            " askers) and their own."
        )
    )
    async def session_questions(
        self, info: Info, session_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[Question]:
        asked = checked_page(first, after, info)
        call = info.context.clients.feedback.list_questions(session_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, Question.of))


@strawberry.type
class QuestionMutation:
    @strawberry.mutation(
        description=(
            "You, a student of the session's section, ask about it: before, during or after "
            "it (not once cancelled). 1 to 500 characters; at most 10 questions a session."
        )
    )
    async def ask_question(
        self,
        info: Info,
        session_id: strawberry.ID,
        text: str,
        visibility: Annotated[
            QuestionVisibility, strawberry.argument(description=VISIBILITY)
        ] = QuestionVisibility.TEACHER,
        idempotency_key: IdempotencyKey = None,
    ) -> QuestionResult:
        # Unvalidated here: feedback checks its own input (ADR 0009).
        body = http.QuestionCreate.model_construct(text=text, visibility=visibility)
        call = info.context.clients.feedback.ask_question(session_id, body, idempotency_key)
        return await mutate(call, Question.of)

    @strawberry.mutation(
        description="Upvote a classmate's class question; again, it changes nothing."
    )
    async def upvote_question(self, info: Info, question_id: strawberry.ID) -> QuestionResult:
        call = info.context.clients.feedback.upvote_question(question_id)
        return await mutate(call, Question.of)

    @strawberry.mutation(
        description=(
            "Staff of the section answer: LIVE (in the session, once it started; the text, "
            "if any, says how) or WRITTEN (1 to 2,000 characters). Again, it replaces the answer."
        )
    )
    async def answer_question(
        self,
        info: Info,
        question_id: strawberry.ID,
        mode: AnswerMode,
        text: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> QuestionResult:
        body = http.AnswerCreate.model_construct(mode=mode, text=text)
        call = info.context.clients.feedback.answer_question(question_id, body, idempotency_key)
        return await mutate(call, Question.of)

    @strawberry.mutation(
        description=(
            "Staff of the section leave an open question for the session's follow-up (naming "
            "its follow-up task when there is one); again, it changes nothing."
        )
    )
    async def mark_question_for_follow_up(
        self, info: Info, question_id: strawberry.ID
    ) -> QuestionResult:
        call = info.context.clients.feedback.mark_for_follow_up(question_id)
        return await mutate(call, Question.of)


# --- a session's stream ---------------------------------------------------------------------

QUESTION_EVENTS = (QuestionAsked, QuestionUpvoted, QuestionAnswered, QuestionMarkedForFollowUp)
QuestionEvent = QuestionAsked | QuestionUpvoted | QuestionAnswered | QuestionMarkedForFollowUp
_CHANGES: dict[type[EventData], QuestionChange] = {
    QuestionAsked: QuestionChange.ASKED,
    QuestionUpvoted: QuestionChange.UPVOTED,
    QuestionAnswered: QuestionChange.ANSWERED,
    QuestionMarkedForFollowUp: QuestionChange.MARKED_FOR_FOLLOW_UP,
}


def shows_question(payload: QuestionEvent, session_id: str, *, staff: bool, subject: str) -> bool:
    """Staff get every question of the session; others class questions, and the answer of
    their own teacher-only ones (whether they may see them at all, feedback says when the
    question is fetched)."""
    return payload.session_id == session_id and (
        staff or payload.visibility is QuestionVisibility.CLASS or answers_asker(payload, subject)
    )


def answers_asker(payload: EventData, subject: str) -> bool:
    """A teacher-only question's answer, for the one who asked it: theirs alone, so resolved
    and executed for them, not for their audience (ADR 0039). Only such an answer names its
    asker; a class question's events never do."""
    return (
        isinstance(payload, QuestionAnswered)
        and payload.asker_id is not None
        and payload.asker_id == subject
    )


async def question_changed(
    payload: QuestionEvent, feedback: FeedbackClient, *, asker: bool = False
) -> QuestionChanged | None:
    """The question as everyone of the audience sees it (ADR 0018): fetched from feedback's
    shared view, which never depends on who asks, so the first subscriber's answer is every
    classmate's, the asker's included. `asker`: the answer of a teacher-only question for
    its asker alone (`answers_asker`), fetched as they see it. A passing failure is retried;
    then it is skipped (a client reading `sessionQuestions` again finds it)."""
    fetch = feedback.get_question if asker else feedback.get_shared_question
    for pause in (0.1, 0.3, 0.9):
        try:
            seen = await fetch(payload.question_id)
        except UpstreamFailure:
            return None  # no longer visible to this audience
        except UpstreamUnavailable:
            await asyncio.sleep(pause)
            continue
        return QuestionChanged(change=_CHANGES[type(payload)], question=Question.of(seen))
    log.warning("question %s left out of a stream: feedback is unavailable", payload.question_id)
    return None
