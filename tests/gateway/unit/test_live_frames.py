"""Live updates over a WebSocket: one encoded frame per audience, the operation's id spliced
in per subscriber, and one that falls behind dropped with its code, holding up no other."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field, replace
from datetime import timedelta

import orjson
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from bookend.auth import Principal, Role
from bookend.contracts import new_event
from gateway.hub import Broadcast
from gateway.schema.frames import LiveFrames
from tests.gateway.stubs import StubServices
from tests.gateway.unit.test_session_stream import (
    CHECKED_IN,
    TEACHER,
    check_in,
    live_session,
    subscribe,
)
from tests.support.global_ids import gid

HOUR = timedelta(hours=1)


@dataclass
class Socket:
    """One client's WebSocket: the text frames sent to it, in order."""

    sent: list[dict[str, object]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text))
        self.arrived.set()


@dataclass
class Encoder:
    """The router's encoder, counting the payloads it encodes."""

    encoded: list[object] = field(default_factory=list)

    def __call__(self, data: object) -> str:
        self.encoded.append(data)
        return orjson.dumps(data).decode()


def frames(operation_id: str, socket: Socket, encoder: Encoder) -> LiveFrames:
    return LiveFrames(operation_id, send=socket.send, encode=encoder, log_errors=ignore)


def ignore(errors: list[GraphQLError]) -> None:
    pass


def services() -> StubServices:
    services = StubServices()
    services.scheduler.answer("GET", "/sessions/s1", live_session())
    return services


async def started(
    stub: StubServices, hub: Broadcast, who: Principal, live: LiveFrames
) -> tuple[AsyncGenerator[ExecutionResult, None], asyncio.Task[ExecutionResult]]:
    """A subscription past its snapshot, its updates being sent by `live`."""
    stream = await subscribe(stub, hub, HOUR, who, root_value=live)
    await anext(stream)  # the snapshot, through Strawberry as before
    return stream, asyncio.create_task(anext(stream))


async def until(*sockets: Socket, frames: int) -> None:
    for socket in sockets:
        while len(socket.sent) < frames:
            socket.arrived.clear()
            await socket.arrived.wait()


async def test_a_frame_is_encoded_once_per_audience_and_sent_to_each_subscriber() -> None:
    stub, hub, encoder = services(), Broadcast(queue_size=8), Encoder()
    stub.feedback.answer("GET", "/checkins/c1", check_in("the second part"))
    teachers = [replace(TEACHER, subject=f"teacher-{n}") for n in range(20)]
    sockets = [Socket() for _ in teachers]
    running = [
        await started(stub, hub, who, frames("1", socket, encoder))
        for who, socket in zip(teachers, sockets, strict=True)
    ]
    encoded_before = len(encoder.encoded)  # each operation's id, once
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    await until(*sockets, frames=1)
    assert len(encoder.encoded) - encoded_before == 1
    assert all(
        socket.sent
        == [
            {
                "id": "1",
                "type": "next",
                "payload": {
                    "data": {
                        "sessionEvents": {
                            "__typename": "CheckInReceived",
                            "checkIn": {"id": gid("CheckIn", "c1"), "note": "the second part"},
                        }
                    }
                },
            }
        ]
        for socket in sockets
    )
    await close(running)


async def test_two_audiences_are_never_sent_each_others_frames() -> None:
    stub, hub, encoder = services(), Broadcast(queue_size=8), Encoder()
    notes = ("the first answer", "the second answer")
    stub.feedback.answer_in_turn("GET", "/checkins/c1", *(check_in(n) for n in notes))
    teachers = [replace(TEACHER, subject=f"teacher-{n}") for n in range(3)]
    admin = Principal("admin-0", "district-1", frozenset({Role.DISTRICT_ADMIN}))
    admins = [replace(admin, subject=f"admin-{n}") for n in range(3)]
    sockets = [Socket() for _ in teachers + admins]
    running = [
        await started(stub, hub, who, frames("1", socket, encoder))
        for who, socket in zip(teachers + admins, sockets, strict=True)
    ]
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    await until(*sockets, frames=1)
    shown = [note_in(socket.sent[0]) for socket in sockets]
    assert len(set(shown[:3])) == 1 and len(set(shown[3:])) == 1
    assert {shown[0], shown[3]} == set(notes)
    await close(running)


async def test_two_subscriptions_on_one_socket_each_get_their_own_id() -> None:
    stub, hub, encoder, socket = services(), Broadcast(queue_size=8), Encoder(), Socket()
    stub.feedback.answer("GET", "/checkins/c1", check_in("the second part"))
    running = [
        await started(stub, hub, TEACHER, frames(operation_id, socket, encoder))
        for operation_id in ("first", 'se"cond')
    ]
    await hub.publish(new_event("bookend/feedback", CHECKED_IN))
    await until(socket, frames=2)
    assert sorted(str(frame["id"]) for frame in socket.sent) == ["first", 'se"cond']
    assert socket.sent[0]["payload"] == socket.sent[1]["payload"]
    await close(running)


async def test_a_subscriber_that_falls_behind_is_dropped_with_its_code_and_delays_no_other() -> (
    None
):
    stub, hub, encoder = services(), Broadcast(queue_size=2), Encoder()
    stub.feedback.answer("GET", "/checkins/c1", check_in("the second part"))
    reads = asyncio.Event()  # a client that stops reading until told to go on

    async def slowly(text: str) -> None:
        await reads.wait()

    reading = Socket()
    slow_stream, slow = await started(
        stub, hub, TEACHER, LiveFrames("1", send=slowly, encode=encoder, log_errors=ignore)
    )
    running = [await started(stub, hub, TEACHER, frames("1", reading, encoder))]
    for n in range(6):
        await hub.publish(new_event("bookend/feedback", CHECKED_IN))
        await until(reading, frames=n + 1)
    reads.set()
    dropped = await slow
    [error] = dropped.errors or []
    assert (error.extensions or {}).get("code") == "SUBSCRIPTION_TOO_SLOW"
    assert len(reading.sent) == 6
    await slow_stream.aclose()
    await close(running)


def note_in(frame: dict[str, object]) -> str:
    payload = frame["payload"]
    assert isinstance(payload, dict)
    note: str = payload["data"]["sessionEvents"]["checkIn"]["note"]
    return note


async def close(
    running: list[tuple[AsyncGenerator[ExecutionResult, None], asyncio.Task[ExecutionResult]]],
) -> None:
    for stream, task in running:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await stream.aclose()
