"""Rosters and sessions over HTTP: events leave through the outbox, bad input changes nothing."""

from __future__ import annotations

import asyncio
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
    hours_from_now,
    lesson_published,
)
from tests.support.auth import bearer
from tests.support.polling import eventually
from tests.support.running import watching

STARTS = hours_from_now(24)


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    await fresh_scheduler.load_roster()
    await fresh_scheduler.learn(lesson_published(fresh_scheduler.lesson_id))
    yield fresh_scheduler


@pytest.fixture(scope="module")
async def refusing(module_scheduler: Scheduler) -> Scheduler:
    """The same roster and lesson, shared by the module's tests of refused requests."""
    await module_scheduler.load_roster()
    await module_scheduler.learn(lesson_published(module_scheduler.lesson_id))
    return module_scheduler


def rules(body: Json) -> list[tuple[str, str]]:
    return [(e["field"], e["rule"]) for e in body["errors"]]


async def test_healthz_needs_no_token_and_everything_else_does(
    fresh_scheduler: Scheduler,
) -> None:
    health = await fresh_scheduler.http.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    anonymous = await fresh_scheduler.http.get("/sections")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "UNAUTHENTICATED")


async def test_roster_loads_are_idempotent_upserts(scheduler: Scheduler) -> None:
    body = {
        "school_id": "school-1",
        "name": "Math 5B",
        "subject": "math",
        "time_zone": "America/Chicago",
        "teacher_ids": ["teacher-1", "teacher-3"],
    }
    for _ in range(2):
        section = await scheduler.ok("PUT", "/sections/sec-math", ADMIN, json=body)
    assert section == {
        "id": "sec-math",
        "district_id": "district-1",
        "term_id": None,
        "grade_band": None,
        **body,
    }
    listed = await scheduler.ok("GET", "/sections", ADMIN)
    assert [s["id"] for s in listed["items"]] == ["sec-art", "sec-math"]
    enrolled = await scheduler.enrol("sec-math", "student-1", "Asia/Tokyo")
    assert enrolled == {
        "section_id": "sec-math",
        "student_id": "student-1",
        "district_id": "district-1",
        "time_zone": "Asia/Tokyo",
    }
    assert (await scheduler.ok("GET", "/sections", STUDENT))["items"] == [section]
    body = {"name": "Lincoln", "time_zone": "America/New_York"}
    school = await scheduler.ok("PUT", "/schools/school-1", ADMIN, json=body)
    assert school == {"id": "school-1", "district_id": "district-1", **body}


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
            subjects = {session["id"], *task_ids}
            return list({e.id: e.type for e in received if e.subject in subjects}.values())

        await eventually(lambda: len(mine()) == 1 + len(task_ids))
    assert sorted(mine()) == [
        "bookend.scheduler.session.scheduled.v1",
        *["bookend.scheduler.task.assigned.v1"] * 2,
    ]
    [scheduled] = [e for e in received if e.subject == session["id"]]
    assert (scheduled.topic, scheduled.key, scheduled.source) == (
        Topic.SCHEDULER_SESSION.value,
        "sec-math",
        "bookend/scheduler",
    )
    assert set(scheduled.data["task_ids"]) == task_ids

    assert session["status"] == "scheduled"
    assert (session["title"], session["lesson_version"], session["school_id"]) == (
        "Fractions",
        1,
        "school-1",
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

        await eventually(lambda: len(mine()) == 3)
    assert mine() == [
        "bookend.scheduler.session.scheduled.v1",
        "bookend.scheduler.session.started.v1",
        "bookend.scheduler.session.ended.v1",
    ]


@pytest.mark.parametrize(
    ("overrides", "broken"),
    [
        ({"ends_at": (STARTS - timedelta(hours=1)).isoformat()}, [("ends_at", "after_start")]),
        ({"time_zone": "Mars/Olympus"}, [("time_zone", "iana_zone")]),
        ({"section_id": "sec-404"}, [("section_id", "known_section")]),
        ({"lesson_id": "lesson-404"}, [("lesson_id", "known_lesson")]),
        ({"title": "  "}, [("title", "not_blank")]),
        ({"starts_at": "2030-01-01T09:00:00"}, [("starts_at", "timezone_aware")]),
        (
            {"starts_at": "9999-12-31T09:00:00Z", "ends_at": "9999-12-31T10:00:00Z"},
            [("starts_at", "in_range"), ("ends_at", "in_range")],
        ),
        (
            {"starts_at": "0001-01-01T09:00:00Z", "ends_at": "0001-01-01T10:00:00Z"},
            [("starts_at", "in_range"), ("ends_at", "in_range")],
        ),
        (
            {"starts_at": "2030-01-01T09:00:00Z", "ends_at": "2031-01-01T09:00:00Z"},
            [("ends_at", "max_length")],
        ),
    ],
    ids=[
        "ends-first",
        "unknown-zone",
        "unknown-section",
        "unknown-lesson",
        "blank-title",
        "naive",
        "year-9999",
        "year-1",
        "a-year-long",
    ],
)
async def test_invalid_sessions_name_the_field_and_rule_and_store_nothing(
    refusing: Scheduler, overrides: Json, broken: list[tuple[str, str]]
) -> None:
    response = await refusing.http.post(
        "/sessions", json=refusing.session_body(STARTS, **overrides), headers=TEACHER
    )
    assert response.status_code == 422, (overrides, response.text)
    assert response.json()["code"] == "INVALID_INPUT"
    assert rules(response.json()) == broken
    sessions = await refusing.ok("GET", "/sections/sec-math/sessions", TEACHER)
    assert sessions["items"] == []
    feed = await refusing.ok("GET", "/feed", STUDENT)
    assert feed["items"] == []


@pytest.mark.parametrize(
    ("method", "url", "body", "broken"),
    [
        (
            "PUT",
            "/sections/sec-x",
            {"school_id": "school-1", "name": "X", "subject": "x", "time_zone": "Nowhere"},
            [("time_zone", "iana_zone")],
        ),
        (
            "PUT",
            "/sections/sec-x",
            {"school_id": "school-404", "name": "X", "subject": "x", "time_zone": "UTC"},
            [("school_id", "known_school")],
        ),
        ("PUT", "/schools/school-9", {}, [("name", "missing"), ("time_zone", "missing")]),
        (
            "PUT",
            "/schools/school-9",
            {"name": " ", "time_zone": "Mars/Olympus_Mons"},
            [("name", "not_blank"), ("time_zone", "iana_zone")],
        ),
        (
            "PUT",
            "/sections/sec-x",
            {
                "school_id": "school-1",
                "name": "X",
                "subject": "x",
                "time_zone": "UTC",
                "teacher_ids": [f"t{n}" for n in range(10_000)],
            },
            [("teacher_ids", "too_long")],
        ),
    ],
    ids=[
        "unknown-zone",
        "unknown-school",
        "nameless-school",
        "blank-zoneless-school",
        "10,000 teachers",
    ],
)
async def test_invalid_roster_input_names_the_field_and_rule(
    refusing: Scheduler, method: str, url: str, body: Json, broken: list[tuple[str, str]]
) -> None:
    response = await refusing.http.request(method, url, headers=ADMIN, json=body)
    assert rules(response.json()) == broken
    gone = await refusing.http.get("/sections/sec-x", headers=ADMIN)
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


def session(scheduler: Scheduler) -> Json:
    return scheduler.session_body(STARTS)


def fixed(body: Json | None) -> Callable[[Scheduler], Json | None]:
    return lambda _: body


@pytest.mark.parametrize(
    ("method", "url", "headers", "body"),
    [
        pytest.param("POST", "/sessions", STUDENT, session, id="student-schedules"),
        pytest.param("POST", "/sessions", OTHER_TEACHER, session, id="other-teacher-schedules"),
        pytest.param(
            "PUT",
            "/schools/school-1",
            TEACHER,
            fixed({"name": "Mine now", "time_zone": "UTC"}),
            id="teacher-loads",
        ),
        pytest.param(
            "PUT",
            "/schools/school-2",
            bearer("a", Role.SCHOOL_ADMIN, school="school-1"),
            fixed({"name": "Not mine", "time_zone": "UTC"}),
            id="admin-of-another-school",
        ),
        pytest.param(
            "PUT",
            "/sections/sec-math/enrolments/student-9",
            TEACHER,
            fixed({"time_zone": "UTC"}),
            id="teacher-enrols",
        ),
        pytest.param(
            "GET", "/sections/sec-math", OTHER_STUDENT, fixed(None), id="another-sections-student"
        ),
    ],
)
async def test_the_wrong_role_is_forbidden(
    refusing: Scheduler,
    method: str,
    url: str,
    headers: dict[str, str],
    body: Callable[[Scheduler], Json | None],
) -> None:
    response = await refusing.http.request(method, url, headers=headers, json=body(refusing))
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")


async def test_another_teacher_cannot_start_it_and_other_districts_find_nothing(
    scheduler: Scheduler,
) -> None:
    session = await scheduler.schedule(STARTS)
    start = await scheduler.http.post(f"/sessions/{session['id']}/start", headers=OTHER_TEACHER)
    assert start.status_code == 403
    for url in (f"/sessions/{session['id']}", "/sections/sec-math"):
        response = await scheduler.http.get(url, headers=OTHER_DISTRICT)
        assert response.status_code == 404, url
    assert (await scheduler.ok("GET", "/sections", OTHER_DISTRICT))["items"] == []


async def test_a_teacher_lists_the_sections_they_teach(scheduler: Scheduler) -> None:
    """teacher_ids is a list: on the embedded store, matching it by one value found nothing."""
    body = {
        "school_id": "school-1",
        "name": "Math 5B",
        "subject": "math",
        "time_zone": "UTC",
        "teacher_ids": ["teacher-3", "teacher-1"],
    }
    await scheduler.ok("PUT", "/sections/sec-shared", ADMIN, json=body)
    listed = await scheduler.ok("GET", "/sections", TEACHER)
    assert [s["id"] for s in listed["items"]] == ["sec-math", "sec-shared"]
    assert (await scheduler.ok("GET", "/sections", OTHER_TEACHER))["items"][0]["id"] == "sec-art"


@pytest.mark.parametrize("number", ["0", "10", "-5", "1e3"])
async def test_ids_that_read_as_numbers_are_ids_like_any_other(
    module_scheduler: Scheduler, number: str
) -> None:
    # The embedded store once matched such ids in a plain equality by number: a second
    # upsert inserted a duplicate and the unique index made it a 500.
    section = {"school_id": number, "name": "Math", "subject": "math", "time_zone": "UTC"}
    for name in ("Lincoln", "Lincoln Middle"):
        body = {"name": name, "time_zone": "UTC"}
        school = await module_scheduler.ok("PUT", f"/schools/{number}", ADMIN, json=body)
        assert school["name"] == name
        saved = await module_scheduler.ok("PUT", f"/sections/{number}", ADMIN, json=section)
        assert saved["id"] == number
    await module_scheduler.enrol(number, number, "UTC")
    await module_scheduler.enrol(number, number, "UTC")
    listed = await module_scheduler.ok("GET", "/sections", ADMIN)
    assert [s["id"] for s in listed["items"]].count(number) == 1
    assert (await module_scheduler.ok("GET", f"/sections/{number}", ADMIN))["school_id"] == number


async def test_one_keyed_session_sent_many_times_at_once_is_scheduled_once(
    scheduler: Scheduler,
) -> None:
    """A client that gave up waiting sends the same keyed write again while the first still
    runs: every copy answers with the one session, none as a clash with it (ADR 0013)."""
    body = scheduler.session_body(hours_from_now(30))
    headers = TEACHER | {"Idempotency-Key": "session-once"}
    answers = await asyncio.gather(
        *(scheduler.http.post("/sessions", json=body, headers=headers) for _ in range(6))
    )
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    listed = await scheduler.ok("GET", "/sections/sec-math/sessions", TEACHER)
    assert len(listed["items"]) == 1
