"""Balance proposals on the real embedded broker and store: an assessment heard from the
feedback service's topic becomes proposals once however often it comes; a teacher accepts one
and the student's feed changes (theirs only); undo changes it back; refusals change nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from bookend.auth import Role
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.feedback import (
    AssessedFigures,
    AssessedFlag,
    BalanceAssessed,
    BalanceFlag,
    StudentBalance,
)
from tests.scheduler.integration.harness import (
    ADMIN,
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)
from tests.support.auth import bearer
from tests.support.polling import eventually

FIGURES = AssessedFigures(
    planned_live_minutes=50,
    attended_live_minutes=10,
    assigned_on_demand_minutes=45,
    completed_on_demand_minutes=10,
    sessions=1,
    sessions_missed=1,
)


def assessment(
    section: str, students: dict[str, list[BalanceFlag]], week: str = "2026-W10"
) -> CloudEvent:
    payload = BalanceAssessed(
        district_id="district-1",
        assessment_id=f"assessment-{section}-{week}",
        section_id=section,
        week=week,
        figures=FIGURES,
        flags=[],
        students=[
            StudentBalance(
                student_id=student,
                figures=FIGURES,
                flags=[AssessedFlag(kind=k, reason=f"because {k.value}") for k in kinds],
            )
            for student, kinds in students.items()
        ],
        assessed_at=datetime.now(UTC),
    )
    return new_event("bookend/feedback", payload)


async def own_section(app: Scheduler, *students: str) -> str:
    """A section of this test's own: the assessment topic is shared by every test's app, and
    each app proposes for the sections it knows."""
    section = f"sec-{uuid.uuid4().hex[:8]}"
    body = {
        "school_id": "school-1",
        "name": "Math 5",
        "subject": "math",
        "time_zone": "America/New_York",
        "teacher_ids": ["teacher-1"],
    }
    await app.ok("PUT", f"/sections/{section}", ADMIN, json=body)
    for student in students:
        await app.enrol(section, student, "Europe/London")
    return section


async def proposals_once_heard(app: Scheduler, section: str, count: int) -> list[Json]:
    async def heard() -> list[Json] | None:
        body = await app.ok("GET", f"/sections/{section}/proposals", TEACHER)
        items: list[Json] = body["items"]
        return items if len(items) >= count else None

    return await eventually(heard)


async def dues(app: Scheduler, student: str) -> dict[str, str]:
    who = bearer(student, Role.STUDENT)
    feed = await app.ok("GET", "/feed", who, params={"first": 100})
    return {i["item_id"]: i["due_at"] for i in feed["items"] if i.get("due_at")}


async def test_an_assessment_heard_twice_proposes_once_and_accepting_moves_one_students_work(
    fresh_scheduler: Scheduler,
) -> None:
    app = fresh_scheduler
    await app.load_roster()
    section = await own_section(app, "student-1", "student-3")
    await app.learn(lesson_published(app.lesson_id))
    await app.schedule(hours_from_now(30), section_id=section)
    event = assessment(section, {"student-1": [BalanceFlag.FALLING_BEHIND]})
    await app.publisher.publish(event)
    await app.publisher.publish(event)  # delivered again: at least once
    [proposal] = await proposals_once_heard(app, section, 1)
    assert (proposal["kind"], proposal["student_id"], proposal["status"]) == (
        "extend_windows",
        "student-1",
        "open",
    )
    mine, theirs = await dues(app, "student-1"), await dues(app, "student-3")
    assert mine

    # Refused: another section's teacher, and a student; nothing changes.
    for outsider in (OTHER_TEACHER, STUDENT):
        refused = await app.http.post(f"/proposals/{proposal['id']}/accept", headers=outsider)
        assert refused.status_code == 403, refused.text
    assert await dues(app, "student-1") == mine

    accepted = await app.ok("POST", f"/proposals/{proposal['id']}/accept", TEACHER)
    assert (accepted["status"], accepted["decided_by"]) == ("applied", "teacher-1")
    assert set(accepted["extended_task_ids"]) == set(mine)
    moved = await dues(app, "student-1")
    assert all(moved[i] > mine[i] for i in mine)
    assert await dues(app, "student-3") == theirs

    again = await app.http.post(f"/proposals/{proposal['id']}/accept", headers=TEACHER)
    assert (again.status_code, again.json()["code"]) == (409, "PROPOSAL_NOT_OPEN")
    undone = await app.ok("POST", f"/proposals/{proposal['id']}/undo", TEACHER)
    assert undone["status"] == "undone"
    assert await dues(app, "student-1") == mine


async def test_proposals_page_newest_first_and_a_dismissal_keeps_its_reason(
    fresh_scheduler: Scheduler,
) -> None:
    app = fresh_scheduler
    await app.load_roster()
    section = await own_section(app, "student-1")
    flagged = {"student-1": [BalanceFlag.OFFER_RECORDINGS]}
    for week in ("2026-W01", "2026-W02", "2026-W03"):
        await app.publisher.publish(assessment(section, flagged, week))
    await proposals_once_heard(app, section, 3)
    listing = f"/sections/{section}/proposals"
    first = await app.ok("GET", listing, TEACHER, params={"first": 2})
    assert first["page_info"]["has_next_page"] is True
    after = first["page_info"]["end_cursor"]
    rest = await app.ok("GET", listing, TEACHER, params={"first": 2, "after": after})
    weeks = [p["week"] for p in first["items"] + rest["items"]]
    assert sorted(weeks) == ["2026-W01", "2026-W02", "2026-W03"] and len(set(weeks)) == 3
    assert rest["page_info"]["has_next_page"] is False

    target = first["items"][0]["id"]
    long = {"reason": "x" * 201}
    refused = await app.http.post(f"/proposals/{target}/dismiss", json=long, headers=TEACHER)
    assert refused.status_code == 422
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [("reason", "max_length")]
    body = {"reason": "already offered in person"}
    dismissed = await app.ok("POST", f"/proposals/{target}/dismiss", TEACHER, json=body)
    assert (dismissed["status"], dismissed["dismissal"]) == ("dismissed", body["reason"])
    still_open = await app.ok("GET", listing, TEACHER, params={"status": "open"})
    assert target not in {p["id"] for p in still_open["items"]}
