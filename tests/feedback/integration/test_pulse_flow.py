"""Pulse surveys against the real embedded broker and store: one pulse a person, student and
week however submits race, one PulseSubmitted on its topic per change (never the comment), a
past week refused with nothing kept, and a section's week read by its staff."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bookend.auth import Role
from bookend.clock import IsoWeek
from bookend.contracts import CloudEvent, Topic, spec_for
from bookend.contracts.feedback import PulseSubmitted
from bookend.outbox.emit import OUTBOX
from services.feedback.pulse.store import PULSES
from tests.feedback.integration.conftest import Collect, Feedback
from tests.support.auth import token_for
from tests.support.polling import eventually

KENJI, AMARA = "student-kenji", "student-amara"
OVERLOADED = {
    "workload": "too_much",
    "wellbeing": "low",
    "connectivity": "limited",
    "shared_device": True,
    "preference": "more_on_demand",
    "comment": "Our internet drops every evening.",
}
FINE = {
    "workload": "about_right",
    "wellbeing": "good",
    "connectivity": "good",
    "shared_device": False,
    "preference": "balanced",
}


def this_week() -> str:
    """The week now in UTC: open to every calendar on Earth while it lasts in UTC."""
    return str(IsoWeek.containing(datetime.now(UTC), "UTC"))


def student(feedback: Feedback, subject: str) -> dict[str, str]:
    token = token_for(subject, Role.STUDENT, sections=frozenset({feedback.section}))
    return {"Authorization": f"Bearer {token}"}


def guardian_of(child: str) -> dict[str, str]:
    token = token_for(f"guardian-of-{child}", Role.GUARDIAN, children=frozenset({child}))
    return {"Authorization": f"Bearer {token}"}


async def put(
    feedback: Feedback, headers: dict[str, str], body: dict[str, Any], week: str | None = None
) -> dict[str, Any]:
    response = await feedback.http.put(f"/pulses/{week or this_week()}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


async def kept(feedback: Feedback, student_id: str) -> list[dict[str, Any]]:
    return await feedback.store.db[PULSES].find({"student_id": student_id}).to_list()


async def test_two_submits_at_once_keep_one_pulse_and_one_event_per_change(
    feedback: Feedback, collect: Collect
) -> None:
    events = await collect(Topic.FEEDBACK_PULSE)
    kenji, amara = student(feedback, KENJI), student(feedback, AMARA)

    # The same answers twice at once (a client's retry racing the first): one pulse, one event.
    same = await asyncio.gather(put(feedback, kenji, OVERLOADED), put(feedback, kenji, OVERLOADED))
    # Different answers at once (two devices): one pulse, the later one an edit of it.
    both = await asyncio.gather(put(feedback, amara, OVERLOADED), put(feedback, amara, FINE))

    assert same[0] == same[1]
    assert [len(await kept(feedback, who)) for who in (KENJI, AMARA)] == [1, 1]
    (amaras,) = await kept(feedback, AMARA)
    assert amaras["_id"] == both[0]["id"] == both[1]["id"]
    assert amaras["revision"] == 2
    outbox = feedback.store.db[OUTBOX]
    assert await outbox.count_documents({"subject": same[0]["id"]}) == 1
    assert await outbox.count_documents({"subject": amaras["_id"]}) == 2

    async def published() -> list[CloudEvent] | None:
        mine = [e for e in events if e.key in (KENJI, AMARA)]
        return mine if len(mine) == 3 else None

    received = await eventually(published)
    assert {(e.key, e.data["revision"]) for e in received} == {(KENJI, 1), (AMARA, 1), (AMARA, 2)}
    first = next(e for e in received if e.key == KENJI)
    assert (first.type, first.source, first.subject) == (
        spec_for(PulseSubmitted).type,
        "bookend/feedback",
        same[0]["id"],
    )
    assert PulseSubmitted.model_validate(first.data).has_comment
    assert "internet" not in str(first.data)


async def test_a_pulse_is_edited_in_its_week_and_a_past_week_is_refused(
    feedback: Feedback,
) -> None:
    kenji = student(feedback, KENJI)
    created = await feedback.http.put(f"/pulses/{this_week()}", json=OVERLOADED, headers=kenji)
    edited = await feedback.http.put(f"/pulses/{this_week()}", json=FINE, headers=kenji)
    two_weeks_ago = str(IsoWeek.containing(datetime.now(UTC) - timedelta(days=14), "UTC"))
    past = await feedback.http.put(f"/pulses/{two_weeks_ago}", json=FINE, headers=kenji)

    assert (created.status_code, edited.status_code) == (201, 200)
    assert edited.json()["id"] == created.json()["id"]
    assert (edited.json()["revision"], edited.json()["comment"]) == (2, None)
    assert past.status_code == 422, past.text
    assert [(e["field"], e["rule"]) for e in past.json()["errors"]] == [("week", "current_week")]
    assert [doc["week"] for doc in await kept(feedback, KENJI)] == [this_week()]
    mine = await feedback.http.get(f"/pulses/{this_week()}", headers=kenji)
    assert [p["workload"] for p in mine.json()["items"]] == ["about_right"]


async def test_a_sections_staff_read_its_week_with_the_guardians_pulses(
    feedback: Feedback,
) -> None:
    await put(feedback, guardian_of(KENJI), {**OVERLOADED, "student_id": KENJI})
    await put(feedback, student(feedback, KENJI), FINE)
    await put(feedback, student(feedback, AMARA), OVERLOADED)
    other_teacher = token_for("teacher-2", Role.TEACHER, sections=frozenset({"another"}))

    path = f"/sections/{feedback.section}/pulses/{this_week()}"
    read = await feedback.http.get(path, headers=feedback.teacher())
    refused = await feedback.http.get(path, headers={"Authorization": f"Bearer {other_teacher}"})

    assert read.status_code == 200, read.text
    summary = read.json()
    counts = {k: summary[k] for k in ("students_responded", "guardians_responded")}
    assert counts == {"students_responded": 2, "guardians_responded": 1}
    too_much = next(t for t in summary["workload"] if t["answer"] == "too_much")
    assert (too_much["students"], too_much["guardians"]) == (1, 1)
    listed = await feedback.http.get(f"{path}/pulses", headers=feedback.teacher())
    pulses = listed.json()["items"]
    assert [(p["student_id"], p["respondent"]) for p in pulses] == [
        (AMARA, "student"),
        (KENJI, "student"),
        (KENJI, "guardian"),
    ]
    assert pulses[2]["comment"] == "Our internet drops every evening."
    assert refused.status_code == 403
    other = {"Authorization": f"Bearer {other_teacher}"}
    assert (await feedback.http.get(f"{path}/pulses", headers=other)).status_code == 403


async def test_a_student_who_changes_sections_leaves_the_old_sections_week(
    feedback: Feedback,
) -> None:
    await put(feedback, student(feedback, KENJI), FINE)
    await put(feedback, guardian_of(KENJI), {**OVERLOADED, "student_id": KENJI})
    moved = token_for(KENJI, Role.STUDENT, sections=frozenset({"section-new"}))
    await put(feedback, {"Authorization": f"Bearer {moved}"}, OVERLOADED)

    async def read(section: str) -> list[tuple[str, str]]:
        teacher = token_for("teacher-1", Role.TEACHER, sections=frozenset({section}))
        path = f"/sections/{section}/pulses/{this_week()}/pulses"
        response = await feedback.http.get(path, headers={"Authorization": f"Bearer {teacher}"})
        assert response.status_code == 200, response.text
        return [(p["student_id"], p["respondent"]) for p in response.json()["items"]]

    assert await read(feedback.section) == []
    assert await read("section-new") == [(KENJI, "student"), (KENJI, "guardian")]
