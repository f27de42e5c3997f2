"""Feedback's two event tables: the check-ins and attendance summaries it publishes, and the
session starts and ends that open and close live channels (an end summarises attendance)."""

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
from services.feedback.live.ports import Store, Transaction
from services.feedback.pulse import domain as pulse
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


OUTBOUND = (
    Outbound(SOURCE)
    .map(domain.CheckInRecorded, check_in_recorded)
    .map(domain.AttendanceSummarized, attendance_summarized)
    .map(pulse.PulseSubmitted, pulse_submitted)
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
