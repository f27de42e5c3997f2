"""Groups of a section's students over HTTP against the real embedded store: made, renamed,
given other members and deleted by the section's teacher, hidden from students, a name once
per section (the unique index holds it against a writer that skips the check), and a task
assigned to a group reaching its members only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bookend.auth import Role
from bookend.problems import InvalidInput
from services.scheduler.roster.groups import Group
from services.scheduler.store import SchedulerTransaction
from tests.scheduler.integration.harness import (
    ADMIN,
    OTHER_DISTRICT,
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)
from tests.support.auth import bearer

STUDENT_3 = bearer("student-3", Role.STUDENT)
STUDENT_4 = bearer("student-4", Role.STUDENT)
OPENS = hours_from_now(48)


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    """Math has student-1, student-3 and student-4."""
    await fresh_scheduler.load_roster()
    for student in ("student-3", "student-4"):
        await fresh_scheduler.enrol("sec-math", student, "America/Chicago")
    yield fresh_scheduler


async def create(scheduler: Scheduler, name: str, students: list[str]) -> Json:
    body = {"name": name, "student_ids": students}
    return await scheduler.ok("POST", "/sections/sec-math/groups", TEACHER, json=body)


async def listed(scheduler: Scheduler) -> list[Json]:
    items: list[Json] = (await scheduler.ok("GET", "/sections/sec-math/groups", TEACHER))["items"]
    return items


def broken(response: object) -> list[tuple[str, str]]:
    body = response.json()  # type: ignore[attr-defined]
    return [(e["field"], e["rule"]) for e in body["errors"]]


async def test_a_group_is_made_renamed_given_other_members_and_deleted(
    scheduler: Scheduler,
) -> None:
    made = await create(scheduler, " Needs support ", ["student-3", "student-1"])
    assert made == {
        "id": made["id"],
        "section_id": "sec-math",
        "name": "Needs support",
        "student_ids": ["student-3", "student-1"],
        "created_by": "teacher-1",
    }
    assert await listed(scheduler) == [made]
    body = {"name": "Reading B", "student_ids": ["student-4"]}
    changed = await scheduler.ok("PUT", f"/groups/{made['id']}", ADMIN, json=body)
    assert changed == made | body
    assert await listed(scheduler) == [changed]
    deleted = await scheduler.http.delete(f"/groups/{made['id']}", headers=TEACHER)
    assert (deleted.status_code, deleted.json()) == (200, changed)
    assert await listed(scheduler) == []
    gone = await scheduler.http.put(f"/groups/{made['id']}", json=body, headers=TEACHER)
    assert (gone.status_code, gone.json()["code"]) == (404, "GROUP_NOT_FOUND")


async def test_a_create_retried_with_its_key_makes_one_group(scheduler: Scheduler) -> None:
    headers = TEACHER | {"Idempotency-Key": "group-once"}
    body = {"name": "Once", "student_ids": ["student-1"]}
    first = await scheduler.http.post("/sections/sec-math/groups", json=body, headers=headers)
    again = await scheduler.http.post("/sections/sec-math/groups", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert [g["id"] for g in await listed(scheduler)] == [first.json()["id"]]


async def test_bad_groups_are_refused_by_field_and_rule_and_nothing_changes(
    scheduler: Scheduler,
) -> None:
    await create(scheduler, "Needs support", ["student-1"])
    for body, rules in (
        ({"name": "NEEDS  support", "student_ids": ["student-3"]}, [("name", "unique_in_section")]),
        (
            {"name": "   ", "student_ids": ["student-2"]},
            [("name", "not_blank"), ("student_ids", "enrolled")],
        ),
        (
            {"name": "x" * 81, "student_ids": []},
            [("name", "max_length"), ("student_ids", "not_empty")],
        ),
        (
            {"name": "Many", "student_ids": [f"s{n}" for n in range(201)]},
            [("student_ids", "max_items")],
        ),
    ):
        refused = await scheduler.http.post("/sections/sec-math/groups", json=body, headers=TEACHER)
        assert refused.status_code == 422, refused.text
        assert broken(refused) == rules
    assert [g["name"] for g in await listed(scheduler)] == ["Needs support"]


async def test_students_strangers_and_other_districts_never_see_a_sections_groups(
    scheduler: Scheduler,
) -> None:
    made = await create(scheduler, "Needs support", ["student-1"])
    for headers, status in ((STUDENT, 403), (OTHER_TEACHER, 403), (OTHER_DISTRICT, 404)):
        response = await scheduler.http.get("/sections/sec-math/groups", headers=headers)
        assert response.status_code == status, response.text
        assert "Needs support" not in response.text
        body = {"name": "Taken", "student_ids": ["student-1"]}
        put = await scheduler.http.put(f"/groups/{made['id']}", json=body, headers=headers)
        assert put.status_code == status, put.text
        deleted = await scheduler.http.delete(f"/groups/{made['id']}", headers=headers)
        assert deleted.status_code == status, deleted.text
    assert await listed(scheduler) == [made]


async def test_the_unique_index_keeps_a_name_once_per_section_ignoring_case(
    scheduler: Scheduler,
) -> None:
    """Two teachers naming groups at once both pass the use case's check; the index refuses
    the second as the check would have."""
    made = await create(scheduler, "Needs support", ["student-1"])
    twin = Group("group-twin", "district-1", "sec-math", "needs SUPPORT", ("student-3",), "t")

    async def save(tx: SchedulerTransaction) -> None:
        await tx.save_group(twin)

    with pytest.raises(InvalidInput) as refused:
        await scheduler.store.atomically(save)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("name", "unique_in_section")]
    other_section = Group("group-art", "district-1", "sec-art", "Needs support", (), "t")

    async def save_other(tx: SchedulerTransaction) -> None:
        await tx.save_group(other_section)

    await scheduler.store.atomically(save_other)
    assert await listed(scheduler) == [made]


async def test_a_task_for_a_group_reaches_its_members_only(scheduler: Scheduler) -> None:
    await scheduler.learn(lesson_published(scheduler.lesson_id))
    group = await create(scheduler, "Needs support", ["student-1", "student-3"])
    task: Json = {
        "section_id": "sec-math",
        "lesson_id": scheduler.lesson_id,
        "component_id": "c1",
        "opens": {"at": OPENS.isoformat()},
        "due": {"at": (OPENS + timedelta(days=2)).isoformat()},
    }
    both = await scheduler.http.post(
        "/tasks",
        json=task | {"group_id": group["id"], "student_ids": ["student-1"]},
        headers=TEACHER,
    )
    assert (both.status_code, broken(both)) == (422, [("group_id", "one_audience")])
    assigned = await scheduler.ok("POST", "/tasks", TEACHER, json=task | {"group_id": group["id"]})
    assert (assigned["group_id"], assigned["student_ids"]) == (
        group["id"],
        ["student-1", "student-3"],
    )
    for headers, has_it in ((STUDENT, True), (STUDENT_3, True), (STUDENT_4, False)):
        feed = await scheduler.ok("GET", "/feed", headers, params={"first": 100})
        assert (assigned["id"] in [item["item_id"] for item in feed["items"]]) is has_it
    unknown = await scheduler.http.post(
        "/tasks", json=task | {"group_id": "group-nowhere"}, headers=TEACHER
    )
    assert (unknown.status_code, broken(unknown)) == (422, [("group_id", "known_group")])
