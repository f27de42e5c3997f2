"""Wrong roles, other districts and invalid input get clear refusals and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, WebSocketUpgradeError, aconnect_ws

from bookend.auth import Role
from devstack.stack import RunningStack
from tests.e2e.classroom import (
    CREATE_LESSON,
    LESSON,
    SCHEDULE,
    Classroom,
    published_lesson,
    schedule,
    session_input,
)
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import ClientFor, Data, graphql_ws
from tests.support.auth import token_for

SECTION_SESSIONS = """query($id: ID!) { sectionSessions(sectionId: $id) { nodes { id } } }"""
LESSON_QUERY = """query($id: ID!) { lesson(id: $id) { id title } }"""
FEED = """query($student: ID) { feed(first: 5, studentId: $student) { edges { node { id } } } }"""


@dataclass(frozen=True)
class Scheduled:
    room: Classroom
    lesson_id: str
    session_id: str

    async def sessions(self) -> list[Data]:
        teacher, section = self.room.teacher, self.room.section_id
        listed = (await teacher.run(SECTION_SESSIONS, id=section))["sectionSessions"]
        found: list[Data] = listed["nodes"]
        return found


@pytest.fixture(scope="module")
async def scheduled(client_for: ClientFor) -> Scheduled:
    """One classroom with a published lesson and a session, which these tests only read."""
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session = await schedule(room.teacher, room.section_id, lesson_id)
    return Scheduled(room, lesson_id, str(session["id"]))


async def test_a_request_without_a_valid_token_is_refused(stack: RunningStack) -> None:
    async with httpx.AsyncClient() as http:
        missing = await http.post(stack.gateway_url, json={"query": "{ viewer { id } }"})
        forged = await http.post(
            stack.gateway_url,
            json={"query": "{ viewer { id } }"},
            headers={"Authorization": "Bearer not-a-token"},
        )
    for refused, message in (
        (missing, "an Authorization: Bearer token is required"),
        (forged, "the bearer token is not valid"),
    ):
        assert (refused.status_code, refused.headers["www-authenticate"]) == (401, "Bearer")
        assert refused.json() == {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}],
        }


async def test_a_student_cannot_create_a_lesson(client_for: ClientFor) -> None:
    student = client_for("student-x", Role.STUDENT)
    result = (await student.run(CREATE_LESSON, input=LESSON))["createLesson"]
    assert result == {"__typename": "Forbidden", "code": "FORBIDDEN"}


async def test_another_district_sees_nothing_of_this_one(
    client_for: ClientFor, scheduled: Scheduled
) -> None:
    room = scheduled.room
    outsider = client_for("teacher-far", Role.TEACHER, district="district-2")
    outsider_admin = client_for("admin-far", Role.DISTRICT_ADMIN, district="district-2")

    assert (await outsider.run(LESSON_QUERY, id=scheduled.lesson_id))["lesson"] is None
    for client in (outsider, outsider_admin):
        body = await client.raw(SECTION_SESSIONS, id=room.section_id)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] in {"SECTION_NOT_FOUND", "NOT_FOUND"}
    student_id = (await room.chicago_student.run("{ viewer { id } }"))["viewer"]["id"]
    refused = await outsider.raw(FEED, student=student_id)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # An admin's feed reads are scoped to their own district: this student is not in it.
    assert (await outsider_admin.run(FEED, student=student_id))["feed"]["edges"] == []
    unnamed = await room.teacher.raw(FEED)  # whose feed? only a student's own needs no id
    assert unnamed["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    own = (await room.admin.run(FEED, student=student_id))["feed"]["edges"]
    assert scheduled.session_id in {edge["node"]["id"] for edge in own}


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (lambda good: {"endsAt": good["startsAt"]}, "ends_at", "after_start"),
        (lambda _: {"timeZone": "Mars/Olympus_Mons"}, "time_zone", "iana_zone"),
        (lambda _: {"lessonId": "no-such-lesson"}, "lesson_id", "known_lesson"),
    ],
    ids=["ends before it starts", "unknown zone", "unknown lesson"],
)
async def test_an_invalid_session_names_the_field_and_rule_and_stores_nothing(
    scheduled: Scheduled,
    change: Callable[[dict[str, str]], dict[str, str]],
    field: str,
    rule: str,
) -> None:
    room = scheduled.room
    before = await scheduled.sessions()
    good = session_input(room.section_id, scheduled.lesson_id)
    invalid = session_input(room.section_id, scheduled.lesson_id, **change(good))
    result = (await room.teacher.run(SCHEDULE, input=invalid))["scheduleLiveSession"]
    assert result["__typename"] == "InvalidInput", result
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in result["errors"]
    ]
    assert await scheduled.sessions() == before


async def test_a_student_cannot_schedule_a_session_and_it_stores_nothing(
    scheduled: Scheduled,
) -> None:
    room = scheduled.room
    before = await scheduled.sessions()
    good = session_input(room.section_id, scheduled.lesson_id)
    refused = (await room.chicago_student.run(SCHEDULE, input=good))["scheduleLiveSession"]
    assert refused["__typename"] == "Forbidden"
    assert await scheduled.sessions() == before


async def test_a_lesson_with_a_blank_title_names_the_field_and_rule(scheduled: Scheduled) -> None:
    blank = {**LESSON, "title": "  "}
    result = (await scheduled.room.teacher.run(CREATE_LESSON, input=blank))["createLesson"]
    assert result["__typename"] == "InvalidInput"
    assert {"field": "title", "rule": "not_empty"} in result["errors"]


async def test_a_websocket_without_a_valid_token_is_refused(
    stack: RunningStack, http: httpx.AsyncClient
) -> None:
    async with graphql_ws(stack.gateway_url, http) as ws:
        await ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer x"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=10)
    assert closed.value.code == 4403


async def test_a_websocket_offering_only_the_legacy_graphql_ws_protocol_is_closed(
    stack: RunningStack, http: httpx.AsyncClient
) -> None:
    """Subscriptions speak graphql-transport-ws only; 4406 is graphql-ws's own refusal."""
    url = stack.gateway_url.replace("http://", "ws://")
    async with aconnect_ws(
        url, http, subprotocols=["graphql-ws"], session_class=AsyncWebSocketSession
    ) as ws:
        assert ws.subprotocol is None
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=10)
    assert (closed.value.code, closed.value.reason) == (4406, "Subprotocol not acceptable")
    async with aconnect_ws(
        url,
        http,
        subprotocols=["graphql-ws", "graphql-transport-ws"],
        session_class=AsyncWebSocketSession,
    ) as ws:
        assert ws.subprotocol == "graphql-transport-ws"


