"""A `graphql-transport-ws` subscriber to a live session's events, as a teacher's dashboard
would hold one, noting when each check-in frame arrives."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws

EVENTS = """subscription($id: ID!) { sessionEvents(sessionId: $id) {
  __typename ... on CheckInReceived { checkIn { id studentId signal } } } }"""


@dataclass
class Subscriber:
    ws: AsyncWebSocketSession
    arrivals: dict[str, float] = field(default_factory=dict)  # check-in id -> perf_counter
    ended: str | None = None  # why the server ended the subscription, if it did
    frames: asyncio.Queue[str] = field(default_factory=asyncio.Queue)

    async def listen(self) -> None:
        """Note every check-in frame until the stream ends."""
        while self.ended is None:
            try:
                message = json.loads(await self.ws.receive_text())
            except Exception as gone:  # any way the socket ends, it ended
                self.ended = f"socket: {type(gone).__name__}"
                break
            at = time.perf_counter()
            kind = message.get("type")
            if kind == "next":
                event = (message["payload"].get("data") or {}).get("sessionEvents") or {}
                if event.get("__typename") == "CheckInReceived":
                    check_in_id = event["checkIn"]["id"]
                    self.arrivals[check_in_id] = at
                    self.frames.put_nowait(check_in_id)
                elif message["payload"].get("errors"):
                    self.ended = f"error: {message['payload']['errors']}"
            elif kind in ("error", "complete"):
                self.ended = f"{kind}: {message.get('payload')}"


async def subscribe(
    http: httpx.AsyncClient, stack: AsyncExitStack, url: str, token: str, session_id: str
) -> Subscriber:
    """Connect, subscribe, and read the status snapshot that opens every subscription."""
    ws = await stack.enter_async_context(
        aconnect_ws(
            url, http, subprotocols=["graphql-transport-ws"], session_class=AsyncWebSocketSession
        )
    )
    await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    ack = json.loads(await ws.receive_text(timeout=30))
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"not acknowledged: {ack}")
    payload = {"query": EVENTS, "variables": {"id": session_id}}
    await ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
    snapshot = json.loads(await ws.receive_text(timeout=30))
    if snapshot.get("type") != "next" or snapshot["payload"].get("errors"):
        raise RuntimeError(f"no status snapshot: {snapshot}")
    return Subscriber(ws)


def ws_url(gateway_url: str) -> str:
    return gateway_url.replace("http://", "ws://", 1)
