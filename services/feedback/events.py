"""Feedback's event contract mapping and its inbound handlers (session started / ended)."""

from __future__ import annotations

from collections.abc import Callable

from bookend.contracts import CloudEvent, new_event, spec_for
from bookend.contracts.feedback import CheckInRecorded
from bookend.contracts.scheduler import SessionEnded, SessionStarted
from bookend.eventbus import Handler
from services.feedback.domain import CheckIn, LiveChannel
from services.feedback.ports import FeedbackRepository, FeedbackUnit

SOURCE = "bookend/feedback"
CONSUMER = "bookend.feedback"


def check_in_recorded(check_in: CheckIn) -> CloudEvent:
    # The note's text is the student's own words: it stays here, readers fetch it by id.
    return new_event(SOURCE, CheckInRecorded(
        district_id=check_in.district_id,
        checkin_id=check_in.id,
        session_id=check_in.session_id,
        section_id=check_in.section_id,
        student_id=check_in.student_id,
        signal=check_in.signal,
        has_note=check_in.has_note,
        recorded_at=check_in.recorded_at,
    ))


def handlers(store: FeedbackRepository) -> dict[str, Handler]:
    """The inbound table: event type to handler, bound to one store."""

    async def started(event: CloudEvent) -> None:
        await on_session_started(event, store=store)

    async def ended(event: CloudEvent) -> None:
        await on_session_ended(event, store=store)

    return {spec_for(SessionStarted).type: started, spec_for(SessionEnded).type: ended}


async def on_session_started(event: CloudEvent, *, store: FeedbackRepository) -> None:
    """Open the session's channel; an end that overtook this start keeps it closed."""
    started = SessionStarted.model_validate(event.data)
    await _change_channel(
        event, started.district_id, started.session_id, store=store,
        change=lambda channel: LiveChannel.opened(
            session_id=started.session_id, district_id=started.district_id,
            section_id=started.section_id, at=started.started_at,
        ) if channel is None else channel.started(started.started_at),
    )


async def on_session_ended(event: CloudEvent, *, store: FeedbackRepository) -> None:
    """Close the session's channel, creating it closed if its start has not arrived."""
    ended = SessionEnded.model_validate(event.data)
    await _change_channel(
        event, ended.district_id, ended.session_id, store=store,
        change=lambda channel: LiveChannel.closed(
            session_id=ended.session_id, district_id=ended.district_id,
            section_id=ended.section_id, at=ended.ended_at,
        ) if channel is None else channel.ended(ended.ended_at),
    )


async def _change_channel(
    event: CloudEvent,
    district_id: str,
    session_id: str,
    *,
    store: FeedbackRepository,
    change: Callable[[LiveChannel | None], LiveChannel],
) -> None:
    """Apply `change` once per event: the inbox mark and the change commit together."""

    async def work(tx: FeedbackUnit) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        await tx.save_channel(change(await tx.find_channel(district_id, session_id)))

    await store.atomically(work)
