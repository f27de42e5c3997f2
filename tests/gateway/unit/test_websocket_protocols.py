"""Subscriptions speak `graphql-transport-ws` only: the legacy `graphql-ws` is refused."""

from __future__ import annotations

import pytest
from httpx_ws import WebSocketDisconnect

from bookend.auth import Role
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app, websocket
from tests.gateway.stubs import StubServices
from tests.support.auth import token_for


@pytest.mark.parametrize(
    "offered",
    [["graphql-ws"], [], ["graphql-ws", "graphql-transport-ws"]],
    ids=["legacy only", "none", "both, legacy preferred"],
)
async def test_a_socket_speaks_graphql_transport_ws_whatever_else_is_offered(
    offered: list[str],
) -> None:
    app = gateway_app(GatewaySettings(), StubServices())
    async with websocket(app, subprotocols=offered) as ws:
        if "graphql-transport-ws" not in offered:
            with pytest.raises(WebSocketDisconnect) as closed:
                await ws.receive_text(timeout=5)
            assert (closed.value.code, closed.value.reason) == (
                4406,
                "Subprotocol not acceptable",
            )
            return
        assert ws.subprotocol == "graphql-transport-ws"
        token = token_for("teacher-1", Role.TEACHER)
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send_json(init)
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
