"""Mutations retried with their idempotencyKey through the gateway are applied once (ADR 0013)."""

from __future__ import annotations

import uuid

from tests.e2e.classroom import SCHEDULE, classroom, published_lesson, schedule, session_input
from tests.e2e.client import ClientFor
from tests.support.polling import eventually

SCHEDULE_KEYED = SCHEDULE.replace(
    "mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) {",
    "mutation($input: ScheduleLiveSessionInput!, $key: String) {"
    " scheduleLiveSession(input: $input, idempotencyKey: $key) {",
)
START = """mutation($id: ID!, $key: String) { startSession(id: $id, idempotencyKey: $key) {
  __typename ... on LiveSession { status } ... on UserError { code } } }"""
CHECK_IN = """mutation($id: ID!, $key: String) {
  checkIn(sessionId: $id, signal: GOT_IT, idempotencyKey: $key) {
  __typename ... on CheckIn { id } ... on InvalidInput { code errors { field rule } }
  ... on UserError { code } } }"""
SESSIONS = """query($id: ID!) { sectionSessions(sectionId: $id) { nodes { id } } }"""
CHECK_INS = """query($id: ID!) { checkIns(sessionId: $id) { nodes { id } } }"""


async def test_mutations_retried_with_their_key_change_nothing_twice(client_for: ClientFor) -> None:
    room = await classroom(client_for)
    teacher = room.teacher
    lesson_id = await published_lesson(teacher)
    key = uuid.uuid4().hex
    wanted = session_input(room.section_id, lesson_id)

    async def scheduled() -> dict[str, object] | None:
        result = (await teacher.run(SCHEDULE_KEYED, input=wanted, key=key))["scheduleLiveSession"]
        return result if result["__typename"] == "LiveSession" else None  # lesson not learned yet

    first = await eventually(scheduled, seconds=20)
    again = (await teacher.run(SCHEDULE_KEYED, input=wanted, key=key))["scheduleLiveSession"]
    assert again == first
    listed = (await teacher.run(SESSIONS, id=room.section_id))["sectionSessions"]["nodes"]
    assert [session["id"] for session in listed] == [first["id"]]

    started = [(await teacher.run(START, id=first["id"], key="start-1"))["startSession"]]
    started += [(await teacher.run(START, id=first["id"], key="start-1"))["startSession"]]
    assert started == [{"__typename": "LiveSession", "status": "LIVE"}] * 2

    student = room.chicago_student
    checked = [(await student.run(CHECK_IN, id=first["id"], key="check-1"))["checkIn"]]
    checked += [(await student.run(CHECK_IN, id=first["id"], key="check-1"))["checkIn"]]
    assert checked[0]["__typename"] == "CheckIn" and checked[1] == checked[0]
    read = (await teacher.run(CHECK_INS, id=first["id"]))["checkIns"]["nodes"]
    assert [item["id"] for item in read] == [checked[0]["id"]]


async def test_a_malformed_key_is_refused_before_any_call(client_for: ClientFor) -> None:
    room = await classroom(client_for)
    refused = (await room.chicago_student.run(CHECK_IN, id="any-session", key="é" * 3))["checkIn"]
    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "errors": [{"field": "idempotencyKey", "rule": "valid_key"}],
    }


async def test_a_key_reused_for_another_request_names_the_argument(client_for: ClientFor) -> None:
    room = await classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session = await schedule(room.teacher, room.section_id, lesson_id)
    await room.teacher.run(START, id=session["id"], key="reused-1")
    student = room.chicago_student

    async def checked_in() -> bool:
        # Feedback opens the channel once it hears the session started.
        answer = await student.run(CHECK_IN, id=session["id"], key=f"first-{uuid.uuid4()}")
        return bool(answer["checkIn"]["__typename"] == "CheckIn")

    await eventually(checked_in)
    await student.run(CHECK_IN, id=session["id"], key="reused-1")
    again = (await student.run(CHECK_IN, id="another-session", key="reused-1"))["checkIn"]
    assert again["errors"] == [{"field": "idempotencyKey", "rule": "same_request"}], again
