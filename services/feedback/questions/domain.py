"""Questions' rules, and who sees what of a question, as one table: pure, no I/O (ADR 0035)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bookend.contracts.feedback import AnswerMode, QuestionPhase, QuestionStatus
from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.contracts.scheduler import SessionStatus
from bookend.ids import IdFactory
from bookend.problems import Conflict, FieldError, InvalidInput, NotFound, too_long
from services.feedback.live.domain import FeedbackError
from services.feedback.plan.domain import PlannedSession, SessionCancelled, SessionNotStarted

MAX_TEXT = 500  # a question
MAX_ANSWER = 2000  # a written answer (a live one's note too)
# A student's questions about one session, and a session's in all: a client cannot grow a
# session's list (read whole by its class) without bound.
MAX_PER_STUDENT = 10
MAX_PER_SESSION = 500
# Upvoters are kept to make upvotes once each: at most a large section's students.
MAX_UPVOTES = 1000
# Sessions whose questions left for the follow-up are read in one request (a page of a
# section's sessions; the gateway asks in batches of this many).
MAX_SESSIONS_AT_ONCE = 100


class QuestionNotFound(FeedbackError, NotFound):
    code = "QUESTION_NOT_FOUND"

    def __init__(self, question_id: str) -> None:
        super().__init__(f"question {question_id} was not found")


class AlreadyAnswered(FeedbackError, Conflict):
    code = "QUESTION_ANSWERED"

    def __init__(self, question_id: str) -> None:
        super().__init__(
            f"question {question_id} is answered already: it is not left for the follow-up"
        )


@dataclass(frozen=True, slots=True)
class Answer:
    mode: AnswerMode
    text: str | None
    answered_by: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Left for the session's follow-up, and that task when feedback knew of one."""

    marked_by: str
    marked_at: datetime
    task_id: str | None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    district_id: str
    session_id: str
    section_id: str
    asker_id: str
    text: str
    visibility: Visibility
    phase: QuestionPhase
    asked_at: datetime
    upvoter_ids: tuple[str, ...] = ()
    answer: Answer | None = None
    follow_up: FollowUp | None = None

    @property
    def status(self) -> QuestionStatus:
        if self.answer is not None:
            return QuestionStatus.ANSWERED
        if self.follow_up is not None:
            return QuestionStatus.FOR_FOLLOW_UP
        return QuestionStatus.OPEN

    @property
    def upvotes(self) -> int:
        return len(self.upvoter_ids)


# --- who sees what --------------------------------------------------------------------------


