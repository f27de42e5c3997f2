"""The whole gateway app over stubbed services, with what its lifespan would give it from
fakes (no broker is needed), and clients of it over HTTP and WebSocket."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from httpx_ws import AsyncWebSocketSession, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from bookend.auth import AuthSettings, TokenVerifier
from bookend.eventbus import KafkaSettings
from gateway.app import create_app
from gateway.hub import Broadcast
from gateway.settings import GatewaySettings
from tests.gateway.stubs import StubServices
from tests.support.auth import TEST_SECRET


class SteadyHub(Broadcast):
    """The hub with its event feed running."""

    def trouble(self) -> str | None:
        return None


def gateway_app(
    settings: GatewaySettings,
    services: StubServices,
    *,
    budget_clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    auth = AuthSettings(dev_secret=TEST_SECRET)
    app = create_app(settings, kafka=KafkaSettings(), auth=auth, budget_clock=budget_clock)
    app.state.settings = settings
    app.state.verifier = TokenVerifier(auth)
    app.state.upstreams = services.upstreams()
    app.state.hub = SteadyHub(queue_size=4)
    return app


@asynccontextmanager
async def websocket(
    app: FastAPI, *, subprotocols: list[str], headers: dict[str, str] | None = None
) -> AsyncIterator[AsyncWebSocketSession]:
    """A WebSocket to the app's /graphql (the ASGI handshake and frames, in process).

    The subprotocols go as a header of our own: httpx-ws's client joins them with ", ", which
    its in-process transport splits on "," only, so all but the first kept a leading space.
    """
    offer = {"sec-websocket-protocol": ",".join(subprotocols)} if subprotocols else {}
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://gateway") as http,
        aconnect_ws(
            "http://gateway/graphql",
            http,
            headers=offer | (headers or {}),
            session_class=AsyncWebSocketSession,
        ) as ws,
    ):
        yield ws
