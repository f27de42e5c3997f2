"""Teacher notes against the real embedded broker and store: a task learned from the
scheduler's event takes a note, NoteGiven leaves through the outbox with ids only, and the
student and their guardian read it while a classmate and another guardian are refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from bookend.auth import Role
from bookend.contracts import CloudEvent, Topic
from services.feedback.notes.store import NOTES
from tests.feedback import builders
from tests.feedback import question_builders as plan
from tests.feedback.integration.conftest import Collect, Feedback
from tests.support.auth import token_for
from tests.support.polling import eventually

TEXT = "Your third step skipped the sign: look at it again before Friday."


def bearer(subject: str, role: Role, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(subject, role, **claims)}"}


async def write(feedback: Feedback, body: dict[str, Any]) -> httpx.Response:
    return await feedback.http.post("/notes", json=body, headers=feedback.teacher())


async def test_a_note_reaches_the_student_and_their_guardian_only(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    given = await collect(Topic.FEEDBACK_NOTE)
    task, session = unique("task"), unique("session")
    await feedback.publisher.publish(plan.task_assigned(task, feedback.section, "district-1"))
    await feedback.publisher.publish(
        builders.scheduled(session, feedback.section, "district-1", "school-1")
    )
    await feedback.publisher.publish(feedback.started(session))
    await eventually(lambda: feedback.store.get_known_task("district-1", task))

    response = await write(feedback, {"student_id": "student-ana", "text": TEXT, "task_id": task})
    assert response.status_code == 201, response.text
    note = response.json()
    assert (note["student_id"], note["author_id"], note["task_id"]) == (
        "student-ana",
        "teacher-1",
        task,
    )

    async def live() -> dict[str, Any] | None:
        moment = builders.START.isoformat()
        response = await write(
            feedback,
            {"student_id": "student-ana", "text": "Great question", "session_id": session,
             "at": moment},
        )  # fmt: skip
        return response.json() if response.status_code == 201 else None

    about_moment = await eventually(live)
    assert about_moment["session_id"] == session

    ana = bearer("student-ana", Role.STUDENT, sections=frozenset({feedback.section}))
    mum = bearer("guardian-ana", Role.GUARDIAN, children=frozenset({"student-ana"}))
    ben = bearer("student-ben", Role.STUDENT, sections=frozenset({feedback.section}))
    ben_dad = bearer("guardian-ben", Role.GUARDIAN, children=frozenset({"student-ben"}))

    own = await feedback.http.get("/notes", headers=ana)
    child = await feedback.http.get("/notes", params={"student_id": "student-ana"}, headers=mum)
    assert [n["id"] for n in own.json()["items"]] == [about_moment["id"], note["id"]]
    assert child.json()["items"] == own.json()["items"]
    for reader in (ana, mum):
        got = await feedback.http.get(f"/notes/{note['id']}", headers=reader)
        assert (got.status_code, got.json()) == (200, note)

    for stranger in (ben, ben_dad):
        listing = await feedback.http.get(
            "/notes", params={"student_id": "student-ana"}, headers=stranger
        )
        single = await feedback.http.get(f"/notes/{note['id']}", headers=stranger)
        assert (listing.status_code, single.status_code) == (403, 404)
        assert TEXT not in listing.text + single.text

    async def out() -> list[CloudEvent] | None:
        mine = [
            e for e in given if e.data["student_id"] == "student-ana" and e.key == feedback.section
        ]
        return mine if len(mine) == 2 else None

    for event in await eventually(out):
        assert "Great question" not in json.dumps(event.data)
        assert TEXT not in json.dumps(event.data)


async def test_a_refused_note_names_its_rules_and_stores_nothing(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    task = unique("task")
    await feedback.publisher.publish(plan.task_assigned(task, feedback.section, "district-1"))
    await eventually(lambda: feedback.store.get_known_task("district-1", task))
    broken = await write(
        feedback,
        {"student_id": "", "text": "x" * 2001, "task_id": task, "at": "2025-09-01T09:00:00Z"},
    )
    naive = await write(
        feedback, {"student_id": "s", "text": "ok", "session_id": "s", "at": "2025-09-01T09:00"}
    )
    unknown = await write(feedback, {"student_id": "s", "text": "ok", "task_id": unique("task")})
    student = await feedback.http.post(
        "/notes",
        json={"student_id": "s", "text": "ok", "task_id": task},
        headers=feedback.student(),
    )
    elsewhere = await feedback.http.post(
        "/notes",
        json={"student_id": "s", "text": "ok", "task_id": task},
        headers=bearer("teacher-9", Role.TEACHER, sections=frozenset({"another-section"})),
    )
    assert [(e["field"], e["rule"]) for e in broken.json()["errors"]] == [
        ("student_id", "valid_id"),
        ("text", "max_length"),
        ("at", "with_session"),
    ]
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "at"
    assert (unknown.status_code, unknown.json()["code"]) == (404, "TASK_NOT_FOUND")
    assert (student.status_code, elsewhere.status_code) == (403, 403)
    assert await feedback.store.db[NOTES].count_documents({"task_id": task}) == 0
