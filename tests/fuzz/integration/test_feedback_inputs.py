"""Every feedback operation (check-ins, joins and leaves, prompts, progress, pulses, reads),
fed generated and hostile input by a student of a live session's section and its teacher: never
a 5xx or a hang, and every refusal names its field and rule."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import schemathesis

from bookend.auth import Role
from bookend.clock import IsoWeek
from bookend.eventbus import KafkaPublisher
from services.feedback.app import create_app
from services.feedback.settings import FeedbackSettings
from tests.conftest import Embedded, fresh_on
from tests.feedback import builders, progress_builders
from tests.fuzz.integration.harness import aim, answer, openapi_schema
from tests.support.auth import token_for
from tests.support.fuzzing import DEADLINE
from tests.support.polling import eventually

SECTION, SESSION, TASK = "section-fuzz", "session-fuzz", "task-fuzz"
TEACHER = token_for("teacher-1", Role.TEACHER, sections=frozenset({SECTION}))
STUDENT = token_for("student-1", Role.STUDENT, sections=frozenset({SECTION}))

FEEDBACK = openapi_schema(create_app, FeedbackSettings())
# checkin_id is filled once the app runs: a check-in in the live session; prompt_id too: a
# prompt open in it.
KNOWN: dict[str, list[str]] = {
    "session_id": [SESSION],
    "checkin_id": [],
    "prompt_id": [],
    "task_id": [TASK],
}
# Questions and notes (ADR 0035): a question in the live session, a note about the task.
KNOWN |= {"question_id": [], "note_id": [], "student_id": ["student-1"]}
# Pulses (ADR 0036): this week's, and the section's.
KNOWN |= {"week": [str(IsoWeek.containing(datetime.now(UTC), "UTC"))], "section_id": [SECTION]}
aim(FEEDBACK, KNOWN)


@pytest.fixture(scope="module")
async def feedback(embedded: Embedded) -> AsyncIterator[str]:
    fresh = fresh_on(embedded)
    settings = fresh.settings(FeedbackSettings, "feedback")
    with fresh.served_over_http(create_app, settings) as url:
        publisher = KafkaPublisher(fresh.kafka)
        await publisher.start()
        await publisher.publish(builders.started(SESSION, SECTION, "district-1"))
        await publisher.publish(progress_builders.assigned(TASK, SECTION, "district-1"))
        await publisher.stop()
        async with httpx.AsyncClient(base_url=url, timeout=DEADLINE) as http:

            async def live() -> bool:
                teacher = {"Authorization": f"Bearer {TEACHER}"}
                channel = await http.get(f"/sessions/{SESSION}/channel", headers=teacher)
                task = await http.get(f"/tasks/{TASK}/progress", headers=teacher)
                open_ = channel.status_code == 200 and channel.json()["status"] == "open"
                return open_ and task.status_code == 200

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
            # A class question in the session, and a note about the task (known by now).
            body = {"text": "Why a tithe?", "visibility": "class"}
            question = await http.post(f"/sessions/{SESSION}/questions", json=body, headers=student)
            assert question.status_code == 201, question.text
            KNOWN["question_id"][:] = [question.json()["id"]]
            note = {"student_id": "student-1", "text": "Good question", "task_id": TASK}
            written = await http.post("/notes", json=note, headers=teacher)
            assert written.status_code == 201, written.text
            KNOWN["note_id"][:] = [written.json()["id"]]
        yield url


@FEEDBACK.parametrize()
def test_no_request_makes_feedback_fail_or_hang(
    case: schemathesis.Case[Any], feedback: str
) -> None:
    answer(case, feedback, STUDENT if case.method in ("POST", "PUT") else TEACHER)


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


PULSE = {
    "workload": "too_much",
    "wellbeing": "low",
    "connectivity": "limited",
    "shared_device": True,
    "preference": "more_on_demand",
}


@pytest.mark.parametrize(
    ("week", "body", "field", "rule"),
    [
        (None, {**PULSE, "comment": "x" * 10_000}, "comment", "max_length"),
        (None, {**PULSE, "comment": "Our wifi\x00"}, "comment", "valid_text"),
        (None, {**PULSE, "workload": "crushing"}, "workload", "enum"),
        (None, {**PULSE, "student_id": "x" * 10_000}, "student_id", "valid_id"),
        ("2026-W99", PULSE, "week", "iso_week"),
        ("2001-W01", PULSE, "week", "current_week"),
    ],
    ids=["long comment", "NUL in a comment", "unknown workload", "long id", "no such week", "past"],
)
def test_a_hostile_pulse_names_the_field_and_rule(
    feedback: str, week: str | None, body: dict[str, Any], field: str, rule: str
) -> None:
    guardian = token_for("guardian-1", Role.GUARDIAN, children=frozenset({"student-1"}))
    response = httpx.put(
        f"{feedback}/pulses/{week or KNOWN['week'][0]}",
        json=body,
        headers={"Authorization": f"Bearer {guardian}"},
        timeout=DEADLINE,
    )
    assert response.status_code == 422, response.text
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ], response.text


NOW = "2026-01-01T10:00:00+00:00"


def progress(**fields: Any) -> dict[str, Any]:
    return {"client_event_id": "e1", "occurred_at": NOW} | fields


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        (progress(client_event_id="x" * 10_000), "client_event_id", "valid_id"),
        (progress(client_event_id="e\x00"), "client_event_id", "valid_text"),
        ({"client_event_id": "e1"}, "occurred_at", "missing"),
        (progress(occurred_at="2026-01-01T10:00"), "occurred_at", "timezone_aware"),
        (progress(occurred_at="9999-12-31T23:59:59-05:00"), "occurred_at", "not_in_future"),
        (progress(time_spent_seconds=10**30), "time_spent_seconds", "in_range"),
        (progress(position_seconds=-1), "position_seconds", "in_range"),
        (progress(completed="maybe"), "completed", "bool_parsing"),
    ],
    ids=[
        "long id", "NUL in an id", "no moment", "a moment without a zone", "a moment ahead",
        "a huge time spent", "a negative position", "not a boolean",
    ],
)  # fmt: skip
def test_a_hostile_progress_report_names_the_field_and_rule(
    feedback: str, body: dict[str, Any], field: str, rule: str
) -> None:
    response = httpx.post(
        f"{feedback}/tasks/{TASK}/progress",
        json=body,
        headers={"Authorization": f"Bearer {STUDENT}"},
        timeout=DEADLINE,
    )
    assert response.status_code == 422, response.text
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ], response.text


@pytest.mark.parametrize(
    ("path", "body", "field", "rule"),
    [
        (f"/sessions/{SESSION}/questions", {"text": "x" * 10_000}, "text", "max_length"),
        (f"/sessions/{SESSION}/questions", {"text": "Why\x00?"}, "text", "valid_text"),
        (
            f"/sessions/{SESSION}/questions",
            {"text": "ok", "visibility": "all"},
            "visibility",
            "enum",
        ),
        (
            "/notes",
            {"student_id": "s" * 101, "text": "", "task_id": TASK, "session_id": SESSION},
            "task_id",
            "one_of",
        ),
    ],
    ids=["long question", "NUL in a question", "unknown visibility", "a note about two things"],
)
def test_a_hostile_question_or_note_names_the_field_and_rule(
    feedback: str, path: str, body: dict[str, Any], field: str, rule: str
) -> None:
    token = STUDENT if path.startswith("/sessions") else TEACHER
    response = httpx.post(
        f"{feedback}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=DEADLINE,
    )
    assert response.status_code == 422, response.text
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ], response.text
