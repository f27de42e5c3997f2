"""Feedback's two event tables: what it publishes (check-ins and their summaries, attendance
summaries, prompts, progress, pulses, balance assessments, questions, notes), and what it
hears: the sessions planned, started and ended (a start and an end open and close live
channels; an end summarises check-ins and attendance and closes the session's prompts), and
the tasks (and their media) progress is reported on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial

from bookend.clock import Clock, stored_instant
from bookend.contracts import CloudEvent
from bookend.contracts import feedback as contract
from bookend.contracts.catalog import RecordingPublished
from bookend.contracts.scheduler import (
    SessionCancelled,
    SessionEnded,
    SessionRescheduled,
    SessionScheduled,
    SessionStarted,
    SessionStatus,
    TaskAssigned,
    TaskRescheduled,
    TaskWithdrawn,
)
from bookend.eventbus import Inbound, Outbound
from bookend.hosting import ServiceState
from bookend.ids import IdFactory
from services.feedback import ports as slices
from services.feedback.assessment import domain as assessment
from services.feedback.assessment.domain import rounded
from services.feedback.assessment.week import assess_after_session
from services.feedback.live import domain
from services.feedback.live.domain import (
    SectionSchool,
    SessionMoment,
    channel_ended,
    channel_started,
    summarize,
    summarize_check_ins,
)
from services.feedback.notes import domain as notes
from services.feedback.plan import domain as plan
from services.feedback.ports import Store, Transaction
from services.feedback.progress import domain as progress
from services.feedback.progress import ports as progress_ports
from services.feedback.prompts import domain as prompts
from services.feedback.prompts.reactions import close_open_prompts, leave_to_absentees
from services.feedback.pulse import domain as pulse
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


def check_ins_summarized(event: domain.CheckInsSummarized) -> contract.CheckInsSummarized:
    # Counts only: district integrations get this, never a student's check-in (ADR 0050).
    latest = event.latest
    return contract.CheckInsSummarized(
        district_id=event.district_id,
        session_id=event.session_id,
        section_id=event.section_id,
        checkins=event.check_ins,
        students=event.students,
        expected=event.expected,
        latest=contract.CheckInCounts(
            got_it=latest[contract.CheckInSignal.GOT_IT],
            unsure=latest[contract.CheckInSignal.UNSURE],
            lost=latest[contract.CheckInSignal.LOST],
        ),
        with_notes=event.with_notes,
        summarized_at=event.summarized_at,
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


def pulse_submitted(event: pulse.PulseSubmitted) -> contract.PulseSubmitted:
    # The comment is the respondent's own words: it stays here (ADR 0036).
    given, answers = event.pulse, event.pulse.answers
    return contract.PulseSubmitted(
        district_id=given.district_id,
        pulse_id=given.id,
        week=given.week,
        student_id=given.student_id,
        respondent_id=given.respondent_id,
        respondent=given.respondent,
        workload=answers.workload,
        wellbeing=answers.wellbeing,
        connectivity=answers.connectivity,
        shared_device=answers.shared_device,
        preference=answers.preference,
        has_comment=answers.has_comment,
        revision=given.revision,
        submitted_at=given.submitted_at,
    )


def progress_recorded(event: progress.ProgressChanged) -> contract.ProgressRecorded:
    log, merged = event.log, event.log.progress
    return contract.ProgressRecorded(
        district_id=log.district_id,
        report_id=event.change_id,
        task_id=log.task_id,
        section_id=log.section_id,
        student_id=log.student_id,
        state=merged.state,
        position_seconds=merged.position_seconds,
        time_spent_seconds=merged.time_spent_seconds,
        occurred_at=event.report.occurred_at,
        recorded_at=event.report.received_at,
        started_at=merged.started_at,
        completed_at=merged.completed_at,
        report_count=len(log.reports),
    )


def _figures(figures: assessment.Figures) -> contract.AssessedFigures:
    return contract.AssessedFigures(
        planned_live_minutes=figures.planned_live_minutes,
        attended_live_minutes=figures.attended_live_minutes,
        assigned_on_demand_minutes=figures.assigned_on_demand_minutes,
        completed_on_demand_minutes=figures.completed_on_demand_minutes,
        sessions=figures.sessions,
        sessions_missed=figures.sessions_missed,
        on_demand_share=rounded(figures.on_demand_share),
        completion_rate=rounded(figures.completion_rate),
        confusion_rate=rounded(figures.confusion_rate),
    )


def _flags(flags: Iterable[assessment.Flag]) -> list[contract.AssessedFlag]:
    return [contract.AssessedFlag(kind=f.kind, reason=f.reason) for f in flags]


def balance_assessed(event: assessment.Assessed) -> contract.BalanceAssessed:
    # Figures and flags only: no pulse comment, no name (ADR 0037).
    assessed = event.assessment
    assert assessed.assessed_at is not None, "published assessments have their moment"
    return contract.BalanceAssessed(
        district_id=assessed.district_id,
        assessment_id=assessed.id,
        section_id=assessed.section_id,
        week=str(assessed.week),
        figures=_figures(assessed.figures),
        flags=_flags(assessed.flags),
        students=[
            contract.StudentBalance(
                student_id=s.student_id, figures=_figures(s.figures), flags=_flags(s.flags)
            )
            for s in assessed.students
        ],
        assessed_at=assessed.assessed_at,
    )


# --- prompts (ADR 0034): ids and counts only; questions and answers stay here -------------


def _prompt_ids(prompt: prompts.Prompt) -> dict[str, str]:
    """What every prompt event names: where the prompt is, by opaque ids."""
    return {
        "district_id": prompt.district_id,
        "prompt_id": prompt.id,
        "session_id": prompt.session_id,
        "section_id": prompt.section_id,
    }


def _question_ids(question: questions.Question) -> dict[str, str]:
    """What every question event names: never its asker."""
    return {
        "district_id": question.district_id,
        "question_id": question.id,
        "session_id": question.session_id,
        "section_id": question.section_id,
    }


def prompt_results(prompt: prompts.Prompt) -> contract.PromptResults:
    tally = prompt.tally
    return contract.PromptResults(
        answered=tally.answered,
        expected=prompt.expected,
        counts=list(tally.counts),
        late_answered=tally.late_answered,
        revision=tally.revision,
    )


def prompt_opened(event: prompts.PromptOpened) -> contract.PromptOpened:
    prompt = event.prompt
    return contract.PromptOpened(
        **_prompt_ids(prompt),
        kind=prompt.kind,
        choice_count=len(prompt.choices),
        opened_at=prompt.opened_at,
    )


def prompt_answered(event: prompts.PromptAnswered) -> contract.PromptAnswered:
    prompt, answer = event.prompt, event.answer
    return contract.PromptAnswered(
        **_prompt_ids(prompt),
        student_id=answer.student_id,
        late=answer.late,
        answered_at=answer.answered_at,
        results=prompt_results(prompt),
    )


def prompt_closed(event: prompts.PromptClosed) -> contract.PromptClosed:
    prompt = event.prompt
    assert prompt.closed_at is not None
    return contract.PromptClosed(
        **_prompt_ids(prompt),
        closed_at=prompt.closed_at,
        results=prompt_results(prompt),
    )


def prompt_revealed(event: prompts.PromptRevealed) -> contract.PromptRevealed:
    prompt = event.prompt
    assert prompt.revealed_at is not None
    return contract.PromptRevealed(
        **_prompt_ids(prompt),
        revealed_at=prompt.revealed_at,
        results=prompt_results(prompt),
    )


def prompt_assigned(event: prompts.PromptAssigned) -> contract.PromptAssigned:
    prompt = event.prompt
    return contract.PromptAssigned(
        **_prompt_ids(prompt),
        student_ids=list(event.student_ids),
        assigned_at=event.at,
    )


# --- questions and notes (ADR 0035): no text in any event, no asker but to the asker ------


def question_asked(event: questions.QuestionAsked) -> contract.QuestionAsked:
    q = event.question
    return contract.QuestionAsked(
        **_question_ids(q),
        visibility=q.visibility,
        phase=q.phase,
        asked_at=q.asked_at,
    )


def question_upvoted(event: questions.QuestionUpvoted) -> contract.QuestionUpvoted:
    q = event.question
    return contract.QuestionUpvoted(
        **_question_ids(q),
        visibility=q.visibility,
        upvotes=q.upvotes,
        upvoted_at=event.at,
    )


def question_answered(event: questions.QuestionAnswered) -> contract.QuestionAnswered:
    q, answer = event.question, event.question.answer
    assert answer is not None, "an answered question has its answer"
    return contract.QuestionAnswered(
        **_question_ids(q),
        visibility=q.visibility,
        mode=answer.mode,
        answered_at=answer.answered_at,
        # Only staff and its asker see a teacher-only question: its answer names the asker so
        # that it reaches them alone; a class question's asker is anonymous (ADR 0039).
        asker_id=q.asker_id if q.visibility is contract.QuestionVisibility.TEACHER else None,
    )


def question_marked(
    event: questions.QuestionMarkedForFollowUp,
) -> contract.QuestionMarkedForFollowUp:
    q, follow_up = event.question, event.question.follow_up
    assert follow_up is not None, "a marked question has its follow-up"
    return contract.QuestionMarkedForFollowUp(
        **_question_ids(q),
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
    .map(domain.CheckInsSummarized, check_ins_summarized)
    .map(domain.AttendanceSummarized, attendance_summarized)
    .map(pulse.PulseSubmitted, pulse_submitted)
    .map(progress.ProgressChanged, progress_recorded)
    .map(assessment.Assessed, balance_assessed)
    .map(prompts.PromptOpened, prompt_opened)
    .map(prompts.PromptAnswered, prompt_answered)
    .map(prompts.PromptClosed, prompt_closed)
    .map(prompts.PromptRevealed, prompt_revealed)
    .map(prompts.PromptAssigned, prompt_assigned)
    .map(questions.QuestionAsked, question_asked)
    .map(questions.QuestionUpvoted, question_upvoted)
    .map(questions.QuestionAnswered, question_answered)
    .map(questions.QuestionMarkedForFollowUp, question_marked)
    .map(notes.NoteGiven, note_given)
)


async def on_session_started(payload: SessionStarted, event: CloudEvent, *, store: Store) -> None:
    """Open the channel once per event: the inbox mark and the change commit together."""
    moment = SessionMoment(
        payload.session_id,
        payload.district_id,
        payload.section_id,
        payload.started_at,
        tuple(payload.expected_student_ids),
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
    ids: IdFactory,
) -> None:
    """Close the channel and its prompts, count its check-ins, and summarise who of the
    students expected attended; the summaries and their events commit with the inbox mark, once
    per session however often the end is heard. Each prompt is left to the absent students who
    had not answered it, and the section's week is assessed again (published if its flags
    changed)."""
    moment = SessionMoment(
        payload.session_id,
        payload.district_id,
        payload.section_id,
        payload.ended_at,
        tuple(payload.expected_student_ids),
    )

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        district, session = moment.district_id, moment.session_id
        before = await tx.get_channel(district, session)
        channel = channel_ended(before, moment)
        await tx.save_channel(channel)
        await _plan_moved(tx, SessionStatus.ENDED, moment)
        await tx.emit(*OUTBOUND.events(await close_open_prompts(tx, channel, at=moment.at)))
        # A channel closed before this event heard its end already (the same end under another
        # id, say), and no check-in is taken once it is closed: its counts went out then. Even
        # a session without check-ins has its summary: "none" is news to an integration.
        if before is None or before.is_live:
            counted = summarize_check_ins(
                channel, await tx.list_check_ins(district, session), at=clock()
            )
            await tx.emit(*OUTBOUND.events([counted]))
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
        await tx.emit(
            *OUTBOUND.events(await leave_to_absentees(tx, summary, at=summary.summarized_at))
        )
        if settings.assess_after_sessions:
            assessed = await assess_after_session(
                tx,
                district,
                moment.section_id,
                moment.at,
                rules=settings.assessment,
                now=summary.summarized_at,
                ids=ids,
            )
            await tx.emit(*OUTBOUND.events(assessed))

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


# --- the plan: sessions as questions, notes and assessments need them (ADR 0035) ---------


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


# --- progress (ADR 0033): the tasks students report on, and how long their media plays -----


async def on_task_assigned(
    payload: TaskAssigned, event: CloudEvent, *, store: progress_ports.Store
) -> None:
    """Keep a copy of the task: whose it is and its work; its announcement's moment is the
    earliest any progress on it may be."""
    chosen = payload.student_ids
    task = progress.KnownTask(
        task_id=payload.task_id,
        district_id=payload.district_id,
        section_id=payload.section_id,
        component_id=payload.component_id,
        minutes=payload.minutes,
        opens_at=payload.opens_at,
        due_at=payload.due_at,
        time_zone=payload.time_zone,
        assigned_at=stored_instant(event.time),
        student_ids=None if chosen is None else tuple(chosen),
        session_id=payload.session_id,
        bookend=payload.bookend,
    )

    async def work(tx: progress_ports.Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            before = await tx.get_known_task(task.district_id, task.task_id)
            await tx.save_known_task(task.learned(before))

    await store.atomically(work)


async def on_task_rescheduled(
    payload: TaskRescheduled, event: CloudEvent, *, store: progress_ports.Store
) -> None:
    """The copy's window follows the task's (one section's events arrive in order)."""

    async def work(tx: progress_ports.Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        task = await tx.get_known_task(payload.district_id, payload.task_id)
        if task is not None:
            moved = replace(task, opens_at=payload.opens_at, due_at=payload.due_at)
            await tx.save_known_task(moved)

    await store.atomically(work)


async def on_task_withdrawn(
    payload: TaskWithdrawn, event: CloudEvent, *, store: progress_ports.Store
) -> None:
    """No new progress on it; what was recorded stays. A withdrawal of a task never heard of
    is kept too, so that a late announcement cannot bring it back."""

    async def work(tx: progress_ports.Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        task = await tx.get_known_task(payload.district_id, payload.task_id)
        if task is None:
            task = progress.KnownTask(
                task_id=payload.task_id,
                district_id=payload.district_id,
                section_id=payload.section_id,
                component_id="",
                minutes=0,
                opens_at=payload.withdrawn_at,
                due_at=payload.withdrawn_at,
                time_zone="UTC",
                assigned_at=payload.withdrawn_at,
            )
        await tx.save_known_task(task.withdrawn(payload.withdrawn_at))

    await store.atomically(work)


async def on_recording_published(
    payload: RecordingPublished, event: CloudEvent, *, store: progress_ports.Store
) -> None:
    """A recording is a component of its own: its duration bounds a position reported on it."""
    media = progress.TaskMedia(payload.component_id, payload.district_id, payload.duration_seconds)

    async def work(tx: progress_ports.Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            await tx.save_task_media(media)

    await store.atomically(work)


def inbound(state: ServiceState[slices.Store, FeedbackSettings]) -> Inbound:
    return (
        Inbound()
        .on(SessionScheduled, partial(on_session_scheduled, store=state.store))
        .on(SessionStarted, partial(on_session_started, store=state.store))
        .on(SessionRescheduled, partial(on_session_rescheduled, store=state.store))
        .on(SessionCancelled, partial(on_session_cancelled, store=state.store))
        .on(
            SessionEnded,
            partial(
                on_session_ended,
                store=state.store,
                settings=state.settings,
                clock=state.clock,
                ids=state.ids,
            ),
        )
        .on(TaskAssigned, partial(on_task_assigned, store=state.store))
        .on(TaskRescheduled, partial(on_task_rescheduled, store=state.store))
        .on(TaskWithdrawn, partial(on_task_withdrawn, store=state.store))
        .on(RecordingPublished, partial(on_recording_published, store=state.store))
    )
