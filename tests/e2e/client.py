"""A mobile client's view of Bookend: one user's GraphQL over HTTP and WebSocket, nothing else."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws

from bookend.auth import Role

# A GraphQL response's `data` (or one field of it): JSON, read by the test that asked for it.
Data = dict[str, Any]


def graphql_ws(
    url: str, http: httpx.AsyncClient
) -> AbstractAsyncContextManager[AsyncWebSocketSession]:
    """A WebSocket to the gateway speaking `graphql-transport-ws`."""
    return aconnect_ws(
        url.replace("http://", "ws://"),
        http,
        subprotocols=["graphql-transport-ws"],
        session_class=AsyncWebSocketSession,
    )


class Client:
    """A GraphQL client holding one user's bearer token."""

    def __init__(self, http: httpx.AsyncClient, url: str, token: str) -> None:
        self.http, self.url, self.token = http, url, token

    async def raw(self, document: str, **variables: object) -> Data:
        """The whole response body, errors and all."""
        response = await self.http.post(
            self.url,
            # ASCII JSON with escapes, as any client may send text it was given.
            content=json.dumps({"query": document, "variables": variables}),
            headers={"Authorization": f"Bearer {self.token}", "content-type": "application/json"},
        )
        assert response.status_code == 200, response.text
        body: Data = response.json()
        return body

    async def run(self, document: str, **variables: object) -> Data:
        """The response's data; the document must not fail."""
        body = await self.raw(document, **variables)
        assert not body.get("errors"), body["errors"]
        data: Data = body["data"]
        return data

    @asynccontextmanager
    async def subscribe(
        self, document: str, **variables: object
    ) -> AsyncIterator[Callable[[], Awaitable[Data]]]:
        """Subscribe; the block gets a function that awaits the next result's payload."""
        async with graphql_ws(self.url, self.http) as ws:
            await ws.send_json(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {self.token}"}}
            )
            ack = await ws.receive_json(timeout=10)
            assert ack["type"] == "connection_ack", ack
            await ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": document, "variables": variables},
                }
            )
            yield lambda: _next_payload(ws)


async def _next_payload(ws: AsyncWebSocketSession) -> Data:
    while True:
        message = json.loads(await ws.receive_text(timeout=15))
        if message["type"] == "ping":
            await ws.send_json({"type": "pong"})
            continue
        assert message["type"] == "next", message
        payload: Data = message["payload"]
        return payload


class ClientFor(Protocol):
    """Makes a client holding a token with these claims (see tests.support.auth.token_for)."""

    def __call__(
        self,
        subject: str,
        *roles: Role,
        district: str = ...,
        sections: frozenset[str] = ...,
        children: frozenset[str] = ...,
        zone: str = ...,
    ) -> Client: ...
