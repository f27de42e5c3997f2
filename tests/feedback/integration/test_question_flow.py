"""Questions against the real embedded broker and store: a session learned from the
scheduler's event takes questions, classmates upvote at once, staff answer or leave one for
the follow-up, and every event leaves through the outbox naming no asker."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx

from bookend.auth import Role
from bookend.contracts import CloudEvent, Topic
from bookend.contracts.scheduler import Bookend
from services.feedback.questions.store import QUESTIONS
from tests.feedback import builders
from tests.feedback import question_builders as plan
from tests.feedback.integration.conftest import Collect, Feedback
from tests.support.auth import token_for
from tests.support.polling import eventually

TEXT = "Why does the inequality flip for negatives?"


def bearer(subject: str, role: Role, *sections: str) -> dict[str, str]:
    token = token_for(subject, role, sections=frozenset(sections))
    return {"Authorization": f"Bearer {token}"}


async def known_session(feedback: Feedback, session: str, *more: CloudEvent) -> None:
    """The scheduler schedules it (and assigns its tasks); feedback knows it once it lists
    its questions."""
    await feedback.publisher.publish(
        builders.scheduled(session, feedback.section, "district-1", "school-1")
    )
    for event in more:
        await feedback.publisher.publish(event)

    async def known() -> bool:
        listed = await feedback.http.get(
            f"/sessions/{session}/questions", headers=feedback.teacher()
        )
        return listed.status_code == 200

    await eventually(known)


async def ask(
    feedback: Feedback, session: str, student: str, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = bearer(student, Role.STUDENT, feedback.section)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await feedback.http.post(f"/sessions/{session}/questions", json=body, headers=headers)


async def listed(feedback: Feedback, session: str, headers: dict[str, str]) -> list[Any]:
    response = await feedback.http.get(f"/sessions/{session}/questions", headers=headers)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def test_a_class_question_is_anonymous_to_peers_upvoted_once_each_and_answered_live(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    published = await collect(Topic.FEEDBACK_QUESTION)
    session = unique("session")
    await known_session(feedback, session)
    body = {"text": TEXT, "visibility": "class"}

    first = await ask(feedback, session, "student-ana", body, key="ask-1")
    again = await ask(feedback, session, "student-ana", body, key="ask-1")
    assert first.status_code == 201, first.text
    assert (again.status_code, again.json()) == (201, first.json())
    asked = first.json()
    assert (asked["phase"], asked["mine"], asked["asker_id"]) == ("before", True, None)
    assert await feedback.store.db[QUESTIONS].count_documents({"session_id": session}) == 1

    peer = bearer("student-ben", Role.STUDENT, feedback.section)
    [seen_by_peer] = await listed(feedback, session, peer)
    [seen_by_asker] = await listed(
        feedback, session, bearer("student-ana", Role.STUDENT, feedback.section)
    )
    [seen_by_staff] = await listed(feedback, session, feedback.teacher())
    assert (seen_by_peer["mine"], seen_by_peer["asker_id"]) == (False, None)
    assert (seen_by_asker["mine"], seen_by_asker["asker_id"]) == (True, None)
    assert seen_by_staff["asker_id"] == "student-ana"
    assert "student-ana" not in json.dumps(seen_by_peer)
    shared = [
        (await feedback.http.get(f"/questions/{asked['id']}/shared", headers=who)).json()
        for who in (peer, bearer("student-ana", Role.STUDENT, feedback.section))
    ]
    assert shared[0] == shared[1]
    assert (shared[0]["mine"], shared[0]["asker_id"], shared[0]["upvoted"]) == (None, None, None)

    # Five classmates upvote at once, each twice: five upvotes, five events.
    voters = [bearer(f"student-{n}", Role.STUDENT, feedback.section) for n in range(5)]
    votes = await asyncio.gather(
        *(
            feedback.http.post(f"/questions/{asked['id']}/upvotes", headers=who)
            for who in voters * 2
        )
    )
    assert {v.status_code for v in votes} == {200}, [v.text for v in votes]
    own = await feedback.http.post(
        f"/questions/{asked['id']}/upvotes",
        headers=bearer("student-ana", Role.STUDENT, feedback.section),
    )
    assert own.status_code == 422
    assert [(e["field"], e["rule"]) for e in own.json()["errors"]] == [("question_id", "not_own")]
    [now] = await listed(feedback, session, peer)
    assert now["upvotes"] == 5

    too_soon = await feedback.http.post(
        f"/questions/{asked['id']}/answer", json={"mode": "live"}, headers=feedback.teacher()
    )
    assert (too_soon.status_code, too_soon.json()["code"]) == (409, "SESSION_NOT_STARTED")
    await feedback.publisher.publish(feedback.started(session))

    async def answered() -> dict[str, Any] | None:
        response = await feedback.http.post(
            f"/questions/{asked['id']}/answer",
            json={"mode": "live", "text": "Covered at 9:10"},
            headers=feedback.teacher(),
        )
        return None if response.status_code == 409 else response.json()

    answer = await eventually(answered)
    assert (answer["status"], answer["answer"]["mode"]) == ("answered", "live")
    [after] = await listed(feedback, session, peer)
    assert after["answer"]["text"] == "Covered at 9:10"

    async def all_out() -> list[CloudEvent] | None:
        mine = [e for e in published if e.subject == asked["id"]]
        return mine if len(mine) == 7 else None

    events = await eventually(all_out)
    assert sorted(e.type.split(".")[3] for e in events) == ["answered", "asked"] + ["upvoted"] * 5
    assert sorted(e.data.get("upvotes", 0) for e in events) == [0, 0, 1, 2, 3, 4, 5]
    for event in events:
        assert event.key == feedback.section
        assert "student-" not in json.dumps(event.data), event.data
        assert "negatives" not in json.dumps(event.data) and "9:10" not in json.dumps(event.data)


async def test_a_teacher_only_question_is_left_for_the_follow_up_task(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    published = await collect(Topic.FEEDBACK_QUESTION)
    session, follow_up = unique("session"), unique("task")
    await known_session(
        feedback,
        session,
        plan.task_assigned(follow_up, feedback.section, "district-1", session, Bookend.FOLLOW_UP),
    )
    response = await ask(feedback, session, "student-ana", {"text": TEXT})  # teacher only
    assert response.status_code == 201, response.text
    asked = response.json()
    assert asked["visibility"] == "teacher"
    peer = bearer("student-ben", Role.STUDENT, feedback.section)
    assert await listed(feedback, session, peer) == []
    hidden = await feedback.http.get(f"/questions/{asked['id']}/shared", headers=peer)
    assert hidden.status_code == 404

    # The task's event comes on its own topic: wait until feedback knows it.
    await eventually(lambda: feedback.store.find_follow_up_task("district-1", session))
    response = await feedback.http.post(
        f"/questions/{asked['id']}/follow-up", headers=feedback.teacher()
    )
    first = response.json()
    assert (first["status"], first["follow_up"]["task_id"]) == ("for_follow_up", follow_up)

    async def out() -> CloudEvent | None:
        return next((e for e in published if e.subject == asked["id"] and "marked" in e.type), None)

    event = await eventually(out)
    assert (event.data["visibility"], event.data["follow_up_task_id"]) == ("teacher", follow_up)


async def test_a_teacher_only_answer_names_its_asker_in_its_event_and_is_read_by_them_alone(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    published = await collect(Topic.FEEDBACK_QUESTION)
    session = unique("session")
    await known_session(feedback, session)
    private = (await ask(feedback, session, "student-ana", {"text": TEXT})).json()
    in_class = (
        await ask(feedback, session, "student-ana", {"text": "And zero?", "visibility": "class"})
    ).json()
    for question in (private, in_class):
        response = await feedback.http.post(
            f"/questions/{question['id']}/answer",
            json={"mode": "written", "text": "See page 12"},
            headers=feedback.teacher(),
        )
        assert response.status_code == 200, response.text

    ana = bearer("student-ana", Role.STUDENT, feedback.section)
    ben = bearer("student-ben", Role.STUDENT, feedback.section)
    own = await feedback.http.get(f"/questions/{private['id']}", headers=ana)
    assert own.status_code == 200, own.text
    assert (own.json()["mine"], own.json()["asker_id"]) == (True, None)
    assert own.json()["answer"]["text"] == "See page 12"
    hidden = await feedback.http.get(f"/questions/{private['id']}", headers=ben)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "QUESTION_NOT_FOUND")

    async def answers_out() -> dict[str, CloudEvent] | None:
        mine = (private["id"], in_class["id"])
        out = {e.subject: e for e in published if e.type.endswith(".answered.v1")}
        out = {subject: e for subject, e in out.items() if subject in mine}
        return out if len(out) == 2 else None

    answered = await eventually(answers_out)
    assert answered[private["id"]].data["asker_id"] == "student-ana"
    assert answered[in_class["id"]].data.get("asker_id") is None
    assert "student-ana" not in json.dumps(answered[in_class["id"]].data)
    assert "page 12" not in json.dumps([e.data for e in answered.values()])


async def test_the_questions_left_for_many_sessions_follow_ups_are_read_at_once_as_each_may(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    first, second, unknown = unique("session"), unique("session"), unique("session")
    await known_session(feedback, first)
    await known_session(feedback, second)
    asked = {}
    for name, session, body in (
        ("private", first, {"text": TEXT}),
        ("public", first, {"text": "And zero?", "visibility": "class"}),
        ("kept", first, {"text": "Not left", "visibility": "class"}),
        ("second", second, {"text": "Next time?", "visibility": "class"}),
    ):
        response = await ask(feedback, session, "student-ana", body)
        assert response.status_code == 201, response.text
        asked[name] = response.json()["id"]
    for name in ("second", "private", "public"):
        response = await feedback.http.post(
            f"/questions/{asked[name]}/follow-up", headers=feedback.teacher()
        )
        assert response.status_code == 200, response.text

    async def follow_ups(headers: dict[str, str], *sessions: str) -> list[str]:
        response = await feedback.http.get(
            "/follow-up-questions", params={"session_id": list(sessions)}, headers=headers
        )
        assert response.status_code == 200, response.text
        pages = response.json()["items"]
        assert [page["session_id"] for page in pages] == list(sessions)  # unknown ones too
        return [q["id"] for page in pages for q in page["items"]]

    every = (first, second, unknown)
    ana = bearer("student-ana", Role.STUDENT, feedback.section)
    ben = bearer("student-ben", Role.STUDENT, feedback.section)
    outsider = bearer("student-zed", Role.STUDENT, "another-section")
    assert await follow_ups(feedback.teacher(), *every) == [
        asked["private"],
        asked["public"],
        asked["second"],
    ]
    assert await follow_ups(ana, *every) == [asked["private"], asked["public"], asked["second"]]
    assert await follow_ups(ben, *every) == [asked["public"], asked["second"]]
    assert await follow_ups(outsider, *every) == []

    too_many = await feedback.http.get(
        "/follow-up-questions",
        params={"session_id": [f"s{n}" for n in range(101)]},
        headers=feedback.teacher(),
    )
    assert too_many.status_code == 422
    assert [(e["field"], e["rule"]) for e in too_many.json()["errors"]] == [
        ("session_id", "max_items")
    ]


async def test_refused_questions_name_their_rule_and_store_nothing(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    session = unique("session")
    await known_session(feedback, session)
    blank = await ask(feedback, session, "student-ana", {"text": " ", "visibility": "class"})
    long = await ask(feedback, session, "student-ana", {"text": "x" * 501})
    odd = await ask(feedback, session, "student-ana", {"text": "ok", "visibility": "everyone"})
    unknown = await ask(feedback, unique("session"), "student-ana", {"text": "ok"})
    outsider = await feedback.http.post(
        f"/sessions/{session}/questions",
        json={"text": "ok"},
        headers=bearer("student-zed", Role.STUDENT, "another-section"),
    )
    staff = await feedback.http.post(
        f"/sessions/{session}/questions", json={"text": "ok"}, headers=feedback.teacher()
    )
    assert [(e["field"], e["rule"]) for e in blank.json()["errors"]] == [("text", "required")]
    assert [(e["field"], e["rule"]) for e in long.json()["errors"]] == [("text", "max_length")]
    assert [(e["field"], e["rule"]) for e in odd.json()["errors"]] == [("visibility", "enum")]
    assert (unknown.status_code, unknown.json()["code"]) == (404, "SESSION_NOT_FOUND")
    assert (outsider.status_code, staff.status_code) == (403, 403)
    assert await feedback.store.db[QUESTIONS].count_documents({"session_id": session}) == 0
