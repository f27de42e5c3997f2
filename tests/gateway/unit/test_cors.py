"""Browsers on the configured origins may call the API and open its WebSocket; no other
origin may, and none is configured by default."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from httpx_ws import WebSocketDisconnect
from pydantic import ValidationError

from bookend.auth import Role
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app, websocket
from tests.gateway.stubs import StubServices
from tests.support.auth import bearer
from tests.support.global_ids import gid

FRONT_END = "https://app.district.org"
ELSEWHERE = "https://evil.example"
VIEWER = {"query": "{ viewer { id } }"}


def an_app(**settings: object) -> FastAPI:
    return gateway_app(GatewaySettings.model_validate(settings), StubServices())


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }


async def test_a_configured_origin_gets_its_preflight_and_answers_it_may_read() -> None:
    async with client(an_app(cors_origins=FRONT_END)) as http:
        allowed = await http.options("/graphql", headers=preflight(FRONT_END))
        answer = await http.post(
            "/graphql", json=VIEWER, headers={"Origin": FRONT_END} | bearer("t1", Role.TEACHER)
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == FRONT_END
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in allowed.headers["access-control-allow-headers"].split(",")
    }
    assert "access-control-allow-credentials" not in allowed.headers  # bearer tokens only
    assert answer.json()["data"] == {"viewer": {"id": gid("Person", "t1")}}
    assert answer.headers["access-control-allow-origin"] == FRONT_END
    assert "origin" in answer.headers["vary"].lower()


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (VIEWER, {}, 401),
        ({"query": "{ viewer { id } }", "variables": {"pad": "x" * 300_000}}, {}, 413),
    ],
    ids=["no token", "body over the limit"],
)
async def test_a_refusal_reaches_a_configured_origin_readable(
    body: dict[str, object], headers: dict[str, str], status: int
) -> None:
    async with client(an_app(cors_origins=FRONT_END)) as http:
        refused = await http.post("/graphql", json=body, headers={"Origin": FRONT_END} | headers)
    assert refused.status_code == status
    assert refused.headers["access-control-allow-origin"] == FRONT_END


@pytest.mark.parametrize(
    "settings", [{}, {"cors_origins": FRONT_END}], ids=["none configured", "another configured"]
)
async def test_another_origin_gets_no_preflight_and_no_cors_headers(
    settings: dict[str, object],
) -> None:
    async with client(an_app(**settings)) as http:
        refused = await http.options("/graphql", headers=preflight(ELSEWHERE))
        answer = await http.post(
            "/graphql", json=VIEWER, headers={"Origin": ELSEWHERE} | bearer("t1", Role.TEACHER)
        )
    assert refused.status_code >= 400
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-origin" not in answer.headers  # the browser keeps it from the page


@pytest.mark.parametrize(
    ("settings", "origin", "opens"),
    [
        ({"cors_origins": FRONT_END}, FRONT_END, True),
        ({"cors_origins": FRONT_END}, ELSEWHERE, False),
        ({}, ELSEWHERE, False),
        ({}, "http://gateway", True),  # the same origin: GraphiQL in development
        ({}, None, True),  # not a browser
    ],
    ids=["configured", "not configured", "none configured", "same origin", "no Origin"],
)
async def test_a_websocket_opens_only_from_a_configured_origin(
    settings: dict[str, object], origin: str | None, opens: bool
) -> None:
    app = an_app(**settings)
    headers = {"Origin": origin} if origin else {}
    if not opens:
        # Closed before it is accepted: a server answers the handshake with 403 (the stack's
        # uvicorn does, tests/e2e/test_refusals.py); in process, the close itself is seen.
        closes: list[int] = []
        try:
            async with websocket(app, subprotocols=["graphql-transport-ws"], headers=headers):
                pass
        except* WebSocketDisconnect as refused:
            closes = [e.code for e in refused.exceptions if isinstance(e, WebSocketDisconnect)]
        assert closes == [1008]
        return
    async with websocket(app, subprotocols=["graphql-transport-ws"], headers=headers) as ws:
        assert ws.subprotocol == "graphql-transport-ws"


def test_origins_are_read_from_a_comma_separated_setting_as_browsers_send_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", " https://App.District.org , http://localhost:5173,")
    assert GatewaySettings().cors_origins == (FRONT_END, "http://localhost:5173")
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", "")
    assert GatewaySettings().cors_origins == ()


@pytest.mark.parametrize(
    "setting", ["*", "https://app.district.org/graphql", "app.district.org", "ftp://x.org"]
)
def test_a_setting_that_is_not_a_list_of_origins_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", f"{FRONT_END},{setting}")
    with pytest.raises(ValidationError, match="is not an origin like"):
        GatewaySettings()
