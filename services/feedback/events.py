"""Feedback's two event tables: the check-ins it publishes, and the session starts and ends
that open and close live channels."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from bookend.contracts import CloudEvent
from bookend.contracts import feedback as contract
from bookend.contracts.scheduler import SessionEnded, SessionScheduled, SessionStarted
from bookend.eventbus import Inbound, Outbound
from bookend.hosting import ServiceState
from services.feedback import domain
from services.feedback.domain import (
    LiveChannel,
    SectionSchool,
    SessionMoment,
    channel_ended,
    channel_started,
)
from services.feedback.ports import Store, Transaction
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


OUTBOUND = Outbound(SOURCE).map(domain.CheckInRecorded, check_in_recorded)


async def on_session_started(payload: SessionStarted, event: CloudEvent, *, store: Store) -> None:
    moment = SessionMoment(
        payload.session_id, payload.district_id, payload.section_id, payload.started_at
    )
    await _change_channel(event, moment, channel_started, store=store)


async def on_session_ended(payload: SessionEnded, event: CloudEvent, *, store: Store) -> None:
    moment = SessionMoment(
        payload.session_id, payload.district_id, payload.section_id, payload.ended_at
    )
    await _change_channel(event, moment, channel_ended, store=store)


async def _change_channel(
    event: CloudEvent,
    moment: SessionMoment,
    change: Callable[[LiveChannel | None, SessionMoment], LiveChannel],
    *,
    store: Store,
) -> None:
    """Apply `change` once per event: the inbox mark and the change commit together."""

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        channel = await tx.get_channel(moment.district_id, moment.session_id)
        await tx.save_channel(change(channel, moment))

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
        .on(SessionEnded, partial(on_session_ended, store=state.store))
    )
