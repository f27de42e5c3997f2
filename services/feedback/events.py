"""Feedback's two event tables: the check-ins, attendance summaries and prompts it publishes,
and the session starts and ends that open and close live channels (an end summarises attendance
and closes the session's prompts)."""

from __future__ import annotations

from functools import partial

from bookend.clock import Clock
from bookend.contracts import CloudEvent
from bookend.contracts import feedback as contract
from bookend.contracts.scheduler import SessionEnded, SessionScheduled, SessionStarted
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
from services.feedback.ports import Store, Transaction
from services.feedback.prompts import domain as prompts
from services.feedback.prompts.reactions import close_open_prompts, leave_to_absentees
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


# --- prompts (ADR 0034): ids and counts only; questions and answers stay here -------------


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
        district_id=prompt.district_id,
        prompt_id=prompt.id,
        session_id=prompt.session_id,
        section_id=prompt.section_id,
        kind=prompt.kind,
        choice_count=len(prompt.choices),
        opened_at=prompt.opened_at,
    )


def prompt_answered(event: prompts.PromptAnswered) -> contract.PromptAnswered:
    prompt, answer = event.prompt, event.answer
    return contract.PromptAnswered(
        district_id=prompt.district_id,
        prompt_id=prompt.id,
        session_id=prompt.session_id,
        section_id=prompt.section_id,
        student_id=answer.student_id,
        late=answer.late,
        answered_at=answer.answered_at,
        results=prompt_results(prompt),
    )


def prompt_closed(event: prompts.PromptClosed) -> contract.PromptClosed:
    prompt = event.prompt
    assert prompt.closed_at is not None
    return contract.PromptClosed(
        district_id=prompt.district_id,
        prompt_id=prompt.id,
        session_id=prompt.session_id,
        section_id=prompt.section_id,
        closed_at=prompt.closed_at,
        results=prompt_results(prompt),
    )


def prompt_revealed(event: prompts.PromptRevealed) -> contract.PromptRevealed:
    prompt = event.prompt
    assert prompt.revealed_at is not None
    return contract.PromptRevealed(
        district_id=prompt.district_id,
        prompt_id=prompt.id,
        session_id=prompt.session_id,
        section_id=prompt.section_id,
        revealed_at=prompt.revealed_at,
        results=prompt_results(prompt),
    )


def prompt_assigned(event: prompts.PromptAssigned) -> contract.PromptAssigned:
    prompt = event.prompt
    return contract.PromptAssigned(
        district_id=prompt.district_id,
        prompt_id=prompt.id,
        session_id=prompt.session_id,
        section_id=prompt.section_id,
        student_ids=list(event.student_ids),
        assigned_at=event.at,
    )


OUTBOUND = (
    Outbound(SOURCE)
    .map(domain.CheckInRecorded, check_in_recorded)
    .map(domain.AttendanceSummarized, attendance_summarized)
    .map(prompts.PromptOpened, prompt_opened)
    .map(prompts.PromptAnswered, prompt_answered)
    .map(prompts.PromptClosed, prompt_closed)
    .map(prompts.PromptRevealed, prompt_revealed)
    .map(prompts.PromptAssigned, prompt_assigned)
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

    await store.atomically(work)


async def on_session_ended(
    payload: SessionEnded,
    event: CloudEvent,
    *,
    store: Store,
    settings: FeedbackSettings,
    clock: Clock,
) -> None:
    """Close the channel and its prompts, and summarise who of the students expected attended;
    the summary and its event commit with the inbox mark, once per session however often the
    end is heard. Each prompt is left to the absent students who had not answered it."""
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
        channel = channel_ended(await tx.get_channel(district, session), moment)
        await tx.save_channel(channel)
        await tx.emit(*OUTBOUND.events(await close_open_prompts(tx, channel, at=moment.at)))
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

    await store.atomically(work)


async def on_session_scheduled(
    payload: SessionScheduled, event: CloudEvent, *, store: Store
) -> None:
    """Remember the section's school: a school admin reads only their own school's sections."""
    placement = SectionSchool(payload.section_id, payload.district_id, payload.school_id)

    async def work(tx: Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            await tx.save_section_school(placement)

    await store.atomically(work)


def inbound(state: ServiceState[Store, FeedbackSettings]) -> Inbound:
    return (
        Inbound()
        .on(SessionScheduled, partial(on_session_scheduled, store=state.store))
        .on(SessionStarted, partial(on_session_started, store=state.store))
        .on(
            SessionEnded,
            partial(
                on_session_ended, store=state.store, settings=state.settings, clock=state.clock
            ),
        )
    )
