"""Questions' use cases: students ask and upvote, staff answer or leave a question for the
follow-up; everyone reads what their sight of each question allows (ADR 0035)."""

from __future__ import annotations

from bookend.auth import STAFF, Forbidden, Principal, Role
from bookend.clock import Clock, stored_instant
from bookend.contracts.feedback import AnswerMode
from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import InvalidInput, refuse_if
from services.feedback.access import attends, teaches
from services.feedback.events import OUTBOUND
from services.feedback.plan.domain import PlannedSessionNotFound
from services.feedback.questions import domain
from services.feedback.questions.domain import (
    Question,
    QuestionNotFound,
    QuestionView,
    Viewer,
    seen_by,
)
from services.feedback.questions.ports import Reads, Store, Transaction


async def viewer_of(
    principal: Principal, section_id: str, reads: Reads, *, shared: bool = False
) -> Viewer:
    """The caller as questions of `section_id` see them; `shared`: by their claims alone."""
    return Viewer(
        staff=await teaches(principal, section_id, reads),
        student=attends(principal, section_id),
        subject=None if shared else principal.subject,
    )


async def ask_question(
    session_id: str,
    *,
    text: str,
    visibility: Visibility,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
) -> QuestionView:
    """A student of the session's section asks, before, during or after it; the question and
    QuestionAsked (no asker) commit together."""
    principal.require(Role.STUDENT)
    refuse_if(domain.question_errors(text))

    async def work(tx: Transaction) -> QuestionView:
        district, student = principal.district, principal.subject
        session = await tx.get_planned_session(district, session_id)
        if session is None:
            raise PlannedSessionNotFound(session_id)
        if not attends(principal, session.section_id):
            raise Forbidden("only students of the session's section ask about it")
        question, events = domain.ask(
            session,
            asker_id=student,
            text=text,
            visibility=visibility,
            asked_by_student=await tx.count_questions(
                district, session_id, asker_id=student, up_to=domain.MAX_PER_STUDENT
            ),
            asked_in_session=await tx.count_questions(
                district, session_id, up_to=domain.MAX_PER_SESSION
            ),
            new_id=ids,
            at=stored_instant(clock()),
        )
        await tx.add_question(question)
        await tx.emit(*OUTBOUND.events(events))
        return _seen(question, Viewer(staff=False, student=True, subject=student))

    return await store.atomically(work)


async def upvote_question(
    question_id: str, *, principal: Principal, store: Store, clock: Clock
) -> QuestionView:
    """A classmate's upvote, once each; one they may not see does not exist for them."""
    principal.require(Role.STUDENT)

    async def work(tx: Transaction) -> QuestionView:
        question = await _question(question_id, principal=principal, reads=tx)
        viewer = await viewer_of(principal, question.section_id, tx)
        _seen(question, viewer)
        upvoted, events = domain.upvote(
            question, voter_id=principal.subject, at=stored_instant(clock())
        )
        if events:
            await tx.save_question(upvoted)
            await tx.emit(*OUTBOUND.events(events))
        return _seen(upvoted, viewer)

    return await store.atomically(work)


async def answer_question(
    question_id: str,
    *,
    mode: AnswerMode,
    text: str | None,
    principal: Principal,
    store: Store,
    clock: Clock,
) -> QuestionView:
    """Staff of the section answer, live or in writing (again: the answer is replaced)."""
    principal.require(*STAFF)
    refuse_if(domain.answer_errors(mode, text))

    async def work(tx: Transaction) -> QuestionView:
        question, viewer = await _staff_question(question_id, principal=principal, reads=tx)
        session = await tx.get_planned_session(principal.district, question.session_id)
        answered, events = domain.answer(
            question,
            session,
            mode=mode,
            text=text,
            by=principal.subject,
            at=stored_instant(clock()),
        )
        if events:
            await tx.save_question(answered)
            await tx.emit(*OUTBOUND.events(events))
        return _seen(answered, viewer)

    return await store.atomically(work)


