"""Rosters and sessions over HTTP: events leave through the outbox, bad input changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest

from bookend.auth import Role
from bookend.contracts import Topic
from bookend.eventbus import KafkaSettings
from tests.scheduler.integration.harness import (
    ADMIN,
    OTHER_DISTRICT,
    OTHER_STUDENT,
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    bearer,
    hours_from_now,
    lesson_published,
    wait_for,
    watching,
)


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    await fresh_scheduler.load_roster()
    await fresh_scheduler.learn(lesson_published(fresh_scheduler.lesson_id))
    yield fresh_scheduler


def rules(body: Json) -> list[tuple[str, str]]:
    return [(e["field"], e["rule"]) for e in body["errors"]]


async def test_healthz_needs_no_token_and_everything_else_does(scheduler: Scheduler) -> None:
    health = await scheduler.http.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    anonymous = await scheduler.http.get("/sections")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "UNAUTHENTICATED")


async def test_roster_loads_are_idempotent_upserts(scheduler: Scheduler) -> None:
    body = {"school_id": "school-1", "name": "Math 5B", "subject": "math",
            "time_zone": "America/Chicago", "teacher_ids": ["teacher-1", "teacher-3"]}
    for _ in range(2):
        section = await scheduler.ok("PUT", "/sections/sec-math", ADMIN, json=body)
    assert section == {"id": "sec-math", "district_id": "district-1", **body}
    listed = await scheduler.ok("GET", "/sections", ADMIN)
    assert [s["id"] for s in listed["items"]] == ["sec-art", "sec-math"]
    enrolled = await scheduler.ok("PUT", "/sections/sec-math/enrolments/student-1", ADMIN,
                                  json={"time_zone": "Asia/Tokyo"})
    assert enrolled == {"section_id": "sec-math", "student_id": "student-1",
                        "district_id": "district-1", "time_zone": "Asia/Tokyo"}
    assert (await scheduler.ok("GET", "/sections", STUDENT))["items"] == [section]
    school = await scheduler.ok("PUT", "/schools/school-1", ADMIN, json={"name": "Lincoln"})
    assert school == {"id": "school-1", "district_id": "district-1", "name": "Lincoln"}


async def test_scheduling_sends_session_scheduled_and_task_assigned_through_kafka(
    scheduler: Scheduler, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    starts = hours_from_now(72)
    topics = [Topic.SCHEDULER_SESSION, Topic.SCHEDULER_TASK]
    async with watching(kafka_settings, topics, unique("scheduler-watch")) as received:
        response = await scheduler.http.post(
            "/sessions", json=scheduler.session_body(starts), headers=TEACHER
        )
        assert response.status_code == 201, response.text
        session = response.json()
        task_ids = {task["id"] for task in session["tasks"]}

        def mine() -> list[str]:
            # Delivery is at-least-once, so count each event id once.
            return list({e.id: e.type for e in received
                         if e.subject == session["id"] or e.subject in task_ids}.values())

        await wait_for(lambda: len(mine()) == 1 + len(task_ids))
    assert sorted(mine()) == [
        "bookend.scheduler.session.scheduled.v1", *["bookend.scheduler.task.assigned.v1"] * 2
    ]
    [scheduled] = [e for e in received if e.subject == session["id"]]
    assert (scheduled.topic, scheduled.key, scheduled.source) == (
        Topic.SCHEDULER_SESSION.value, "sec-math", "bookend/scheduler"
    )
    assert set(scheduled.data["task_ids"]) == task_ids

    assert session["status"] == "scheduled"
    assert (session["title"], session["lesson_version"], session["school_id"]) == (
        "Fractions", 1, "school-1"
    )
    assert datetime.fromisoformat(session["starts_at"]) == starts
    [pre_work, follow_up] = session["tasks"]
    assert (pre_work["bookend"], pre_work["component_id"]) == ("pre_work", "c1")
    assert datetime.fromisoformat(pre_work["due_at"]) == starts
    assert datetime.fromisoformat(pre_work["opens_at"]) == starts - timedelta(hours=48)
    assert (follow_up["bookend"], follow_up["title"]) == ("follow_up", "Place ten fractions")
    assert datetime.fromisoformat(follow_up["opens_at"]) == starts + timedelta(minutes=50)
    assert follow_up["time_zone"] == "America/New_York"
    fetched = await scheduler.ok("GET", f"/sessions/{session['id']}", STUDENT)
    assert fetched == session


async def test_a_session_goes_live_then_ends_and_wrong_transitions_conflict(
    scheduler: Scheduler, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    session = await scheduler.schedule(hours_from_now(2))
    early_end = await scheduler.http.post(f"/sessions/{session['id']}/end", headers=TEACHER)
    assert (early_end.status_code, early_end.json()["code"]) == (409, "SESSION_NOT_LIVE")
    async with watching(kafka_settings, [Topic.SCHEDULER_SESSION], unique("watch")) as received:
        live = await scheduler.ok("POST", f"/sessions/{session['id']}/start", TEACHER)
        assert (live["status"], live["started_at"] is not None) == ("live", True)
        again = await scheduler.http.post(f"/sessions/{session['id']}/start", headers=TEACHER)
        assert (again.status_code, again.json()["code"]) == (409, "SESSION_NOT_SCHEDULED")
        over = await scheduler.ok("POST", f"/sessions/{session['id']}/end", TEACHER)
        assert (over["status"], over["ended_at"] is not None) == ("ended", True)
        assert over["tasks"] == session["tasks"]

        def mine() -> list[str]:
            # Delivery is at-least-once, so count each event id once.
            return list({e.id: e.type for e in received if e.subject == session["id"]}.values())

        await wait_for(lambda: len(mine()) == 3)
    assert mine() == [
        "bookend.scheduler.session.scheduled.v1", "bookend.scheduler.session.started.v1",
        "bookend.scheduler.session.ended.v1",
    ]


async def test_invalid_sessions_name_the_field_and_rule_and_store_nothing(
    scheduler: Scheduler,
) -> None:
    starts = hours_from_now(24)
    cases = [
        ({"ends_at": (starts - timedelta(hours=1)).isoformat()}, [("ends_at", "after_start")]),
        ({"time_zone": "Mars/Olympus"}, [("time_zone", "iana_zone")]),
        ({"section_id": "sec-404"}, [("section_id", "known_section")]),
        ({"lesson_id": "lesson-404"}, [("lesson_id", "known_lesson")]),
        ({"title": "  "}, [("title", "not_blank")]),
        ({"starts_at": "2030-01-01T09:00:00"}, [("starts_at", "timezone_aware")]),
    ]
    for overrides, expected in cases:
        response = await scheduler.http.post(
            "/sessions", json=scheduler.session_body(starts, **overrides), headers=TEACHER
        )
        assert response.status_code == 422, (overrides, response.text)
        assert response.json()["code"] == "INVALID_INPUT"
        assert rules(response.json()) == expected, overrides
    sessions = await scheduler.ok("GET", "/sections/sec-math/sessions", TEACHER)
    assert sessions["items"] == []
    feed = await scheduler.ok("GET", "/feed", STUDENT)
    assert feed["items"] == []


async def test_invalid_roster_input_names_the_field_and_rule(scheduler: Scheduler) -> None:
    bad_zone = await scheduler.http.put(
        "/sections/sec-x", headers=ADMIN,
        json={"school_id": "school-1", "name": "X", "subject": "x", "time_zone": "Nowhere"},
    )
    assert rules(bad_zone.json()) == [("time_zone", "iana_zone")]
    unknown_school = await scheduler.http.put(
        "/sections/sec-x", headers=ADMIN,
        json={"school_id": "school-404", "name": "X", "subject": "x", "time_zone": "UTC"},
    )
    assert rules(unknown_school.json()) == [("school_id", "known_school")]
    missing_name = await scheduler.http.put("/schools/school-9", headers=ADMIN, json={})
    assert rules(missing_name.json()) == [("name", "missing")]
    gone = await scheduler.http.get("/sections/sec-x", headers=ADMIN)
    assert gone.status_code == 404


async def test_sessions_of_a_section_are_listed_by_start_within_a_range(
    scheduler: Scheduler,
) -> None:
    late, early, outside = hours_from_now(30), hours_from_now(10), hours_from_now(90)
    for starts in (late, early, outside):
        await scheduler.schedule(starts)
    window = {"from": early.isoformat(), "to": (late + timedelta(hours=1)).isoformat()}
    listed = await scheduler.ok("GET", "/sections/sec-math/sessions", TEACHER, params=window)
    assert [datetime.fromisoformat(s["starts_at"]) for s in listed["items"]] == [early, late]


async def test_the_wrong_role_is_forbidden_and_other_districts_find_nothing(
    scheduler: Scheduler,
) -> None:
    starts = hours_from_now(24)
    forbidden = [
        ("POST", "/sessions", STUDENT, scheduler.session_body(starts)),
        ("POST", "/sessions", OTHER_TEACHER, scheduler.session_body(starts)),
        ("PUT", "/schools/school-1", TEACHER, {"name": "Mine now"}),
        ("PUT", "/schools/school-2", bearer("a", Role.SCHOOL_ADMIN, school="school-1"),
         {"name": "Not mine"}),
        ("PUT", "/sections/sec-math/enrolments/student-9", TEACHER, {"time_zone": "UTC"}),
        ("GET", "/sections/sec-math", OTHER_STUDENT, None),
    ]
    for method, url, headers, body in forbidden:
        response = await scheduler.http.request(method, url, headers=headers, json=body)
        assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN"), url
    session = await scheduler.schedule(starts)
    start = await scheduler.http.post(f"/sessions/{session['id']}/start", headers=OTHER_TEACHER)
    assert start.status_code == 403
    for url in (f"/sessions/{session['id']}", "/sections/sec-math"):
        response = await scheduler.http.get(url, headers=OTHER_DISTRICT)
        assert response.status_code == 404, url
    assert (await scheduler.ok("GET", "/sections", OTHER_DISTRICT))["items"] == []
