"""The whole gateway app over stubbed services: a feed page is kept only when it has no errors,
and each answer from memory is charged to the caller's budget as the first was."""

from __future__ import annotations

import httpx
import pytest

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.eventbus import KafkaSettings
from bookend.http_contracts.scheduler import Feed
from gateway.app import create_app
from gateway.hub import Broadcast
from gateway.settings import GatewaySettings
from tests.gateway.feeds import a_page, a_task
from tests.gateway.stubs import StubServices
from tests.support.auth import TEST_SECRET, bearer
from tests.support.global_ids import gid

FEED = "{ feed(first: 50) { edges { node { id minutes } } } }"
AMARA = bearer("student-1", Role.STUDENT)


class SteadyHub(Broadcast):
    """The hub with its event feed running: kept answers may be used."""

    def trouble(self) -> str | None:
        return None


def a_feed(minutes: int) -> Feed:
    return a_page(a_task(minutes=minutes, opens_at=None))


@pytest.fixture
def services() -> StubServices:
    return StubServices()


@pytest.fixture
def gateway(services: StubServices) -> httpx.AsyncClient:
    """The app with what its lifespan would give it, from fakes: no broker is needed."""
    auth = AuthSettings(dev_secret=TEST_SECRET)
    settings = GatewaySettings()
    app = create_app(settings, kafka=KafkaSettings(), auth=auth, budget_clock=lambda: 0.0)
    app.state.settings = settings
    app.state.verifier = TokenVerifier(auth)
    app.state.upstreams = services.upstreams()
    app.state.hub = SteadyHub(queue_size=4)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def test_a_feed_page_is_kept_and_read_again_from_memory(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    services.scheduler.answer("GET", "/feed", a_feed(minutes=20))
    answers = [await gateway.post("/graphql", json={"query": FEED}, headers=AMARA) for _ in "ab"]
    assert [answer.headers["bookend-cache"] for answer in answers] == ["miss", "hit"]
    assert answers[1].json()["data"] == {
        "feed": {"edges": [{"node": {"id": gid("Task", "t1"), "minutes": 20}}]}
    }
    assert len(services.scheduler.requests) == 1
    # An answer from memory is charged as the first was, and says so in its own words.
    costs = [answer.json()["extensions"]["cost"] for answer in answers]
    assert [(cost["requested"], cost["remaining"]) for cost in costs] == [(152, 9848), (152, 9696)]


async def test_a_feed_page_with_an_error_is_never_kept(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    # A contract int that GraphQL's 32-bit Int cannot carry: the item is read, the field fails.
    services.scheduler.answer("GET", "/feed", a_feed(minutes=2**40))
    for _ in "ab":
        answer = await gateway.post("/graphql", json={"query": FEED}, headers=AMARA)
        assert answer.status_code == 200 and "bookend-cache" not in answer.headers
        body = answer.json()
        # `minutes` is non-null, and so is everything up to the feed: no data at all.
        assert body["data"] is None
        [error] = body["errors"]
        assert error["path"] == ["feed", "edges", 0, "node", "minutes"]
    assert len(services.scheduler.requests) == 2
