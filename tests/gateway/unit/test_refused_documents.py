"""An abusive document is refused with a code of its own before any resolver runs: nothing
reaches a service, over HTTP or WebSocket."""

from __future__ import annotations

import logging

import httpx
import pytest
from httpx_ws import WebSocketDisconnect

from bookend.auth import Role
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app, websocket
from tests.gateway.stubs import StubServices
from tests.support.auth import bearer, token_for

LESSON = '{ lesson(id: "l1") { id } }'
PUBLISH = 'publishLesson(id: "{}") {{ __typename }}'


@pytest.mark.parametrize(
    ("limits", "document", "code"),
    [
        ({"max_query_depth": 1}, '{ lesson(id: "l1") { components { kind } } }', "QUERY_TOO_DEEP"),
        ({"max_fields": 2}, '{ lesson(id: "l1") { id title } }', "TOO_MANY_FIELDS"),
        ({"max_aliases": 0}, '{ l: lesson(id: "l1") { id } }', "TOO_MANY_ALIASES"),
        ({"max_tokens": 10}, '{ lesson(id: "l1") { id title subject } }', "TOO_MANY_TOKENS"),
        (
            {},
            f"mutation {{ a: {PUBLISH.format('l1')} b: {PUBLISH.format('l2')} }}",
            "ONE_MUTATION_A_REQUEST",
        ),
        (
            {},
            f"mutation {{ {PUBLISH.format('l1')} ...More }} "
            f"fragment More on Mutation {{ again: {PUBLISH.format('l1')} }}",
            "ONE_MUTATION_A_REQUEST",
        ),
    ],
    ids=["too deep", "too many fields", "too many aliases", "too many tokens", "two writes",
         "a write hidden in a fragment"],
)  # fmt: skip
async def test_an_abusive_document_is_refused_with_its_code_and_reaches_no_service(
    limits: dict[str, int], document: str, code: str
) -> None:
    services = StubServices()
    refusing = gateway_app(GatewaySettings.model_validate(limits), services)
    teacher = bearer("teacher-1", Role.TEACHER)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=refusing), base_url="http://gateway"
    ) as http:
        answer = await http.post("/graphql", json={"query": document}, headers=teacher)
    assert answer.status_code == 200  # as every GraphQL refusal of a document
    body = answer.json()
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert services.catalog.requests == []

    # The same document within the limits does reach the catalog: the count above means it.
    if code == "ONE_MUTATION_A_REQUEST":
        document = f"mutation {{ {PUBLISH.format('l1')} }}"
    allowing = gateway_app(GatewaySettings(), services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=allowing), base_url="http://gateway"
    ) as http:
        await http.post("/graphql", json={"query": document}, headers=teacher)
    assert services.catalog.requests


async def test_a_subscription_over_the_limits_is_refused_before_it_starts() -> None:
    services = StubServices()
    app = gateway_app(GatewaySettings(max_aliases=0), services)
    token = token_for("teacher-1", Role.TEACHER)
    aliased = 'subscription { s: sessionEvents(sessionId: "s1") { __typename } }'
    async with websocket(app, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send_json(init)
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": aliased}})
        refused = await ws.receive_json(timeout=5)
        assert refused["type"] == "error", refused
        assert [e["extensions"]["code"] for e in refused["payload"]] == ["TOO_MANY_ALIASES"]
        assert services.scheduler.requests == services.feedback.requests == []

        # Within the limits, the subscription starts by asking the scheduler for the session.
        plain = aliased.replace("s: ", "")
        await ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": plain}})
        assert (await ws.receive_json(timeout=5))["id"] == "2"
        assert services.scheduler.requests


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("subscription { sessionEvents(", "Syntax Error: Expected Name, found <EOF>."),
        (
            "subscription { " + "a " * 1200 + "}",
            "Syntax Error: Document contains more than 1000 tokens. Parsing aborted.",
        ),
    ],
    ids=["syntax", "too many tokens"],
)
async def test_a_subscription_that_does_not_parse_closes_the_socket_saying_why(
    document: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Strawberry's answer to a syntax error on graphql-transport-ws (4400 with the reason);
    once it ended the subscription silently, logged as a crash."""
    app = gateway_app(GatewaySettings(), StubServices())
    token = token_for("teacher-1", Role.TEACHER)
    async with websocket(app, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send_json(init)
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": document}})
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=5)
    assert (closed.value.code, closed.value.reason) == (4400, reason)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
