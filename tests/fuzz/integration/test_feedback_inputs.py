"""Every feedback operation (check-ins, joins and leaves, prompts, reads), fed generated and
hostile input by a student of a live session's section and its teacher: never a 5xx or a hang,
and every refusal names its field and rule."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import schemathesis

from bookend.auth import Role
from bookend.eventbus import KafkaPublisher
from services.feedback.app import create_app
from services.feedback.settings import FeedbackSettings
from tests.conftest import Embedded, fresh_on
from tests.feedback import builders
from tests.fuzz.integration.harness import aim, answer, openapi_schema
from tests.support.auth import token_for
from tests.support.fuzzing import DEADLINE
from tests.support.polling import eventually

SECTION, SESSION = "section-fuzz", "session-fuzz"
TEACHER = token_for("teacher-1", Role.TEACHER, sections=frozenset({SECTION}))
STUDENT = token_for("student-1", Role.STUDENT, sections=frozenset({SECTION}))

FEEDBACK = openapi_schema(create_app, FeedbackSettings())
# checkin_id is filled once the app runs: a check-in in the live session; prompt_id too: a
# prompt open in it.
KNOWN: dict[str, list[str]] = {"session_id": [SESSION], "checkin_id": [], "prompt_id": []}
aim(FEEDBACK, KNOWN)


@pytest.fixture(scope="module")
async def feedback(embedded: Embedded) -> AsyncIterator[str]:
    fresh = fresh_on(embedded)
    settings = fresh.settings(FeedbackSettings, "feedback")
    with fresh.served_over_http(create_app, settings) as url:
        publisher = KafkaPublisher(fresh.kafka)
        await publisher.start()
        await publisher.publish(builders.started(SESSION, SECTION, "district-1"))
        await publisher.stop()
        async with httpx.AsyncClient(base_url=url, timeout=DEADLINE) as http:

            async def live() -> bool:
                teacher = {"Authorization": f"Bearer {TEACHER}"}
                channel = await http.get(f"/sessions/{SESSION}/channel", headers=teacher)
                return channel.status_code == 200 and channel.json()["status"] == "open"

            await eventually(live)
            student = {"Authorization": f"Bearer {STUDENT}"}
            body = {"signal": "unsure", "note": "What is a tithe?"}
            checked = await http.post(f"/sessions/{SESSION}/checkins", json=body, headers=student)
            assert checked.status_code == 201, checked.text
            KNOWN["checkin_id"][:] = [checked.json()["id"]]
            teacher = {"Authorization": f"Bearer {TEACHER}"}
            asked = {"kind": "multiple_choice", "question": "Which?", "options": ["a", "b"]}
            opened = await http.post(f"/sessions/{SESSION}/prompts", json=asked, headers=teacher)
            assert opened.status_code == 201, opened.text
            KNOWN["prompt_id"][:] = [opened.json()["id"]]
        yield url


@FEEDBACK.parametrize()
def test_no_request_makes_feedback_fail_or_hang(
    case: schemathesis.Case[Any], feedback: str
) -> None:
    answer(case, feedback, STUDENT if case.method == "POST" else TEACHER)


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"signal": "unsure", "note": "x" * 10_000}, "note", "max_length"),
        ({"signal": "unsure", "note": "What is\x00 a tithe?"}, "note", "valid_text"),
        ({"signal": "puzzled"}, "signal", "enum"),
    ],
    ids=["long note", "NUL in a note", "unknown signal"],
)
def test_a_hostile_check_in_names_the_field_and_rule(
    feedback: str, body: dict[str, Any], field: str, rule: str
) -> None:
    response = httpx.post(
        f"{feedback}/sessions/{SESSION}/checkins",
        json=body,
        headers={"Authorization": f"Bearer {STUDENT}"},
        timeout=DEADLINE,
    )
    assert response.status_code == 422, response.text
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ], response.text


@pytest.mark.parametrize("move", ["joins", "leaves"])
@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"client_event_id": "x" * 10_000}, "client_event_id", "valid_id"),
        ({"client_event_id": ""}, "client_event_id", "valid_id"),
        ({"client_event_id": "e\x00"}, "client_event_id", "valid_text"),
        ({"client_event_id": 7}, "client_event_id", "string_type"),
    ],
    ids=["long id", "empty id", "NUL in an id", "a number"],
)
def test_a_hostile_join_or_leave_names_the_field_and_rule(
    feedback: str, move: str, body: dict[str, Any], field: str, rule: str
) -> None:
    response = httpx.post(
        f"{feedback}/sessions/{SESSION}/{move}",
        json=body,
        headers={"Authorization": f"Bearer {STUDENT}"},
        timeout=DEADLINE,
    )
    assert response.status_code == 422, response.text
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ], response.text
