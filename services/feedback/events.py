"""Feedback's two event tables: the check-ins, attendance summaries, questions and notes it
publishes, and the scheduler's sessions and tasks it learns (a start and an end open and close
live channels; an end summarises attendance)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from bookend.clock import Clock
from bookend.contracts import CloudEvent
from bookend.contracts import feedback as contract
from bookend.contracts.scheduler import (
    SessionCancelled,
    SessionEnded,
    SessionRescheduled,
    SessionScheduled,
    SessionStarted,
    SessionStatus,
    TaskAssigned,
    TaskWithdrawn,
)
from bookend.eventbus import Inbound, Outbound
from bookend.hosting import ServiceState
from services.feedback.live import domain
from services.feedback.live.domain import (
    SectionSchool,
    SessionMoment,
    channel_ended,
    channel_started,
    summarize,
)
from services.feedback.notes import domain as notes
from services.feedback.plan import domain as plan
from services.feedback.ports import Store, Transaction
from services.feedback.questions import domain as questions
from services.feedback.settings import FeedbackSettings

SOURCE = "bookend/feedback"
CONSUMER = "bookend.feedback"


def check_in_recorded(event: domain.CheckInRecorded) -> contract.CheckInRecorded:
    # The note's text is the student's own words: it stays here, readers fetch it by id.
    check_in = event.check_in
    return contract.CheckInRecorded(
        district_id=check_in.district_id,
        checkin_id=check_in.id,
        session_id=check_in.session_id,
        section_id=check_in.section_id,
        student_id=check_in.student_id,
        signal=check_in.signal,
        has_note=check_in.has_note,
        recorded_at=check_in.recorded_at,
    )


def attendance_summarized(event: domain.AttendanceSummarized) -> contract.AttendanceSummarized:
    summary = event.summary
    return contract.AttendanceSummarized(
        district_id=summary.district_id,
        session_id=summary.session_id,
        section_id=summary.section_id,
        present=summary.marked(contract.AttendanceMark.PRESENT),
        late=summary.marked(contract.AttendanceMark.LATE),
        left_early=summary.marked(contract.AttendanceMark.LEFT_EARLY),
        absent=summary.marked(contract.AttendanceMark.ABSENT),
        summarized_at=summary.summarized_at,
    )


# --- questions and notes (ADR 0035): no asker, no text, in any event ----------------------


def question_asked(event: questions.QuestionAsked) -> contract.QuestionAsked:
    q = event.question
    return contract.QuestionAsked(
        district_id=q.district_id,
        question_id=q.id,
        session_id=q.session_id,
        section_id=q.section_id,
        visibility=q.visibility,
        phase=q.phase,
        asked_at=q.asked_at,
    )


def question_upvoted(event: questions.QuestionUpvoted) -> contract.QuestionUpvoted:
    q = event.question
    return contract.QuestionUpvoted(
        district_id=q.district_id,
        question_id=q.id,
        session_id=q.session_id,
        section_id=q.section_id,
        visibility=q.visibility,
        upvotes=q.upvotes,
        upvoted_at=event.at,
    )


def question_answered(event: questions.QuestionAnswered) -> contract.QuestionAnswered:
    q, answer = event.question, event.question.answer
    assert answer is not None, "an answered question has its answer"
    return contract.QuestionAnswered(
        district_id=q.district_id,
        question_id=q.id,
        session_id=q.session_id,
        section_id=q.section_id,
        visibility=q.visibility,
        mode=answer.mode,
        answered_at=answer.answered_at,
    )


def question_marked(
    event: questions.QuestionMarkedForFollowUp,
) -> contract.QuestionMarkedForFollowUp:
    q, follow_up = event.question, event.question.follow_up
    assert follow_up is not None, "a marked question has its follow-up"
    return contract.QuestionMarkedForFollowUp(
        district_id=q.district_id,
        question_id=q.id,
        session_id=q.session_id,
        section_id=q.section_id,
        visibility=q.visibility,
        follow_up_task_id=follow_up.task_id,
        marked_at=follow_up.marked_at,
    )


def note_given(event: notes.NoteGiven) -> contract.NoteGiven:
    note = event.note
    return contract.NoteGiven(
        district_id=note.district_id,
        note_id=note.id,
        student_id=note.student_id,
        section_id=note.section_id,
        task_id=note.task_id,
        session_id=note.session_id,
        given_at=note.given_at,
    )


OUTBOUND = (
    Outbound(SOURCE)
    .map(domain.CheckInRecorded, check_in_recorded)
    .map(domain.AttendanceSummarized, attendance_summarized)
    .map(questions.QuestionAsked, question_asked)
    .map(questions.QuestionUpvoted, question_upvoted)
    .map(questions.QuestionAnswered, question_answered)
    .map(questions.QuestionMarkedForFollowUp, question_marked)
    .map(notes.NoteGiven, note_given)
)


async def on_session_started(payload: SessionStarted, event: CloudEvent, *, store: Store) -> None:
    """Open the channel once per event: the inbox mark and the change commit together."""
    moment = SessionMoment(
        payload.session_id, payload.district_id, payload.section_id, payload.started_at
    )

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        channel = await tx.get_channel(moment.district_id, moment.session_id)
        await tx.save_channel(channel_started(channel, moment))
        await _plan_moved(tx, SessionStatus.LIVE, moment)

    await store.atomically(work)


async def on_session_ended(
    payload: SessionEnded,
    event: CloudEvent,
    *,
    store: Store,
    settings: FeedbackSettings,
    clock: Clock,
) -> None:
    """Close the channel and summarise who of the students expected attended; the summary and
    its event commit with the inbox mark, once per session however often the end is heard."""
    moment = SessionMoment(
        payload.session_id, payload.district_id, payload.section_id, payload.ended_at
    )

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        district, session = moment.district_id, moment.session_id
        channel = channel_ended(await tx.get_channel(district, session), moment)
        await tx.save_channel(channel)
        await _plan_moved(tx, SessionStatus.ENDED, moment)
        # No one expected (a section without students, or an end from before ADR 0032): no
        # one to summarise.
        expected = payload.expected_student_ids
        if not expected or await tx.get_attendance_summary(district, session) is not None:
            return
        summary, events = summarize(
            channel,
            expected,
            await tx.list_attendees(district, session),
            rules=settings.attendance,
            at=clock(),
        )
        await tx.add_attendance_summary(summary)
        await tx.emit(*OUTBOUND.events(events))

    await store.atomically(work)


async def on_session_scheduled(
    payload: SessionScheduled, event: CloudEvent, *, store: Store
) -> None:
    """Remember the section's school (a school admin reads only their own school's sections)
    and the session: questions are asked about it from now on."""
    placement = SectionSchool(payload.section_id, payload.district_id, payload.school_id)

    async def work(tx: Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            await tx.save_section_school(placement)
            await _planned(tx, payload)

    await store.atomically(work)


# --- the plan: sessions and tasks as questions and notes need them ---------------------------


async def _planned(tx: Transaction, payload: SessionScheduled | SessionRescheduled) -> None:
    known = await tx.get_planned_session(payload.district_id, payload.session_id)
    planned = plan.session_planned(
        known,
        session_id=payload.session_id,
        district_id=payload.district_id,
        section_id=payload.section_id,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    await tx.save_planned_session(planned)


async def _plan_moved(tx: Transaction, status: SessionStatus, moment: SessionMoment) -> None:
    known = await tx.get_planned_session(moment.district_id, moment.session_id)
    moved = plan.session_moved(
        known,
        status,
        session_id=moment.session_id,
        district_id=moment.district_id,
        section_id=moment.section_id,
        at=moment.at,
    )
    if moved != known:
        await tx.save_planned_session(moved)


async def on_session_rescheduled(
    payload: SessionRescheduled, event: CloudEvent, *, store: Store
) -> None:
    async def work(tx: Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            await _planned(tx, payload)

    await store.atomically(work)


async def on_session_cancelled(
    payload: SessionCancelled, event: CloudEvent, *, store: Store
) -> None:
    moment = SessionMoment(
        payload.session_id, payload.district_id, payload.section_id, payload.cancelled_at
    )

    async def work(tx: Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            await _plan_moved(tx, SessionStatus.CANCELLED, moment)

    await store.atomically(work)


async def on_task_assigned(payload: TaskAssigned, event: CloudEvent, *, store: Store) -> None:
    """Remember the task's section (notes about it) and bookend (a session's follow-up)."""
    task = plan.PlannedTask(
        payload.task_id,
        payload.district_id,
        payload.section_id,
        payload.session_id,
        payload.bookend,
    )

    async def work(tx: Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            await tx.save_planned_task(task)

    await store.atomically(work)


async def on_task_withdrawn(payload: TaskWithdrawn, event: CloudEvent, *, store: Store) -> None:
    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        known = await tx.get_planned_task(payload.district_id, payload.task_id)
        task = known or plan.PlannedTask(
            payload.task_id, payload.district_id, payload.section_id, payload.session_id
        )
        await tx.save_planned_task(replace(task, withdrawn=True))

    await store.atomically(work)


def inbound(state: ServiceState[Store, FeedbackSettings]) -> Inbound:
    return (
        Inbound()
        .on(SessionScheduled, partial(on_session_scheduled, store=state.store))
        .on(SessionStarted, partial(on_session_started, store=state.store))
        .on(SessionRescheduled, partial(on_session_rescheduled, store=state.store))
        .on(SessionCancelled, partial(on_session_cancelled, store=state.store))
        .on(TaskAssigned, partial(on_task_assigned, store=state.store))
        .on(TaskWithdrawn, partial(on_task_withdrawn, store=state.store))
        .on(
            SessionEnded,
            partial(
                on_session_ended, store=state.store, settings=state.settings, clock=state.clock
            ),
        )
    )