async def mark_for_follow_up(
    question_id: str, *, principal: Principal, store: Store, clock: Clock
) -> QuestionView:
    """Staff leave an open question for the session's follow-up (its task, once known)."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> QuestionView:
        question, viewer = await _staff_question(question_id, principal=principal, reads=tx)
        task = await tx.find_follow_up_task(principal.district, question.session_id)
        marked, events = domain.mark_for_follow_up(
            question,
            task_id=task.task_id if task is not None else None,
            by=principal.subject,
            at=stored_instant(clock()),
        )
        if events:
            await tx.save_question(marked)
            await tx.emit(*OUTBOUND.events(events))
        return _seen(marked, viewer)

    return await store.atomically(work)


async def list_session_questions(
    session_id: str,
    asked: PageAsk,
    *,
    follow_up: bool = False,
    principal: Principal,
    reads: Reads,
) -> KeyedPage[QuestionView]:
    """A page of a session's questions in the order asked (only those left for its follow-up,
    with `follow_up`): staff of the section see every one with its asker; a student of the
    section the class questions without their askers, and their own (as theirs)."""
    session = await reads.get_planned_session(principal.district, session_id)
    if session is None:
        raise PlannedSessionNotFound(session_id)
    viewer = await viewer_of(principal, session.section_id, reads)
    if not (viewer.staff or viewer.student):
        raise Forbidden("only the section's staff and students read its questions")
    return await _page_seen(principal.district, session_id, asked, viewer, follow_up, reads)


async def list_follow_up_questions(
    session_ids: list[str], asked: PageAsk, *, principal: Principal, reads: Reads
) -> dict[str, KeyedPage[QuestionView]]:
    """The first page of the questions left for the follow-up of each of these sessions (as
    asked), as the caller sees each in the session's list: everything for staff; for a
    student class questions without their askers, and their own. A session unknown, or of a
    section the caller is not in, has none for them (ids reveal nothing). Later pages are a
    session's own (`list_session_questions` with `follow_up`)."""
    if len(session_ids) > domain.MAX_SESSIONS_AT_ONCE:
        message = f"at most {domain.MAX_SESSIONS_AT_ONCE} sessions at once"
        raise InvalidInput("session_id", "max_items", message)
    if asked.after is not None:
        message = "each session has a cursor of its own: read a later page of one session"
        raise InvalidInput("after", "one_session", message)
    viewers: dict[str, Viewer] = {}
    pages: dict[str, KeyedPage[QuestionView]] = {}
    for session_id in dict.fromkeys(session_ids):
        session = await reads.get_planned_session(principal.district, session_id)
        if session is not None and session.section_id not in viewers:
            viewers[session.section_id] = await viewer_of(principal, session.section_id, reads)
        viewer = viewers[session.section_id] if session is not None else None
        if viewer is None or not (viewer.staff or viewer.student):
            pages[session_id] = KeyedPage([], [], more=False, total=0 if asked.total else None)
        else:
            pages[session_id] = await _page_seen(
                principal.district, session_id, asked, viewer, True, reads
            )
    return pages


async def _page_seen(
    district_id: str,
    session_id: str,
    asked: PageAsk,
    viewer: Viewer,
    follow_up: bool,
    reads: Reads,
) -> KeyedPage[QuestionView]:
    """Staff read the session's questions as one index range; a student reads two, the class
    questions and their own teacher-only ones (each an index range), merged in order."""
    if viewer.staff:
        page = await reads.page_questions(district_id, session_id, asked, follow_up=follow_up)
    else:
        peers = await reads.page_questions(
            district_id, session_id, asked, visibility=Visibility.CLASS, follow_up=follow_up
        )
        own = await reads.page_questions(
            district_id,
            session_id,
            asked,
            visibility=Visibility.TEACHER,
            asker_id=viewer.subject,
            follow_up=follow_up,
        )
        total = None
        if peers.total is not None and own.total is not None:
            total = peers.total + own.total  # the two never share a question
        page = KeyedPage.merged([peers, own], asked, total)
    return page.with_items([_seen(question, viewer) for question in page.items])


async def get_question(question_id: str, *, principal: Principal, reads: Reads) -> QuestionView:
    """The question as the caller sees it (their own as theirs); one they may not see does
    not exist for them. The gateway's session stream fetches a teacher-only answer so, for
    its asker alone (ADR 0039)."""
    question = await _question(question_id, principal=principal, reads=reads)
    return _seen(question, await viewer_of(principal, question.section_id, reads))


async def get_shared_question(
    question_id: str, *, principal: Principal, reads: Reads
) -> QuestionView:
    """The question as everyone with the caller's claims sees it, whoever they are: what an
    audience of a session stream shares (ADR 0018). Its asker asking gets a peer's view, and
    a teacher-only question does not exist for them here."""
    question = await _question(question_id, principal=principal, reads=reads)
    return _seen(question, await viewer_of(principal, question.section_id, reads, shared=True))


async def _question(question_id: str, *, principal: Principal, reads: Reads) -> Question:
    question = await reads.get_question(principal.district, question_id)
    if question is None:
        raise QuestionNotFound(question_id)
    return question


async def _staff_question(
    question_id: str, *, principal: Principal, reads: Reads
) -> tuple[Question, Viewer]:
    question = await _question(question_id, principal=principal, reads=reads)
    viewer = await viewer_of(principal, question.section_id, reads)
    if not viewer.staff:
        raise QuestionNotFound(question_id)  # another section's: ids reveal nothing
    return question, viewer


def _seen(question: Question, viewer: Viewer) -> QuestionView:
    view = seen_by(question, viewer)
    if view is None:
        raise QuestionNotFound(question.id)
    return view
