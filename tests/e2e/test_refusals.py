"""Wrong roles, other districts and invalid input get clear refusals and change nothing."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from httpx_ws import WebSocketDisconnect, aconnect_ws

from bookend.auth import Role
from devstack.stack import RunningStack
from tests.e2e.classroom import (
    CREATE_LESSON,
    LESSON,
    SCHEDULE,
    published_lesson,
    schedule,
    session_input,
)
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.conftest import Client

SECTION_SESSIONS = """query($id: ID!) { sectionSessions(sectionId: $id) { id } }"""
LESSON_QUERY = """query($id: ID!) { lesson(id: $id) { id title } }"""
FEED = """query($student: ID) { feed(first: 5, studentId: $student) { edges { node { id } } } }"""


async def test_a_request_without_a_valid_token_is_refused(stack: RunningStack) -> None:
    async with httpx.AsyncClient() as http:
        missing = await http.post(stack.gateway_url, json={"query": "{ viewer { id } }"})
        forged = await http.post(
            stack.gateway_url, json={"query": "{ viewer { id } }"},
            headers={"Authorization": "Bearer not-a-token"},
        )
    assert missing.status_code == 401
    assert forged.status_code == 401


async def test_a_student_cannot_create_a_lesson(client_for: Callable[..., Client]) -> None:
    student = client_for("student-x", Role.STUDENT)
    result = (await student.run(CREATE_LESSON, input=LESSON))["createLesson"]
    assert result == {"__typename": "Forbidden", "code": "FORBIDDEN"}


async def test_another_district_sees_nothing_of_this_one(client_for: Callable[..., Client]) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session_id = (await schedule(room.teacher, room.section_id, lesson_id))["id"]
    outsider = client_for("teacher-far", Role.TEACHER, district="district-2")
    outsider_admin = client_for("admin-far", Role.DISTRICT_ADMIN, district="district-2")

    assert (await outsider.run(LESSON_QUERY, id=lesson_id))["lesson"] is None
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
    assert session_id in {edge["node"]["id"] for edge in own}


async def test_invalid_sessions_name_the_field_and_rule_and_store_nothing(
    client_for: Callable[..., Client],
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    await schedule(room.teacher, room.section_id, lesson_id)
    before = (await room.teacher.run(SECTION_SESSIONS, id=room.section_id))["sectionSessions"]
    good = session_input(room.section_id, lesson_id)
    cases = {
        ("endsAt", "ends_at", "after_start"): {"endsAt": good["startsAt"]},
        ("timeZone", "time_zone", "iana_zone"): {"timeZone": "Mars/Olympus_Mons"},
        ("lessonId", "lesson_id", "known_lesson"): {"lessonId": "no-such-lesson"},
    }
    for (_, field, rule), change in cases.items():
        invalid = session_input(room.section_id, lesson_id, **change)
        result = (await room.teacher.run(SCHEDULE, input=invalid))["scheduleLiveSession"]
        assert result["__typename"] == "InvalidInput", result
        assert {"field": field, "rule": rule} in [
            {"field": e["field"], "rule": e["rule"]} for e in result["errors"]
        ]
    student = (await room.chicago_student.run(SCHEDULE, input=good))["scheduleLiveSession"]
    assert student["__typename"] == "Forbidden"
    empty_title = (await room.teacher.run(CREATE_LESSON, input={**LESSON, "title": "  "}))[
        "createLesson"
    ]
    assert empty_title["__typename"] == "InvalidInput"
    assert {"field": "title", "rule": "not_empty"} in empty_title["errors"]
    after = (await room.teacher.run(SECTION_SESSIONS, id=room.section_id))["sectionSessions"]
    assert after == before


async def test_a_websocket_without_a_valid_token_is_refused(stack: RunningStack) -> None:
    ws_url = stack.gateway_url.replace("http://", "ws://")
    async with (
        httpx.AsyncClient() as http,
        aconnect_ws(ws_url, http, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer x"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=10)
    assert closed.value.code == 4403