async def test_a_page_on_an_origin_not_configured_can_neither_call_nor_open_a_websocket(
    stack: RunningStack, http: httpx.AsyncClient
) -> None:
    """The stack sets no GATEWAY_CORS_ORIGINS: no other origin's page may use the API."""
    elsewhere = {"Origin": "https://evil.example"}
    preflight = await http.options(
        stack.gateway_url,
        headers=elsewhere | {"Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    with pytest.raises(WebSocketUpgradeError) as refused:
        async with aconnect_ws(
            stack.gateway_url.replace("http://", "ws://"),
            http,
            subprotocols=["graphql-transport-ws"],
            headers=elsewhere,
        ):
            pass
    assert refused.value.response.status_code == 403


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_parsed(
    stack: RunningStack,
) -> None:
    huge = {"query": "{ viewer { id } }", "variables": {"pad": "x" * 300_000}}
    async with httpx.AsyncClient() as http:
        refused = await http.post(stack.gateway_url, json=huge)
    assert refused.status_code == 413
    assert refused.json()["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}


async def test_every_process_says_it_is_ready_once_started(stack: RunningStack) -> None:
    urls = [*stack.service_urls.values(), stack.gateway_url.removesuffix("/graphql")]
    async with httpx.AsyncClient() as http:
        for url in urls:
            response = await http.get(f"{url}/readyz")
            assert (response.status_code, response.json()) == (
                200,
                {"ready": True, "reasons": []},
            ), url


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b'"a string"',
        b"[]",
        b"{",
        b'{"query": null}',
        b'{"query": "{ viewer { id } }", "variables": []}',
        b'{"query": "{ viewer { id } }", "variables": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
    ids=["null", "string", "list", "cut", "null query", "list variables", "nested 5,000 deep"],
)
async def test_a_body_that_is_not_a_graphql_request_is_a_bad_request(
    stack: RunningStack, body: bytes
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            stack.gateway_url,
            content=body,
            headers={
                "Authorization": f"Bearer {token_for('t', Role.TEACHER)}",
                "content-type": "application/json",
            },
        )
    assert response.status_code == 400, (response.status_code, response.text)
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


async def test_a_lone_surrogate_in_text_is_refused_naming_the_field(
    client_for: ClientFor,
) -> None:
    teacher = client_for("teacher-surrogate", Role.TEACHER)
    lesson = LESSON | {"title": "Theme \udcff"}
    data = await teacher.run(CREATE_LESSON, input=lesson)
    result = data["createLesson"]
    assert result["__typename"] == "InvalidInput", result
    assert [(e["field"], e["rule"]) for e in result["errors"]] == [("title", "valid_text")]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("query($f: Int!) { feed(first: $f) { timeZone } }", {"f": 2147483648}),
        ("query($f: Int!) { feed(first: $f) { timeZone } }", {"f": "abc"}),
        ("query($f: Int!) { feed(first: $f) { timeZone } }", {}),
        ("query($d: DateTime) { feed(from: $d) { timeZone } }", {"d": "not a time"}),
        ("{ feed { timeZone }", {}),
    ],
    ids=["Int over 32 bits", "Int from text", "missing", "bad DateTime", "syntax"],
)
async def test_a_request_graphql_cannot_take_is_a_bad_request(
    client_for: ClientFor, document: str, variables: dict[str, object]
) -> None:
    student = client_for("student-coercion", Role.STUDENT)
    [error] = (await student.raw(document, **variables))["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}, error


def _fragment_chain(levels: int) -> str:
    """A few hundred tokens that double with every fragment level once expanded."""
    document = "query { ...F0 }"
    for level in range(levels):
        document += f" fragment F{level} on Query {{ ...F{level + 1} ...F{level + 1} }}"
    return document + f" fragment F{levels} on Query {{ viewer {{ id }} }}"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("{ " + "viewer { id } " * 400 + "}", "TOO_MANY_TOKENS"),
        ("{ a " + "{ a " * 11 + "}" * 12, "QUERY_TOO_DEEP"),
        ("{ " + " ".join(f"v{n}: viewer {{ id }}" for n in range(16)) + " }", "TOO_MANY_ALIASES"),
        (_fragment_chain(30), "TOO_MANY_FIELDS"),
    ],
    ids=["tokens", "depth", "aliases", "fields, fragments expanded"],
)
async def test_a_document_over_a_limit_is_refused_with_the_limits_code(
    client_for: ClientFor, document: str, code: str
) -> None:
    student = client_for("student-limits", Role.STUDENT)
    body = await student.raw(document)
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == [code], body


