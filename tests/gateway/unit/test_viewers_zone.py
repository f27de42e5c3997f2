"""One time format across the API, over stubbed services: the same instant is written in each
viewer's zone (their token's), in queries, mutations, kept feed pages and live frames alike;
an instant sent without an offset is refused, and a naive one from a service is never sent."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from bookend.auth import Role
from bookend.contracts import new_event
from bookend.contracts.scheduler import SessionEnded
from gateway.hub import Broadcast
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app
from tests.gateway.feeds import DUE, a_page, a_task
from tests.gateway.stubs import StubServices
from tests.gateway.unit.test_live_frames import Encoder, Socket, close, frames, until
from tests.gateway.unit.test_progress_schema import RECEIPT
from tests.gateway.unit.test_session_stream import AT, TEACHER, live_session, subscribe
from tests.support.auth import bearer

FEED = "{ feed(first: 5) { timeZone edges { node { ... on TaskItem { dueAt } timeZone } } } }"
CHILDS_FEED = """{ feed(first: 5, studentId: "student-1") { timeZone
  edges { node { ... on TaskItem { dueAt } } } } }"""
OPENS = "{ feed(first: 5) { edges { node { ... on TaskItem { opensAt } timeZone } } } }"
SESSION = '{ session(id: "s1") { startsAt } }'
REPORT = """mutation($at: DateTime!) { reportProgress(taskId: "t1", clientEventId: "e1",
  occurredAt: $at, positionSeconds: 90, timeSpentSeconds: 60) {
  ... on ProgressReport { occurredAt receivedAt } } }"""
STREAM = """subscription { sessionEvents(sessionId: "s1") {
  ... on SessionStatusChanged { status at } } }"""

# DUE is 15:00 UTC on 3 March 2026; AT is 09:00 UTC on 5 January 2026.
DUE_IN_CHICAGO, DUE_IN_TOKYO = "2026-03-03T09:00:00.000-06:00", "2026-03-04T00:00:00.000+09:00"
AT_IN_CHICAGO, AT_IN_TOKYO = "2026-01-05T03:00:00.000-06:00", "2026-01-05T18:00:00.000+09:00"
LATER = AT + timedelta(minutes=50)
LATER_IN_CHICAGO, LATER_IN_TOKYO = "2026-01-05T03:50:00.000-06:00", "2026-01-05T18:50:00.000+09:00"
HOUR = timedelta(hours=1)


@pytest.fixture
def services() -> StubServices:
    services = StubServices()
    services.scheduler.answer("GET", "/feed", a_page(a_task()))
    services.scheduler.answer("GET", "/sessions/s1", live_session())
    return services


@pytest.fixture
def gateway(services: StubServices) -> httpx.AsyncClient:
    app = gateway_app(GatewaySettings(), services)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def post(
    gateway: httpx.AsyncClient, headers: dict[str, str], document: str
) -> httpx.Response:
    answer = await gateway.post("/graphql", json={"query": document}, headers=headers)
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    return answer


async def test_a_feed_is_written_in_each_viewers_zone_and_names_the_students(
    gateway: httpx.AsyncClient,
) -> None:
    student = bearer("student-1", Role.STUDENT, zone="America/Chicago")
    guardian = bearer(
        "guardian-1", Role.GUARDIAN, children=frozenset({"student-1"}), zone="Asia/Tokyo"
    )
    own = (await post(gateway, student, FEED)).json()["data"]["feed"]
    childs = (await post(gateway, guardian, CHILDS_FEED)).json()["data"]["feed"]
    assert own == {
        "timeZone": "America/Chicago",
        "edges": [{"node": {"dueAt": DUE_IN_CHICAGO, "timeZone": "America/Chicago"}}],
    }
    # The guardian reads the same moment in their own zone; the student's zone stays named.
    assert childs == {"timeZone": "America/Chicago", "edges": [{"node": {"dueAt": DUE_IN_TOKYO}}]}
    assert datetime.fromisoformat(DUE_IN_TOKYO) == datetime.fromisoformat(DUE_IN_CHICAGO) == DUE


async def test_a_kept_feed_page_is_kept_per_zone(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    # One student on two devices set to different zones: neither is answered the other's page.
    answers = []
    for zone in ("America/Chicago", "Asia/Tokyo", "America/Chicago", "Asia/Tokyo"):
        answer = await post(gateway, bearer("student-1", Role.STUDENT, zone=zone), FEED)
        node = answer.json()["data"]["feed"]["edges"][0]["node"]
        answers.append((answer.headers["bookend-cache"], node["dueAt"]))
    assert answers == [
        ("miss", DUE_IN_CHICAGO),
        ("miss", DUE_IN_TOKYO),
        ("hit", DUE_IN_CHICAGO),
        ("hit", DUE_IN_TOKYO),
    ]
    assert len(services.scheduler.requests) == 2


@pytest.mark.parametrize(
    ("zone", "session_starts", "reported"),
    [
        ("America/Chicago", AT_IN_CHICAGO, "2026-03-02T09:00:00.000-06:00"),
        ("UTC", "2026-01-05T09:00:00.000+00:00", "2026-03-02T15:00:00.000+00:00"),
    ],
)
async def test_a_query_and_a_mutation_write_their_instants_in_the_viewers_zone(
    services: StubServices,
    gateway: httpx.AsyncClient,
    zone: str,
    session_starts: str,
    reported: str,
) -> None:
    teacher = bearer("teacher-1", Role.TEACHER, sections=frozenset({"sec"}), zone=zone)
    session = (await post(gateway, teacher, SESSION)).json()["data"]["session"]
    assert session == {"startsAt": session_starts}
    # The report's moment, sent in another offset, comes back as the service keeps it (15:00
    # UTC), in the viewer's zone.
    services.feedback.answer("POST", "/tasks/t1/progress", RECEIPT, status=201)
    student = bearer("student-1", Role.STUDENT, zone=zone)
    report = await gateway.post(
        "/graphql",
        json={"query": REPORT, "variables": {"at": "2026-03-02T20:30:00+05:30"}},
        headers=student,
    )
    answered = report.json()["data"]["reportProgress"]
    assert answered == {"occurredAt": reported, "receivedAt": reported}


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (REPORT, {"at": "2026-03-02T15:00:00"}),
        (REPORT.replace("($at: DateTime!)", "").replace("$at", '"2026-03-02T15:00:00"'), {}),
    ],
    ids=["a variable", "a literal"],
)
async def test_an_instant_without_an_offset_is_refused_naming_the_rule_and_nothing_is_sent(
    services: StubServices, gateway: httpx.AsyncClient, document: str, variables: dict[str, str]
) -> None:
    student = bearer("student-1", Role.STUDENT, zone="America/Chicago")
    answer = await gateway.post(
        "/graphql", json={"query": document, "variables": variables}, headers=student
    )
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "a DateTime needs an offset (Z or ±hh:mm)" in error["message"]
    assert services.feedback.requests == []


async def test_a_naive_instant_from_a_service_fails_its_field_and_is_never_sent_as_utc(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    services.scheduler.answer("GET", "/feed", a_page(a_task(opens_at=DUE.replace(tzinfo=None))))
    student = bearer("student-1", Role.STUDENT, zone="America/Chicago")
    answer = await gateway.post("/graphql", json={"query": OPENS}, headers=student)
    body = answer.json()
    assert body["data"]["feed"]["edges"] == [
        {"node": {"opensAt": None, "timeZone": "America/Chicago"}}
    ]
    [error] = body["errors"]
    assert error["path"] == ["feed", "edges", 0, "node", "opensAt"]
    assert (error["message"], error["extensions"]["code"]) == ("Unexpected error.", "INTERNAL")
    assert "bookend-cache" not in answer.headers  # an answer with errors is never kept


async def test_a_live_session_is_sent_once_per_zone_each_subscriber_in_their_own() -> None:
    stub, hub, encoder = StubServices(), Broadcast(queue_size=8), Encoder()
    stub.scheduler.answer("GET", "/sessions/s1", live_session())
    zones = [ZoneInfo("America/Chicago"), ZoneInfo("Asia/Tokyo")]
    # Two teachers in each zone, with the same claims otherwise: two audiences.
    teachers = [
        replace(TEACHER, subject=f"teacher-{n}", zone=zone) for zone in zones for n in range(2)
    ]
    sockets = [Socket() for _ in teachers]
    running, snapshots = [], []
    for who, socket in zip(teachers, sockets, strict=True):
        stream = await subscribe(stub, hub, HOUR, who, STREAM, frames("1", socket, encoder))
        snapshots.append((await anext(stream)).data)  # through Strawberry, as ever
        running.append((stream, asyncio.create_task(anext(stream))))
    encoded_before = len(encoder.encoded)
    ended = SessionEnded(
        district_id="district-1", session_id="s1", section_id="sec", ended_at=LATER
    )
    await hub.publish(new_event("bookend/scheduler", ended))
    await until(*sockets, frames=1)
    assert len(encoder.encoded) - encoded_before == 2  # once per zone, not per subscriber
    live = [{"sessionEvents": {"status": "LIVE", "at": at}} for at in (AT_IN_CHICAGO, AT_IN_TOKYO)]
    assert snapshots == [live[0], live[0], live[1], live[1]]
    ended_in = [
        {"data": {"sessionEvents": {"status": "ENDED", "at": at}}}
        for at in (LATER_IN_CHICAGO, LATER_IN_TOKYO)
    ]
    frames_sent = [socket.sent[0]["payload"] for socket in sockets]
    assert frames_sent == [ended_in[0], ended_in[0], ended_in[1], ended_in[1]]
    await close(running)