class Sight(StrEnum):
    """How a viewer sees a question."""

    STAFF = "staff"  # all of it, its asker's id too
    ASKER = "asker"  # their own, as theirs
    PEER = "peer"  # a class question, without its asker
    NONE = "none"  # not at all: it does not exist for them


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks, as far as questions care. `subject` None is anyone with the same claims:
    a view shared by an audience (the gateway's session stream, ADR 0018), which must never
    depend on who they are, so it never says whose a question is."""

    staff: bool  # teaches the question's section (or an admin reaching it)
    student: bool  # a student of the question's section
    subject: str | None = None

    @property
    def shared(self) -> bool:
        return self.subject is None


def sight(question: Question, viewer: Viewer) -> Sight:
    if viewer.staff:
        return Sight.STAFF
    if viewer.student:
        if not viewer.shared and question.asker_id == viewer.subject:
            return Sight.ASKER
        if question.visibility is Visibility.CLASS:
            return Sight.PEER
    return Sight.NONE


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question as one viewer may see it: never its upvoters, its asker only for staff."""

    id: str
    session_id: str
    section_id: str
    text: str
    visibility: Visibility
    phase: QuestionPhase
    status: QuestionStatus
    asked_at: datetime
    upvotes: int
    answer: Answer | None
    follow_up: FollowUp | None
    asker_id: str | None  # for staff only
    mine: bool | None  # whether the viewer asked it; None in a shared view
    upvoted: bool | None  # whether the viewer upvoted it; None in a shared view


def seen_by(question: Question, viewer: Viewer) -> QuestionView | None:
    """What `viewer` sees of `question`, or None when it does not exist for them."""
    seen = sight(question, viewer)
    if seen is Sight.NONE:
        return None
    personal = not viewer.shared
    return QuestionView(
        id=question.id,
        session_id=question.session_id,
        section_id=question.section_id,
        text=question.text,
        visibility=question.visibility,
        phase=question.phase,
        status=question.status,
        asked_at=question.asked_at,
        upvotes=question.upvotes,
        answer=question.answer,
        follow_up=question.follow_up,
        asker_id=question.asker_id if seen is Sight.STAFF else None,
        mine=seen is Sight.ASKER if personal else None,
        upvoted=viewer.subject in question.upvoter_ids if personal else None,
    )


# --- asking, upvoting, answering ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionAsked:
    """Domain event; its contract names no asker."""

    question: Question


@dataclass(frozen=True, slots=True)
class QuestionUpvoted:
    question: Question
    at: datetime


@dataclass(frozen=True, slots=True)
class QuestionAnswered:
    question: Question


@dataclass(frozen=True, slots=True)
class QuestionMarkedForFollowUp:
    question: Question


QuestionEvent = QuestionAsked | QuestionUpvoted | QuestionAnswered | QuestionMarkedForFollowUp


def question_errors(text: str) -> list[FieldError]:
    if not text.strip():
        return [FieldError("text", "required", "must hold a question")]
    return too_long("text", text.strip(), MAX_TEXT)


def answer_errors(mode: AnswerMode, text: str | None) -> list[FieldError]:
    written = (text or "").strip()
    if mode is AnswerMode.WRITTEN and not written:
        return [FieldError("text", "required", "a written answer must hold its text")]
    return too_long("text", written, MAX_ANSWER)


def phase_of(session: PlannedSession) -> QuestionPhase:
    match session.status:
        case SessionStatus.SCHEDULED:
            return QuestionPhase.BEFORE
        case SessionStatus.LIVE:
            return QuestionPhase.DURING
        case SessionStatus.ENDED:
            return QuestionPhase.AFTER
        case SessionStatus.CANCELLED:
            raise SessionCancelled(session.session_id)


def ask(
    session: PlannedSession,
    *,
    asker_id: str,
    text: str,
    visibility: Visibility,
    asked_by_student: int,
    asked_in_session: int,
    new_id: IdFactory,
    at: datetime,
) -> tuple[Question, list[QuestionAsked]]:
    """A student's question about a session, any time but once it was cancelled; bounded per
    student and per session. Its text is checked first (`question_errors`)."""
    phase = phase_of(session)
    if asked_by_student >= MAX_PER_STUDENT:
        message = f"a student asks at most {MAX_PER_STUDENT} questions about one session"
        raise InvalidInput("session_id", "max_questions", message)
    if asked_in_session >= MAX_PER_SESSION:
        message = f"a session takes at most {MAX_PER_SESSION} questions"
        raise InvalidInput("session_id", "max_session_questions", message)
    question = Question(
        id=new_id(),
        district_id=session.district_id,
        session_id=session.session_id,
        section_id=session.section_id,
        asker_id=asker_id,
        text=text.strip(),
        visibility=visibility,
        phase=phase,
        asked_at=at,
    )
    return question, [QuestionAsked(question)]


def upvote(
    question: Question, *, voter_id: str, at: datetime
) -> tuple[Question, list[QuestionUpvoted]]:
    """A classmate's upvote of a class question, once each: again, it changes nothing."""
    if question.asker_id == voter_id:
        message = "is your own question: classmates upvote it, not its asker"
        raise InvalidInput("question_id", "not_own", message)
    if question.visibility is not Visibility.CLASS:
        raise InvalidInput("question_id", "class_only", "only class questions are upvoted")
    if voter_id in question.upvoter_ids:
        return question, []
    if question.upvotes >= MAX_UPVOTES:
        message = f"a question takes at most {MAX_UPVOTES} upvotes"
        raise InvalidInput("question_id", "max_upvotes", message)
    upvoted = replace(question, upvoter_ids=(*question.upvoter_ids, voter_id))
    return upvoted, [QuestionUpvoted(upvoted, at)]


def answer(
    question: Question,
    session: PlannedSession | None,
    *,
    mode: AnswerMode,
    text: str | None,
    by: str,
    at: datetime,
) -> tuple[Question, list[QuestionAnswered]]:
    """Staff's answer, which replaces an earlier one; the same answer again changes nothing.
    A live answer is given in the session, so only once it started. Its text is checked
    first (`answer_errors`)."""
    if mode is AnswerMode.LIVE and not (session is not None and session.has_started):
        raise SessionNotStarted(question.session_id, "a live answer is given in the session")
    given = (text or "").strip() or None
    earlier = question.answer
    if earlier is not None and (earlier.mode, earlier.text) == (mode, given):
        return question, []
    answered = replace(question, answer=Answer(mode, given, by, at))
    return answered, [QuestionAnswered(answered)]


def mark_for_follow_up(
    question: Question, *, task_id: str | None, by: str, at: datetime
) -> tuple[Question, list[QuestionMarkedForFollowUp]]:
    """Leave an open question for the session's follow-up; marked again, nothing changes."""
    if question.answer is not None:
        raise AlreadyAnswered(question.id)
    if question.follow_up is not None:
        return question, []
    marked = replace(question, follow_up=FollowUp(by, at, task_id))
    return marked, [QuestionMarkedForFollowUp(marked)]


def visible(questions: Sequence[Question], viewer: Viewer) -> list[QuestionView]:
    return [view for q in questions if (view := seen_by(q, viewer)) is not None]