async def test_two_writes_in_one_request_are_refused_and_neither_is_made(
    scheduled: Scheduled,
) -> None:
    room = scheduled.room
    before = await room.teacher.run(POLICY, id=room.section_id)
    two = """mutation($id: ID!) {
      a: setBalancePolicy(sectionId: $id, input: {minOnDemandShare: 0.7}) { __typename }
      b: setBalancePolicy(sectionId: $id, input: {minOnDemandShare: 0.8}) { __typename } }"""
    body = await room.teacher.raw(two, id=room.section_id)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "ONE_MUTATION_A_REQUEST"}, error
    assert await room.teacher.run(POLICY, id=room.section_id) == before


async def test_an_unknown_operation_name_is_a_bad_request_in_graphql_shape(
    stack: RunningStack,
) -> None:
    body = {"query": "query A { viewer { id } }", "operationName": "B"}
    headers = {"Authorization": f"Bearer {token_for('t', Role.TEACHER)}"}
    async with httpx.AsyncClient() as http:
        response = await http.post(stack.gateway_url, json=body, headers=headers)
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}, response.text


@pytest.mark.parametrize(
    ("document", "value", "field", "rule"),
    [
        ("query($v: String) { lessons(first: 2, search: $v) { nodes { id } } }",
         "x" * 100_000, "q", "max_length"),
        ("query($v: String) { feed(first: 2, after: $v) { timeZone } }",
         "x" * 100_000, "after", "max_length"),
        ("query($v: String) { lessons(first: 2, search: $v) { nodes { id } } }",
         "\udc00", "q", "valid_text"),
    ],
    ids=["100 KB search", "100 KB cursor", "lone surrogate"],
)  # fmt: skip
async def test_text_no_url_can_carry_is_refused_naming_the_field_and_rule(
    client_for: ClientFor, document: str, value: str, field: str, rule: str
) -> None:
    teacher = client_for("teacher-long-text", Role.TEACHER)
    [error] = (await teacher.raw(document, v=value))["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT", error
    assert [(e["field"], e["rule"]) for e in error["extensions"]["errors"]] == [(field, rule)]


CALENDAR_LINK = """mutation($student: ID, $section: ID) {
  createCalendarLink(studentId: $student, sectionId: $section) {
  __typename ... on InvalidInput { code errors { field rule } } ... on UserError { code } } }"""
REVOKE_CALENDAR_LINK = """mutation($id: ID!) { revokeCalendarLink(id: $id) {
  __typename ... on InvalidInput { code errors { field rule } } ... on UserError { code } } }"""


@pytest.mark.parametrize(
    ("document", "variables", "broken"),
    [
        (CALENDAR_LINK, {}, [("student_id", "one_owner"), ("section_id", "one_owner")]),
        (CALENDAR_LINK, {"student": "s", "section": "x"},
         [("student_id", "one_owner"), ("section_id", "one_owner")]),
        (CALENDAR_LINK, {"student": "x" * 300}, [("student_id", "string_too_long")]),
        (CALENDAR_LINK, {"section": "   "}, [("section_id", "valid_id")]),
        (REVOKE_CALENDAR_LINK, {"id": "../feed"}, [("link_id", "valid_id")]),
    ],
    ids=["no owner", "two owners", "long student id", "blank section id", "a path for an id"],
)  # fmt: skip
async def test_a_bad_calendar_link_request_names_the_field_and_rule(
    client_for: ClientFor, document: str, variables: dict[str, str], broken: list[tuple[str, str]]
) -> None:
    admin = client_for("admin-calendars", Role.DISTRICT_ADMIN)
    (result,) = (await admin.run(document, **variables)).values()
    assert result["__typename"] == "InvalidInput", result
    assert [(e["field"], e["rule"]) for e in result["errors"]] == broken


async def test_an_unknown_calendar_link_is_not_found_and_a_guessed_address_is_404(
    client_for: ClientFor, stack: RunningStack, http: httpx.AsyncClient
) -> None:
    admin = client_for("admin-calendars", Role.DISTRICT_ADMIN)
    result = await admin.run(REVOKE_CALENDAR_LINK, id="link-that-never-was")
    assert result["revokeCalendarLink"] == {
        "__typename": "NotFound",
        "code": "CALENDAR_LINK_NOT_FOUND",
    }
    gateway = stack.gateway_url.removesuffix("/graphql")
    for guess in ("A" * 43, "short", "%00", "x" * 2000):
        answer = await http.get(f"{gateway}/calendars/{guess}.ics")
        assert (answer.status_code, answer.json()["code"]) == (404, "CALENDAR_NOT_FOUND"), guess


SET_POLICY = """mutation($id: ID!, $input: BalancePolicyInput!) {
  setBalancePolicy(sectionId: $id, input: $input) {
    __typename ... on InvalidInput { errors { field rule } } ... on UserError { code } } }"""
POLICY = """query($id: ID!) { balancePolicy(sectionId: $id) { minOnDemandShare mode } }"""
PLAN = """query($section: ID, $student: ID, $week: String) {
  weeklyPlan(sectionId: $section, studentId: $student, week: $week) { week } }"""


async def test_a_bad_balance_policy_names_each_field_and_rule_and_sets_nothing(
    scheduled: Scheduled,
) -> None:
    room = scheduled.room
    before = await room.teacher.run(POLICY, id=room.section_id)
    bad = {"minOnDemandShare": 1.5, "maxLiveMinutesPerDay": 100000, "mode": "ENFORCE"}
    result = (await room.teacher.run(SET_POLICY, id=room.section_id, input=bad))["setBalancePolicy"]
    assert result == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "errors": [
            {"field": "min_on_demand_share", "rule": "in_range"},
            {"field": "max_live_minutes_per_day", "rule": "in_range"},
        ],
    }
    good = {"minOnDemandShare": 0.6}
    refused = await room.chicago_student.run(SET_POLICY, id=room.section_id, input=good)
    assert refused["setBalancePolicy"]["__typename"] == "Forbidden"
    assert await room.teacher.run(POLICY, id=room.section_id) == before


@pytest.mark.parametrize(
    ("owners", "week", "field", "rule"),
    [
        ({}, None, "sectionId", "one_of"),
        ({"section": "s", "student": "t"}, None, "sectionId", "one_of"),
        ({"section": None}, "2026-48", "week", "iso_week"),
        ({"section": None}, "2026-W54", "week", "iso_week"),
    ],
    ids=["no owner", "two owners", "not an ISO week", "no such week"],
)
async def test_a_bad_weekly_plan_request_names_the_field_and_rule(
    scheduled: Scheduled, owners: dict[str, str | None], week: str | None, field: str, rule: str
) -> None:
    room = scheduled.room
    variables = {k: v or room.section_id for k, v in owners.items()} | {"week": week}
    body = await room.teacher.raw(PLAN, **variables)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert [(e["field"], e["rule"]) for e in error["extensions"]["errors"]] == [(field, rule)]
