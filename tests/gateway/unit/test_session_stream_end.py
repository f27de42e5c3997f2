"""A live session's stream completes once the session is over: after its ENDED or CANCELLED
status, or at once, after the session as it stands, for a session already over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bookend.contracts import new_event
from bookend.contracts.feedback import PromptStatus
from bookend.contracts.scheduler import (
    SessionCancelled,
    SessionEnded,
    SessionStarted,
    SessionStatus,
)
from bookend.http_contracts.prompts import PromptPage
from gateway.hub import Broadcast
from tests.gateway.stubs import StubServices, only_page
from tests.gateway.unit.test_live_frames import Encoder, Socket, frames, until
from tests.gateway.unit.test_prompt_stream import prompt
from tests.gateway.unit.test_session_stream import AT, live_session, subscribe
from tests.support.global_ids import gid

HOUR = timedelta(hours=1)
STREAM = """subscription { sessionEvents(sessionId: "s1") { __typename
  ... on SessionStatusChanged { sessionId status at }
  ... on PromptPosted { prompt { id status } } } }"""
IDS = {"district_id": "district-1", "section_id": "sec"}
LATER = AT + timedelta(minutes=50)
# As the API writes them: in the viewer's zone (these tokens name none: UTC), to the millisecond.
AT_SENT, LATER_SENT = "2026-01-05T09:00:00.000+00:00", "2026-01-05T09:50:00.000+00:00"


def stubbed(status: SessionStatus) -> StubServices:
    session = live_session().model_copy(
        update={
            "status": status,
            "started_at": AT if status in (SessionStatus.LIVE, SessionStatus.ENDED) else None,
            "ended_at": LATER if status is SessionStatus.ENDED else None,
            "cancelled_at": LATER if status is SessionStatus.CANCELLED else None,
        }
    )
    services = StubServices()
    services.scheduler.answer("GET", "/sessions/s1", session)
    return services


def status(status: str, at: str) -> dict[str, object]:
    return {
        "sessionEvents": {
            "__typename": "SessionStatusChanged",
            "sessionId": gid("LiveSession", "s1"),
            "status": status,
            "at": at,
        }
    }


async def test_the_stream_completes_after_the_sessions_ended_status() -> None:
    hub = Broadcast(queue_size=8)
    stream = await subscribe(stubbed(SessionStatus.LIVE), hub, HOUR, document=STREAM)
    assert (await anext(stream)).data == status("LIVE", AT_SENT)
    # Another session's end is not this one's.
    other = SessionEnded(**IDS, session_id="s2", ended_at=LATER)
    ended = SessionEnded(**IDS, session_id="s1", ended_at=LATER)
    for payload in (other, ended):
        await hub.publish(new_event("bookend/scheduler", payload))
    assert (await anext(stream)).data == status("ENDED", LATER_SENT)
    with pytest.raises(StopAsyncIteration):
        await anext(stream)


async def test_the_stream_of_a_scheduled_session_completes_when_it_is_cancelled() -> None:
    hub = Broadcast(queue_size=8)
    stream = await subscribe(stubbed(SessionStatus.SCHEDULED), hub, HOUR, document=STREAM)
    assert (await anext(stream)).data == status("SCHEDULED", AT_SENT)
    cancelled = SessionCancelled(
        **IDS, session_id="s1", starts_at=AT, cancelled_at=LATER, series_id=None
    )
    await hub.publish(new_event("bookend/scheduler", cancelled))
    assert (await anext(stream)).data == status("CANCELLED", LATER_SENT)
    with pytest.raises(StopAsyncIteration):
        await anext(stream)


@pytest.mark.parametrize("over", [SessionStatus.ENDED, SessionStatus.CANCELLED])
async def test_a_session_already_over_is_sent_as_it_stands_and_the_stream_completes(
    over: SessionStatus,
) -> None:
    services = stubbed(over)
    closed = prompt(status=PromptStatus.CLOSED, closed_at=LATER)
    services.feedback.answer("GET", "/sessions/s1/prompts", only_page(PromptPage, [closed]))
    hub = Broadcast(queue_size=8)
    stream = await subscribe(services, hub, HOUR, document=STREAM)
    assert (await anext(stream)).data == status(over.name, LATER_SENT)
    posted = await anext(stream)  # what a late joiner starts from
    assert posted.data == {
        "sessionEvents": {
            "__typename": "PromptPosted",
            "prompt": {"id": gid("Prompt", "p1"), "status": "CLOSED"},
        }
    }
    with pytest.raises(StopAsyncIteration):
        await anext(stream)


async def test_over_a_websocket_the_ended_frame_is_sent_before_the_stream_completes() -> None:
    hub, socket = Broadcast(queue_size=8), Socket()
    live = frames("7", socket, Encoder())
    stream = await subscribe(
        stubbed(SessionStatus.LIVE), hub, HOUR, document=STREAM, root_value=live
    )
    await anext(stream)  # the snapshot, through Strawberry
    rest = asyncio.create_task(anext(stream))
    await asyncio.sleep(0)
    started = SessionStarted(**IDS, session_id="s1", started_at=AT)
    ended = SessionEnded(**IDS, session_id="s1", ended_at=LATER)
    for payload in (started, ended):
        await hub.publish(new_event("bookend/scheduler", payload))
    await until(socket, frames=2)
    assert [frame["payload"] for frame in socket.sent] == [
        {"data": status("LIVE", AT_SENT)},
        {"data": status("ENDED", LATER_SENT)},
    ]
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(rest, timeout=5)
