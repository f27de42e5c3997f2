"""The whole stack as a mobile client sees it: GraphQL over HTTP and WebSocket, nothing else."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_ws import AsyncWebSocketSession, aconnect_ws

from bookend.auth import Role
from devstack.processes import free_port
from devstack.stack import (
    EMBEDDED_KAFKA,
    EMBEDDED_MONGO,
    RunningStack,
    StackConfig,
    start_stack,
)
from tests.conftest import Embedded
from tests.support.auth import TEST_SECRET, token_for


@pytest.fixture(scope="session")
def stack(embedded: Embedded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    home: Path = tmp_path_factory.mktemp("stack")
    # The stack's own processes; the broker and store are the session's embedded ones.
    from devstack.processes import Processes

    processes = Processes(home / "logs")
    config = StackConfig(
        home=home, gateway_port=free_port(), dev_secret=TEST_SECRET,
        kafka_bootstrap=embedded.kafka_bootstrap, mongo_uri=embedded.mongo_uri,
        extra_env=EMBEDDED_KAFKA | EMBEDDED_MONGO | {
            "CATALOG_DATABASE": "e2e_catalog", "SCHEDULER_DATABASE": "e2e_scheduler",
            "FEEDBACK_DATABASE": "e2e_feedback",
        },
    )
    try:
        yield start_stack(processes, config)
    finally:
        processes.stop_all()


class Client:
    """A GraphQL client holding one user's bearer token."""

    def __init__(self, http: httpx.AsyncClient, url: str, token: str) -> None:
        self.http, self.url, self.token = http, url, token

    async def raw(self, document: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            self.url, json={"query": document, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def run(self, document: str, **variables: Any) -> dict[str, Any]:
        body = await self.raw(document, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    @asynccontextmanager
    async def subscribe(
        self, document: str, **variables: Any
    ) -> AsyncIterator[Callable[[], Any]]:
        ws_url = self.url.replace("http://", "ws://")
        async with aconnect_ws(ws_url, self.http, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send_json(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {self.token}"}}
            )
            ack = await ws.receive_json(timeout=10)
            assert ack["type"] == "connection_ack", ack
            await ws.send_json(
                {"id": "1", "type": "subscribe",
                 "payload": {"query": document, "variables": variables}}
            )
            yield lambda: _next_payload(ws)


async def _next_payload(ws: AsyncWebSocketSession) -> dict[str, Any]:
    while True:
        message = json.loads(await ws.receive_text(timeout=15))
        if message["type"] == "ping":
            await ws.send_json({"type": "pong"})
            continue
        assert message["type"] == "next", message
        payload: dict[str, Any] = message["payload"]
        return payload


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture
def client_for(
    stack: RunningStack, http: httpx.AsyncClient
) -> Callable[..., Client]:
    def make(subject: str, *roles: Role, **claims: Any) -> Client:
        return Client(http, stack.gateway_url, token_for(subject, *roles, **claims))

    return make
