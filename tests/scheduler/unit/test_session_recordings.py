"""Recordings heard from the catalog, shown on their sessions: once per event, the first kept."""

from __future__ import annotations

from datetime import timedelta

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import ComponentKind, ModeFit, RecordingPublished
from bookend.hosting import ServiceState
from services.scheduler.events import inbound
from services.scheduler.sessions import service
from services.scheduler.sessions.domain import SessionRecording
from services.scheduler.settings import SchedulerSettings
from tests.scheduler.builders import MONDAY, NOW, STUDENT, D, schedule
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids


def published(session_id: str, component_id: str = "rec-1", url: str = "seminar") -> CloudEvent:
    payload = RecordingPublished(
        district_id=D,
        component_id=component_id,
        session_id=session_id,
        section_id="sec-math",
        lesson_id="lesson-1",
        lesson_version=1,
        title="Fractions, recorded",
        kind=ComponentKind.MODEL,
        mode_fit=ModeFit.ON_DEMAND,
        minutes=50,
        url=f"https://cdn.example.org/{url}.mp4",
        duration_seconds=2950,
        bytes=900_000_000,
        published_at=NOW + timedelta(days=8),
    )
    return new_event("bookend/catalog", payload)


async def deliver(store: FakeScheduler, *events: CloudEvent) -> None:
    state = ServiceState(
        store=store, settings=SchedulerSettings(), clock=Clock(NOW), ids=counting_ids()
    )
    for event in events:
        await inbound(state)(event)


async def recording_of(store: FakeScheduler, session_id: str) -> SessionRecording | None:
    booked = await service.get_session(session_id, principal=STUDENT, store=store)
    return booked.session.recording


async def test_a_published_recording_is_shown_on_its_session(store: FakeScheduler) -> None:
    session = (await schedule(store, MONDAY)).session
    assert await recording_of(store, session.id) is None
    await deliver(store, published(session.id))
    assert await recording_of(store, session.id) == SessionRecording(
        component_id="rec-1",
        title="Fractions, recorded",
        minutes=50,
        url="https://cdn.example.org/seminar.mp4",
        published_at=NOW + timedelta(days=8),
    )


async def test_a_repeated_or_second_recording_event_changes_nothing(store: FakeScheduler) -> None:
    session = (await schedule(store, MONDAY)).session
    event = published(session.id)
    await deliver(store, event)
    first = await recording_of(store, session.id)
    # The same id with other data: the inbox skips it; another id: the first recording stays.
    again = new_event(
        "bookend/catalog",
        RecordingPublished.model_validate(event.data | {"url": "https://x.example.org/a.mp4"}),
        event_id=event.id,
    )
    await deliver(store, again, published(session.id, "rec-2", "other"))
    assert await recording_of(store, session.id) == first


async def test_a_recording_of_a_session_unknown_here_changes_nothing(store: FakeScheduler) -> None:
    session = (await schedule(store, MONDAY)).session
    await deliver(store, published("session-elsewhere"))
    assert await recording_of(store, session.id) is None
    assert await store.get_session(D, "session-elsewhere") is None
