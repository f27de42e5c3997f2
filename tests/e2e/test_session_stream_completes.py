"""Over a WebSocket, a live session's stream completes once the session is over: after its
ENDED or CANCELLED status, or at once for a session already over (graphql-transport-ws
`complete`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from httpx_ws import AsyncWebSocketSession

from devstack.stack import RunningStack
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import Client, ClientFor, Data, graphql_ws

EVENTS = """subscription($id: ID!) { sessionEvents(sessionId: $id) {
  __typename ... on SessionStatusChanged { sessionId status } } }"""
START = """mutation($id: ID!) { startSession(id: $id) { __typename } }"""
END = """mutation($id: ID!) { endSession(id: $id) { __typename } }"""
CANCEL = """mutation($id: ID!) { cancelSession(id: $id) { __typename } }"""


@asynccontextmanager
async def subscribed(
    stack: RunningStack, http: httpx.AsyncClient, client: Client, session_id: str
) -> AsyncIterator[AsyncWebSocketSession]:
    """A WebSocket with `EVENTS` subscribed to as operation "1"."""
    async with graphql_ws(stack.gateway_url, http) as ws:
        init = {"Authorization": f"Bearer {client.token}"}
        await ws.send_json({"type": "connection_init", "payload": init})
        assert (await ws.receive_json(timeout=10))["type"] == "connection_ack"
        payload = {"query": EVENTS, "variables": {"id": session_id}}
        await ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        yield ws


async def statuses(ws: AsyncWebSocketSession, wanted: int) -> list[str]:
    """The next `wanted` statuses sent on the stream."""
    found: list[str] = []
    while len(found) < wanted:
        message = await received(ws)
        assert message["type"] == "next", message
        found.append(message["payload"]["data"]["sessionEvents"]["status"])
    return found


async def received(ws: AsyncWebSocketSession) -> Data:
    while True:
        message: Data = json.loads(await ws.receive_text(timeout=30))
        if message["type"] == "ping":
            await ws.send_json({"type": "pong"})
            continue
        return message


async def test_a_sessions_stream_completes_after_it_ended_and_completes_at_once_once_over(
    client_for: ClientFor, stack: RunningStack, http: httpx.AsyncClient
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session_id = str((await schedule(room.teacher, room.section_id, lesson_id))["id"])

    async with subscribed(stack, http, room.teacher, session_id) as ws:
        assert await statuses(ws, 1) == ["SCHEDULED"]
        assert (await room.teacher.run(START, id=session_id))["startSession"]["__typename"] == (
            "LiveSession"
        )
        assert await statuses(ws, 1) == ["LIVE"]
        assert (await room.teacher.run(END, id=session_id))["endSession"]["__typename"] == (
            "LiveSession"
        )
        assert await statuses(ws, 1) == ["ENDED"]
        assert await received(ws) == {"id": "1", "type": "complete"}

    # A late subscriber (a student of the section) gets the session as it stands, then the end.
    async with subscribed(stack, http, room.chicago_student, session_id) as ws:
        assert await statuses(ws, 1) == ["ENDED"]
        assert await received(ws) == {"id": "1", "type": "complete"}


async def test_a_sessions_stream_completes_after_it_was_cancelled(
    client_for: ClientFor, stack: RunningStack, http: httpx.AsyncClient
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session_id = str((await schedule(room.teacher, room.section_id, lesson_id))["id"])

    async with subscribed(stack, http, room.la_student, session_id) as ws:
        assert await statuses(ws, 1) == ["SCHEDULED"]
        cancelled = (await room.teacher.run(CANCEL, id=session_id))["cancelSession"]
        assert cancelled["__typename"] == "LiveSession", cancelled
        assert await statuses(ws, 1) == ["CANCELLED"]
        assert await received(ws) == {"id": "1", "type": "complete"}

    async with subscribed(stack, http, room.teacher, session_id) as ws:
        assert await statuses(ws, 1) == ["CANCELLED"]
        assert await received(ws) == {"id": "1", "type": "complete"}
