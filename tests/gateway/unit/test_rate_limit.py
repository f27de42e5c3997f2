"""Each token has a budget of cost points (ADR 0043): a request its budget cannot pay for is
refused before anything runs, with RATE_LIMITED and when to come back, over HTTP (429 and
`Retry-After`) and WebSocket alike; an answer from memory is charged as any other; and every
answer says what it cost and what is left."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bookend.auth import Role
from bookend.http_contracts.catalog import LessonList
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app, websocket
from tests.gateway.feeds import a_page, a_task
from tests.gateway.stubs import StubServices, a_lesson
from tests.support.auth import bearer, token_for
from tests.support.global_ids import gid

LESSON = '{ lesson(id: "l1") { id title } }'  # 3 points
FEED = "{ feed(first: 5) { edges { node { id } } } }"  # 12 points
EVENTS = 'subscription { sessionEvents(sessionId: "s1") { __typename } }'  # 1 point
TEACHER = bearer("teacher-1", Role.TEACHER)
AMARA = bearer("student-1", Role.STUDENT)


class Ticks:
    """The budgets' clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def services() -> StubServices:
    services = StubServices()
    services.catalog.answer("GET", "/lessons/by-id", LessonList(items=[a_lesson("l1")]))
    services.scheduler.answer("GET", "/feed", a_page(a_task()))
    return services


def an_app(services: StubServices, ticks: Ticks, *, burst: int) -> FastAPI:
    # A point a second: what a refused request waits for is easy to read.
    settings = GatewaySettings(cost_per_minute=60, cost_burst=burst)
    return gateway_app(settings, services, budget_clock=ticks)


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def ask(http: httpx.AsyncClient, document: str, headers: dict[str, str]) -> httpx.Response:
    return await http.post("/graphql", json={"query": document}, headers=headers)


async def test_a_token_over_its_budget_is_told_when_to_come_back_and_nothing_runs(
    services: StubServices,
) -> None:
    ticks = Ticks()
    async with client(an_app(services, ticks, burst=5)) as http:
        paid = await ask(http, LESSON, TEACHER)
        refused = await ask(http, LESSON, TEACHER)
        ticks.now = 0.5  # half the point missing
        still = await ask(http, LESSON, TEACHER)
        ticks.now = 1.0  # as Retry-After said
        again = await ask(http, LESSON, TEACHER)
    assert paid.json()["extensions"]["cost"] == {
        "requested": 3,
        "remaining": 2,
        "maximum": 5,
        "perMinute": 60,
    }
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "1")
    body: dict[str, Any] = refused.json()
    assert body["data"] is None
    assert [error["extensions"] for error in body["errors"]] == [
        {"code": "RATE_LIMITED", "retryAfter": 1, "cost": 3, "remaining": 2}
    ]
    assert body["extensions"]["cost"]["remaining"] == 2
    assert still.status_code == 429 and again.status_code == 200
    assert again.json()["data"]["lesson"]["id"] == gid("Lesson", "l1")
    assert len(services.catalog.requests) == 2  # the refused two reached no service


async def test_one_tokens_spending_leaves_anothers_budget_alone(services: StubServices) -> None:
    async with client(an_app(services, Ticks(), burst=3)) as http:
        await ask(http, LESSON, TEACHER)
        other = await ask(http, LESSON, bearer("teacher-2", Role.TEACHER))
        same = await ask(http, LESSON, TEACHER)
    assert (other.status_code, same.status_code) == (200, 429)


async def test_a_document_no_budget_can_pay_for_is_refused_without_a_retry(
    services: StubServices,
) -> None:
    async with client(an_app(services, Ticks(), burst=2)) as http:
        refused = await ask(http, LESSON, TEACHER)
    assert refused.status_code == 200 and "retry-after" not in refused.headers
    assert [error["extensions"]["code"] for error in refused.json()["errors"]] == [
        "QUERY_TOO_COSTLY"
    ]
    assert services.catalog.requests == []


async def test_an_answer_from_memory_is_charged_and_refused_once_the_budget_is_spent(
    services: StubServices,
) -> None:
    ticks = Ticks()
    async with client(an_app(services, ticks, burst=30)) as http:
        answers = [await ask(http, FEED, AMARA) for _ in range(3)]
    assert [answer.headers.get("bookend-cache") for answer in answers] == ["miss", "hit", None]
    assert [answer.json()["extensions"]["cost"]["remaining"] for answer in answers] == [18, 6, 6]
    assert answers[2].status_code == 429
    assert len(services.scheduler.requests) == 1


async def test_a_subscription_is_charged_once_when_it_starts(services: StubServices) -> None:
    ticks = Ticks()
    app = an_app(services, ticks, burst=1)
    token = token_for("teacher-1", Role.TEACHER)
    async with websocket(app, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send_json(init)
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}})
        assert (await ws.receive_json(timeout=5))["id"] == "1"  # it started
        asked = len(services.scheduler.requests)
        await ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": EVENTS}})
        refused = await ws.receive_json(timeout=5)
        while refused["id"] != "2":  # the first one's own end (no session s1 upstream)
            refused = await ws.receive_json(timeout=5)
        assert refused["type"] == "error"
        assert [error["extensions"] for error in refused["payload"]] == [
            {"code": "RATE_LIMITED", "retryAfter": 1, "cost": 1, "remaining": 0}
        ]
        assert len(services.scheduler.requests) == asked


async def test_a_web_front_end_on_another_origin_may_read_when_to_come_back(
    services: StubServices,
) -> None:
    front_end = "https://app.district.org"
    settings = GatewaySettings(cost_per_minute=60, cost_burst=3, cors_origins=front_end)
    app = gateway_app(settings, services, budget_clock=Ticks())
    async with client(app) as http:
        for _ in range(2):
            answer = await ask(http, LESSON, TEACHER | {"Origin": front_end})
    assert answer.status_code == 429
    assert "retry-after" in answer.headers["access-control-expose-headers"].lower()
