"""The whole gateway app over stubbed services: a feed page is kept only when it has no errors."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.contracts.scheduler import FeedItemKind, FeedItemStatus
from bookend.eventbus import KafkaSettings
from bookend.http_contracts.paging import PageInfo
from bookend.http_contracts.scheduler import Feed, FeedItem
from gateway.app import create_app
from gateway.hub import Broadcast
from gateway.settings import GatewaySettings
from tests.gateway.stubs import StubServices
from tests.support.auth import TEST_SECRET, bearer

FEED = "{ feed(first: 50) { edges { node { id minutes } } } }"
AMARA = bearer("student-1", Role.STUDENT)


class SteadyHub(Broadcast):
    """The hub with its event feed running: kept answers may be used."""

    def trouble(self) -> str | None:
        return None


def a_feed(minutes: int) -> Feed:
    due = datetime(2026, 3, 3, 15, tzinfo=UTC)
    item = FeedItem(
        item_id="t1",
        kind=FeedItemKind.TASK,
        section_id="sec-1",
        session_id=None,
        lesson_id="l1",
        title="Read chapter 3",
        bookend=None,
        minutes=minutes,
        status=FeedItemStatus.UPCOMING,
        starts_at=None,
        ends_at=None,
        opens_at=None,
        due_at=due,
        actionable_at=due,
        rule_time_zone="America/New_York",
        cursor="c1",
    )
    page = PageInfo(has_next_page=False, end_cursor="c1")
    return Feed(items=[item], page_info=page, time_zone="America/Chicago")


@pytest.fixture
def services() -> StubServices:
    return StubServices()


@pytest.fixture
def gateway(services: StubServices) -> httpx.AsyncClient:
    """The app with what its lifespan would give it, from fakes: no broker is needed."""
    auth = AuthSettings(dev_secret=TEST_SECRET)
    settings = GatewaySettings()
    app = create_app(settings, kafka=KafkaSettings(), auth=auth)
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
    assert answers[1].json() == {
        "data": {"feed": {"edges": [{"node": {"id": "t1", "minutes": 20}}]}}
    }
    assert len(services.scheduler.requests) == 1


async def test_a_feed_page_with_an_error_is_never_kept(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    # A contract int that GraphQL's 32-bit Int cannot carry: the item is read, the field fails.
    services.scheduler.answer("GET", "/feed", a_feed(minutes=2**40))
    for _ in "ab":
        answer = await gateway.post("/graphql", json={"query": FEED}, headers=AMARA)
        assert answer.status_code == 200 and "bookend-cache" not in answer.headers
        body = answer.json()
        assert body["data"] == {"feed": {"edges": [{"node": {"id": "t1", "minutes": None}}]}}
        [error] = body["errors"]
        assert error["path"] == ["feed", "edges", 0, "node", "minutes"]
    assert len(services.scheduler.requests) == 2
