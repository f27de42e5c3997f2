"""A teacher's live stream over stubbed services: it outlives a feedback hiccup and ends
when the subscriber's token does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Principal, Role, TokenVerifier, issue_token
from bookend.contracts import new_event
from bookend.contracts.feedback import CheckInRecorded, CheckInSignal
from bookend.contracts.scheduler import SessionEnded, SessionStatus
from bookend.http_contracts.feedback import CheckIn
from bookend.http_contracts.scheduler import Session
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from tests.gateway.stubs import StubServices
from tests.support.auth import TEST_SECRET
from tests.support.global_ids import gid

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)
STREAM = """subscription { sessionEvents(sessionId: "s1") { __typename
  ... on SessionStatusChanged { status }
  ... on CheckInReceived { checkIn { id note } } } }"""
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
TEACHER = Principal(
    "teacher-1", "district-1", frozenset({Role.TEACHER}), sections=frozenset({"sec"})
)


CHECKED_IN = CheckInRecorded(
    district_id="district-1", checkin_id="c1", session_id="s1", section_id="sec",
    student_id="student-1", signal=CheckInSignal.LOST, has_note=True, recorded_at=AT,
)  # fmt: skip


def check_in(note: str) -> CheckIn:
    return CheckIn(
        id="c1", session_id="s1", section_id="sec", student_id="student-1",
        signal=CheckInSignal.LOST, note=note, recorded_at=AT,
    )  # fmt: skip


def live_session() -> Session:
    return Session(
        id="s1", district_id="district-1", school_id="school-1", section_id="sec",
        lesson_id="l1", lesson_version=1, title="Live", starts_at=AT, ends_at=AT,
        time_zone="UTC", status=SessionStatus.LIVE, started_at=AT, ended_at=None, tasks=[],
    )  # fmt: skip


async def subscribe(
    services: StubServices,
    hub: Broadcast,
    ttl: timedelta,
    principal: Principal = TEACHER,
    document: str = STREAM,
    root_value: object = None,
) -> AsyncGenerator[ExecutionResult, None]:
    context = Context(
        settings=SETTINGS,
        upstreams=services.upstreams(),
        hub=hub,
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    await context.authenticate(f"Bearer {issue_token(TEST_SECRET, principal, ttl=ttl)}")
    stream = await SCHEMA.subscribe(document, context_value=context, root_value=root_value)
    assert not isinstance(stream, ExecutionResult), stream
    return stream


@pytest.fixture
def services() -> StubServices:
    services = StubServices()
    services.scheduler.answer("GET", "/sessions/s1", live_session())
    return services


async def test_a_check_in_whose_note_cannot_be_fetched_is_shown_and_the_stream_goes_on(
    services: StubServices,
) -> None:
    services.feedback.answer("GET", "/checkins/c1", {"detail": "restarting"}, status=503)
    hub = Broadcast(queue_size=8)
    stream = await subscribe(services, hub, timedelta(hours=1))
    first = await anext(stream)
    assert first.data == {"sessionEvents": {"__typename": "SessionStatusChanged", "status": "LIVE"}}
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    shown = await anext(stream)
    assert shown.errors is None
    assert shown.data == {
        "sessionEvents": {
            "__typename": "CheckInReceived",
            "checkIn": {"id": gid("CheckIn", "c1"), "note": None},
        }
    }
    ended = SessionEnded(district_id="district-1", session_id="s1", section_id="sec", ended_at=AT)
    await hub.publish(new_event("bookend/scheduler", ended))
    last = await anext(stream)
    assert last.data == {"sessionEvents": {"__typename": "SessionStatusChanged", "status": "ENDED"}}
    await stream.aclose()


async def test_a_stream_asked_for_by_the_sessions_global_id_follows_that_session(
    services: StubServices,
) -> None:
    services.feedback.answer("GET", "/checkins/c1", check_in("the second part"))
    hub = Broadcast(queue_size=8)
    document = STREAM.replace('"s1"', f'"{gid("LiveSession", "s1")}"')
    stream = await subscribe(services, hub, timedelta(hours=1), document=document)
    first = await anext(stream)
    assert first.data == {"sessionEvents": {"__typename": "SessionStatusChanged", "status": "LIVE"}}
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    assert note_of(await asyncio.wait_for(anext(stream), 5)) == "the second part"
    assert [r.url.path for r in services.scheduler.requests] == ["/sessions/s1"]
    await stream.aclose()


async def test_the_stream_ends_with_token_expired_when_the_token_does(
    services: StubServices,
) -> None:
    stream = await subscribe(services, Broadcast(queue_size=8), timedelta(seconds=1))
    await anext(stream)  # the snapshot
    ended = await anext(stream)  # nothing happens; then the token expires
    [error] = ended.errors or []
    assert (error.extensions or {}).get("code") == "TOKEN_EXPIRED"
    await stream.aclose()


async def test_a_check_in_is_fetched_and_executed_once_per_audience_not_once_per_subscriber(
    services: StubServices,
) -> None:
    services.feedback.answer("GET", "/checkins/c1", check_in("the second part"))
    hub = Broadcast(queue_size=8)
    # Forty teachers of the section (the same claims but for who they are), and an admin.
    teachers = [replace(TEACHER, subject=f"teacher-{n}") for n in range(40)]
    admin = Principal("admin-1", "district-1", frozenset({Role.DISTRICT_ADMIN}))
    streams = [
        await subscribe(services, hub, timedelta(hours=1), who) for who in [*teachers, admin]
    ]
    for stream in streams:
        await anext(stream)  # the snapshot
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    shown = await asyncio.gather(*(anext(stream) for stream in streams))
    check_in_shown = {"id": gid("CheckIn", "c1"), "note": "the second part"}
    assert {str(result.data) for result in shown} == {
        str({"sessionEvents": {"__typename": "CheckInReceived", "checkIn": check_in_shown}})
    }
    fetched = [r.url.path for r in services.feedback.requests if r.url.path == "/checkins/c1"]
    assert len(fetched) == 2  # one for the teachers, one for the admin
    # One execution for the teachers, one for the admin: the teachers share one result.
    assert len({id(result.data) for result in shown}) == 2
    assert all(result.data is shown[0].data for result in shown[:40])
    await close(streams)


async def test_two_audiences_never_see_each_others_frames(services: StubServices) -> None:
    # Feedback answers each audience differently (as it would by their claims).
    notes = ("the first answer", "the second answer")
    services.feedback.answer_in_turn("GET", "/checkins/c1", *(check_in(n) for n in notes))
    hub = Broadcast(queue_size=8)
    teachers = [replace(TEACHER, subject=f"teacher-{n}") for n in range(5)]
    admins = [
        Principal(f"admin-{n}", "district-1", frozenset({Role.DISTRICT_ADMIN})) for n in range(5)
    ]
    streams = [await subscribe(services, hub, timedelta(hours=1), who) for who in teachers + admins]
    for stream in streams:
        await anext(stream)  # the snapshot
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    shown = [note_of(result) for result in await asyncio.gather(*(anext(s) for s in streams))]
    assert len(set(shown[:5])) == 1 and len(set(shown[5:])) == 1
    assert {shown[0], shown[5]} == set(notes)
    await close(streams)


async def test_subscribers_of_one_audience_asking_for_different_fields_get_what_each_asked(
    services: StubServices,
) -> None:
    services.feedback.answer("GET", "/checkins/c1", check_in("the second part"))
    hub = Broadcast(queue_size=8)
    without_note = STREAM.replace("checkIn { id note }", "checkIn { id }")
    streams = [
        await subscribe(services, hub, timedelta(hours=1), TEACHER, document)
        for document in (STREAM, without_note)
    ]
    for stream in streams:
        await anext(stream)  # the snapshot
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    with_it, without_it = await asyncio.gather(*(anext(stream) for stream in streams))
    assert with_it.data == {
        "sessionEvents": {
            "__typename": "CheckInReceived",
            "checkIn": {"id": gid("CheckIn", "c1"), "note": "the second part"},
        }
    }
    assert without_it.data == {
        "sessionEvents": {"__typename": "CheckInReceived", "checkIn": {"id": gid("CheckIn", "c1")}}
    }
    await close(streams)


def note_of(result: ExecutionResult) -> str:
    assert result.data is not None, result.errors
    note: str = result.data["sessionEvents"]["checkIn"]["note"]
    return note


async def close(streams: list[AsyncGenerator[ExecutionResult, None]]) -> None:
    for stream in streams:
        await stream.aclose()
