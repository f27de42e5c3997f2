"""Students' feeds over HTTP: ordered, paged by cursor, and visible only to those allowed."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.scheduler.integration.harness import (
    ADMIN,
    GUARDIAN,
    OTHER_GUARDIAN,
    OTHER_STUDENT,
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)

FEED_ITEM_FIELDS = {
    "item_id",
    "modality",
    "join_url",
    "closes_at",
    "by_recording",
    "kind",
    "section_id",
    "session_id",
    "lesson_id",
    "title",
    "bookend",
    "minutes",
    "status",
    "starts_at",
    "ends_at",
    "opens_at",
    "due_at",
    "actionable_at",
    "rule_time_zone",
    "cursor",
}


async def three_sessions(app: Scheduler) -> Scheduler:
    """Three math sessions (each with pre-work and follow-up): nine items for student-1.

    A classmate (student-3) gets the same items, so a page can only hold one student's.
    """
    await app.load_roster()
    await app.enrol("sec-math", "student-3", "America/Denver")
    await app.learn(lesson_published(app.lesson_id))
    for hours in (100, 24, 200):
        await app.schedule(hours_from_now(hours))
    return app


@pytest.fixture(scope="module")
async def scheduler(module_scheduler: Scheduler) -> Scheduler:
    """Shared by the module's tests that only read."""
    return await three_sessions(module_scheduler)


@pytest.fixture
async def own_scheduler(fresh_scheduler: Scheduler) -> Scheduler:
    """For a test that changes the plan."""
    return await three_sessions(fresh_scheduler)


def order(items: list[Json]) -> list[tuple[datetime, str]]:
    return [(datetime.fromisoformat(i["actionable_at"]), i["item_id"]) for i in items]


async def test_the_feed_is_ordered_by_actionable_time_with_statuses_and_the_students_zone(
    scheduler: Scheduler,
) -> None:
    feed = await scheduler.ok("GET", "/feed", STUDENT)
    assert feed["time_zone"] == "Europe/London"
    items = feed["items"]
    assert len(items) == 9
    assert order(items) == sorted(order(items))
    assert set(items[0]) == FEED_ITEM_FIELDS
    assert feed["page_info"]["has_next_page"] is False
    first_session = next(i for i in items if i["kind"] == "live_session")
    assert (first_session["status"], first_session["bookend"], first_session["minutes"]) == (
        "upcoming",
        None,
        50,
    )
    assert first_session["actionable_at"] == first_session["starts_at"]
    assert first_session["rule_time_zone"] == "America/New_York"
    statuses = {(i["bookend"], i["status"]) for i in items if i["kind"] == "task"}
    # Pre-work of the session a day away is open; the rest opens later.
    assert statuses == {
        ("pre_work", "not_started"),
        ("pre_work", "upcoming"),
        ("follow_up", "upcoming"),
    }
    assert all(i["actionable_at"].endswith("Z") for i in items)


@pytest.mark.parametrize("size", [1, 2, 4])
async def test_cursors_page_through_every_item_once(scheduler: Scheduler, size: int) -> None:
    whole = (await scheduler.ok("GET", "/feed", STUDENT, params={"first": 100}))["items"]
    walked: list[Json] = []
    params: dict[str, str | int] = {"first": size}
    while True:
        page = await scheduler.ok("GET", "/feed", STUDENT, params=params)
        assert len(page["items"]) <= size
        walked += page["items"]
        if not page["page_info"]["has_next_page"]:
            break
        params = {"first": size, "after": page["page_info"]["end_cursor"]}
    assert [i["item_id"] for i in walked] == [i["item_id"] for i in whole]


async def test_filters_by_kind_status_section_and_time(scheduler: Scheduler) -> None:
    sessions = await scheduler.ok("GET", "/feed", STUDENT, params={"kinds": "live_session"})
    assert [i["kind"] for i in sessions["items"]] == ["live_session"] * 3
    open_now = await scheduler.ok("GET", "/feed", STUDENT, params={"statuses": "not_started"})
    assert [(i["bookend"], i["status"]) for i in open_now["items"]] == [("pre_work", "not_started")]
    mine = await scheduler.ok("GET", "/feed", STUDENT, params={"sections": "sec-art,sec-math"})
    assert len(mine["items"]) == 9
    other = await scheduler.ok("GET", "/feed", STUDENT, params={"sections": "sec-art"})
    assert other["items"] == []
    window = {"from": hours_from_now(23).isoformat(), "to": hours_from_now(25).isoformat()}
    near = await scheduler.ok("GET", "/feed", STUDENT, params=window)
    assert sorted(i["kind"] for i in near["items"]) == ["live_session", "task"]


@pytest.mark.parametrize(
    ("params", "broken"),
    [
        ({"first": 101}, [("first", "max_page_size")]),
        ({"first": 0}, [("first", "min_page_size")]),
        ({"after": "not-a-cursor"}, [("after", "cursor")]),
        ({"kinds": "homework"}, [("kinds", "known_kind")]),
        ({"from": "2030-01-01T00:00:00"}, [("from", "timezone_aware")]),
    ],
    ids=["over-the-cap", "empty-page", "foreign-cursor", "unknown-kind", "naive-from"],
)
async def test_page_size_is_capped_and_bad_parameters_name_their_rule(
    scheduler: Scheduler, params: dict[str, str | int], broken: list[tuple[str, str]]
) -> None:
    response = await scheduler.http.get("/feed", headers=STUDENT, params=params)
    assert response.status_code == 422, params
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == broken


@pytest.mark.parametrize(
    "headers", [GUARDIAN, TEACHER, ADMIN], ids=["guardian", "teacher", "district-admin"]
)
async def test_a_guardian_teacher_and_admin_see_the_childs_feed(
    scheduler: Scheduler, headers: dict[str, str]
) -> None:
    own = await scheduler.ok("GET", "/feed", STUDENT)
    seen = await scheduler.ok("GET", "/feed", headers, params={"student_id": "student-1"})
    assert seen == own


async def test_another_sections_student_reads_their_own_empty_feed(scheduler: Scheduler) -> None:
    theirs = await scheduler.ok("GET", "/feed", OTHER_STUDENT)
    assert theirs["items"] == []


@pytest.mark.parametrize(
    "headers",
    [OTHER_STUDENT, OTHER_GUARDIAN, OTHER_TEACHER],
    ids=["other-student", "other-guardian", "other-teacher"],
)
async def test_others_are_forbidden_a_students_feed(
    scheduler: Scheduler, headers: dict[str, str]
) -> None:
    response = await scheduler.http.get(
        "/feed", headers=headers, params={"student_id": "student-1"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")


async def test_a_student_enrolled_later_gets_the_sessions_ahead_and_sees_them_go_live(
    own_scheduler: Scheduler,
) -> None:
    # student-2 also takes math now
    await own_scheduler.enrol("sec-math", "student-2", "Asia/Tokyo")
    feed = await own_scheduler.ok("GET", "/feed", OTHER_STUDENT)
    assert feed["time_zone"] == "Asia/Tokyo"
    assert len(feed["items"]) == 9
    session_id = next(i["item_id"] for i in feed["items"] if i["kind"] == "live_session")
    await own_scheduler.ok("POST", f"/sessions/{session_id}/start", TEACHER)
    live = await own_scheduler.ok("GET", "/feed", OTHER_STUDENT, params={"statuses": "live"})
    assert [i["item_id"] for i in live["items"]] == [session_id]
    assert (await own_scheduler.ok("GET", "/feed", STUDENT, params={"statuses": "live"}))["items"]
