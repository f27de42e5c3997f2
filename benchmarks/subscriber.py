"""A `graphql-transport-ws` subscriber to a live session's events, as a teacher's dashboard
would hold one, noting when each check-in frame arrives. Each is held by one task from
connecting to closing. On the `websockets` client, not httpx-ws: a frame costs it a fraction
of what it cost through httpx-ws (anyio streams and a reader task per connection), and with a
thousand subscribers in one process the client was what the fan-out bench measured."""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

EVENTS = """subscription($id: ID!) { sessionEvents(sessionId: $id) {
  __typename ... on CheckInReceived { checkIn { id studentId signal } } } }"""


@dataclass
class Subscriber:
    url: str  # ws://…/graphql
    token: str
    session_id: str
    arrivals: dict[str, float] = field(default_factory=dict)  # check-in id -> perf_counter
    frames: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)  # or failed: see `ended`
    ended: str | None = None  # why the subscription ended, if it did

    async def hold(self, gate: AbstractAsyncContextManager[object] | None = None) -> None:
        """Connect and subscribe (inside `gate`, to bound how many do at once), read the status
        snapshot that opens every subscription, then note check-in frames until cancelled."""
        try:
            async with connect(
                self.url,
                subprotocols=[Subprotocol("graphql-transport-ws")],
                compression=None,
                ping_interval=None,
                open_timeout=60,
            ) as ws:
                async with gate or nullcontext():
                    await self._subscribe(ws)
                self.subscribed.set()
                await self._listen(ws)
        except (WebSocketException, OSError, RuntimeError, TimeoutError) as failed:
            self.ended = self.ended or f"{type(failed).__name__}: {failed}"
        finally:
            self.subscribed.set()

    async def _subscribe(self, ws: ClientConnection) -> None:
        init = {"Authorization": f"Bearer {self.token}"}
        await _send(ws, {"type": "connection_init", "payload": init})
        ack = orjson.loads(await asyncio.wait_for(ws.recv(), 60))
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"not acknowledged: {ack}")
        payload = {"query": EVENTS, "variables": {"id": self.session_id}}
        await _send(ws, {"id": "1", "type": "subscribe", "payload": payload})
        snapshot = orjson.loads(await asyncio.wait_for(ws.recv(), 60))
        if snapshot.get("type") != "next" or snapshot["payload"].get("errors"):
            raise RuntimeError(f"no status snapshot: {snapshot}")

    async def _listen(self, ws: ClientConnection) -> None:
        while self.ended is None:
            message = orjson.loads(await ws.recv())
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


async def _send(ws: ClientConnection, message: dict[str, object]) -> None:
    await ws.send(orjson.dumps(message).decode())  # text frames, as the protocol requires


def ws_url(gateway_url: str) -> str:
    return gateway_url.replace("http://", "ws://", 1)


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
