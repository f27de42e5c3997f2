"""The response cache: which documents it keeps, for whom, and when it forgets (ADR 0017)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bookend.auth import AuthSettings, Principal, Role, TokenVerifier
from bookend.contracts.scheduler import FeedsChanged, SessionStarted
from bookend.hosting.limits import Receive, Scope, Send
from gateway.responses import (
    TICKET,
    CachedResponses,
    ResponseCache,
    Ticket,
    forget_changed_feeds,
    plan_for,
)
from tests.support.auth import TEST_SECRET, bearer

FEED = "query($s: ID) { feed(first: 50, studentId: $s) { edges { node { id } } } }"
STUDENT = Principal("student-1", "district-1", frozenset({Role.STUDENT}))


@pytest.mark.parametrize(
    ("document", "owners"),
    [
        ("{ feed { edges { cursor } } }", (None,)),
        ('{ feed(studentId: "st-9") { edges { cursor } } __typename }', ("st-9",)),
        (FEED, ("$s",)),
        (
            '{ a: feed { pageInfo { hasNextPage } } b: feed(studentId: "x") { timeZone } }',
            (None, "x"),
        ),
    ],
)
def test_documents_that_read_only_feeds_are_kept_with_their_owners(
    document: str, owners: tuple[str | None, ...]
) -> None:
    plan = plan_for(document, None)
    assert plan is not None and plan.owners == owners


@pytest.mark.parametrize(
    "document",
    [
        "{ feed { edges { cursor } } viewer { id } }",
        'mutation { startSession(id: "s") { __typename } }',
        'subscription { sessionEvents(sessionId: "s") { __typename } }',
        "{ ...F } fragment F on Query { feed { timeZone } }",
        "{ feed @include(if: true) { timeZone } }",
        "{ __typename }",
        "{ feed { timeZone }",
    ],
    ids=["another root", "mutation", "subscription", "fragment", "directive", "no feed", "syntax"],
)
def test_every_other_document_passes_through(document: str) -> None:
    assert plan_for(document, None) is None


def test_the_operation_named_is_the_one_planned() -> None:
    both = "query A { feed { timeZone } } query B { viewer { id } }"
    assert plan_for(both, "A") is not None
    assert plan_for(both, "B") is None
    assert plan_for(both, None) is None  # ambiguous: the schema refuses it


def test_a_variable_owner_is_the_variables_value_or_the_caller() -> None:
    plan = plan_for(FEED, None)
    assert plan is not None
    assert plan.tags(STUDENT, {"s": "st-2"}) == frozenset({("feed", "district-1", "st-2")})
    assert plan.tags(STUDENT, {}) == frozenset({("feed", "district-1", "student-1")})
    assert plan.tags(STUDENT, {"s": ["st-2"]}) is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key(name: str) -> Any:
    return (name, None, b"{}", STUDENT)


TAG = ("feed", "district-1", "student-1")


def test_a_kept_answer_is_forgotten_when_its_feed_changes() -> None:
    cache = ResponseCache(max_entries=10, max_age=60)
    kept = cache.keep(cache.ticket(key("a"), frozenset({TAG})), b"{}")
    assert kept is not None and cache.get(key("a")) is kept
    cache.forget([("feed", "district-1", "student-2")])
    assert cache.get(key("a")) is kept
    cache.forget([TAG])
    assert cache.get(key("a")) is None


def test_an_answer_read_while_its_feed_changed_is_not_kept() -> None:
    cache = ResponseCache(max_entries=10, max_age=60)
    ticket = cache.ticket(key("a"), frozenset({TAG}))
    cache.forget([TAG])  # the change lands while the scheduler is answering
    assert cache.keep(ticket, b"{}") is None
    assert cache.keep(cache.ticket(key("a"), frozenset({TAG})), b"{}") is not None


def test_an_answer_is_kept_until_a_status_changes_by_the_clock_or_the_max_age() -> None:
    clock = Clock()
    cache = ResponseCache(max_entries=10, max_age=60, clock=clock)
    soon = cache.ticket(key("soon"), frozenset({TAG}))
    soon.until(datetime.now(UTC) + timedelta(seconds=5))
    assert cache.keep(soon, b"{}") is not None
    cache.keep(cache.ticket(key("later"), frozenset({TAG})), b"{}")
    clock.now += 6
    assert cache.get(key("soon")) is None
    assert cache.get(key("later")) is not None
    clock.now += 60
    assert cache.get(key("later")) is None
    past = cache.ticket(key("past"), frozenset({TAG}))
    past.until(datetime.now(UTC) - timedelta(seconds=1))
    assert cache.keep(past, b"{}") is None


def test_clearing_forgets_everything_and_every_read_running() -> None:
    cache = ResponseCache(max_entries=10, max_age=60)
    cache.keep(cache.ticket(key("a"), frozenset({TAG})), b"{}")
    running = cache.ticket(key("b"), frozenset({TAG}))
    cache.clear()
    assert cache.get(key("a")) is None
    assert cache.keep(running, b"{}") is None


def test_the_least_recently_used_answer_goes_first() -> None:
    cache = ResponseCache(max_entries=2, max_age=60)
    for name in ("a", "b"):
        cache.keep(cache.ticket(key(name), frozenset({TAG})), b"{}")
    cache.get(key("a"))
    cache.keep(cache.ticket(key("c"), frozenset({TAG})), b"{}")
    assert [cache.get(key(n)) is not None for n in ("a", "b", "c")] == [True, False, True]
    cache.forget([TAG])
    assert len(cache) == 0


def test_the_hub_listener_forgets_the_feeds_named_and_ignores_other_events() -> None:
    cache = ResponseCache(max_entries=10, max_age=60)
    listener = forget_changed_feeds(cache)
    cache.keep(cache.ticket(key("a"), frozenset({TAG})), b"{}")
    listener(
        SessionStarted(
            district_id="district-1", session_id="s", section_id="x", started_at=datetime.now(UTC)
        )
    )
    listener(FeedsChanged(district_id="district-2", student_ids=["student-1"]))
    assert cache.get(key("a")) is not None
    listener(FeedsChanged(district_id="district-1", student_ids=["student-9", "student-1"]))
    assert cache.get(key("a")) is None


class Schema:
    """The GraphQL route as the middleware sees it: answers each request, reading a feed."""

    def __init__(self) -> None:
        self.calls = 0
        self.answer: dict[str, Any] = {"data": {"feed": {"edges": []}}}
        self.changes_at: datetime | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        request = json.loads((await receive())["body"])
        ticket: Ticket | None = scope.get(TICKET)
        if ticket is not None:
            ticket.until(self.changes_at)
            ticket.failed = bool(self.answer.get("errors"))  # as the GraphQL route marks it
        body = json.dumps({**self.answer, "echo": request.get("variables")}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


class Stack:
    def __init__(self) -> None:
        self.schema = Schema()
        self.cache = ResponseCache(max_entries=100, max_age=60)
        self.healthy = True
        verifier = TokenVerifier(AuthSettings(dev_secret=TEST_SECRET))
        app = CachedResponses(
            self.schema,
            path="/graphql",
            cache=self.cache,
            verifier=lambda: verifier,
            healthy=lambda: self.healthy,
        )
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        )

    async def post(
        self, headers: dict[str, str], document: str = FEED, **variables: Any
    ) -> httpx.Response:
        body = {"query": document, "variables": variables}
        return await self.http.post("/graphql", json=body, headers=headers)


@pytest.fixture
def stack() -> Stack:
    return Stack()


AMARA = bearer("student-1", Role.STUDENT)


async def test_a_second_read_is_answered_from_memory_with_the_same_body(stack: Stack) -> None:
    first = await stack.post(AMARA)
    second = await stack.post(AMARA)
    assert (first.headers["bookend-cache"], second.headers["bookend-cache"]) == ("miss", "hit")
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert stack.schema.calls == 1


async def test_readers_never_share_an_answer(stack: Stack) -> None:
    other_student = bearer("student-2", Role.STUDENT)
    teacher = bearer("teacher-1", Role.TEACHER, sections=frozenset({"sec-1"}))
    for headers in (AMARA, other_student, teacher, AMARA, other_student, teacher):
        await stack.post(headers, s="student-1")
    await stack.post(AMARA, s="student-2")  # other variables, another answer
    assert stack.schema.calls == 4


async def test_a_client_holding_the_answer_gets_304(stack: Stack) -> None:
    etag = (await stack.post(AMARA)).headers["etag"]
    again = await stack.post({**AMARA, "If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    changed = await stack.post({**AMARA, "If-None-Match": '"another"'})
    assert changed.status_code == 200 and changed.content


async def test_a_changed_feed_is_read_again(stack: Stack) -> None:
    await stack.post(AMARA)
    stack.cache.forget([("feed", "district-1", "student-1")])
    assert (await stack.post(AMARA)).headers["bookend-cache"] == "miss"
    assert stack.schema.calls == 2


@pytest.mark.parametrize(
    "spoil",
    ["errors", "no token", "bad token", "unhealthy", "not a feed"],
)
async def test_what_may_not_be_kept_passes_through_every_time(stack: Stack, spoil: str) -> None:
    headers, document = AMARA, FEED
    if spoil == "errors":
        stack.schema.answer = {"data": None, "errors": [{"message": "x"}]}
    elif spoil == "no token":
        headers = {}
    elif spoil == "bad token":
        headers = {"Authorization": "Bearer not.a.token"}
    elif spoil == "unhealthy":
        stack.healthy = False
    else:
        document = "{ viewer { id } }"
    for _ in range(2):
        answer = await stack.post(headers, document)
        assert "bookend-cache" not in answer.headers or answer.headers["bookend-cache"] == "miss"
    assert stack.schema.calls == 2
    assert len(stack.cache) == 0
