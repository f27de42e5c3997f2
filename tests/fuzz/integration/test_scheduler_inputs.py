"""Every scheduler operation, fed generated and hostile input by an admin loading the roster
and a teacher of the section: never a 5xx or a hang, and every refusal names its field and
rule."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import schemathesis

from bookend.auth import Role
from bookend.eventbus import KafkaPublisher
from services.scheduler.app import create_app
from services.scheduler.settings import SchedulerSettings
from tests.conftest import Embedded, fresh_on
from tests.fuzz.integration.harness import aim, answer, openapi_schema
from tests.scheduler.integration.harness import lesson_published
from tests.support.auth import token_for
from tests.support.fuzzing import DEADLINE
from tests.support.polling import eventually

SCHOOL, SECTION, STUDENT, LESSON = "school-fuzz", "section-fuzz", "student-1", "lesson-fuzz"
TERM, GUARDIAN = "term-fuzz", "guardian-fuzz"
ADMIN = token_for("admin-1", Role.DISTRICT_ADMIN)
TEACHER = token_for("teacher-1", Role.TEACHER, sections=frozenset({SECTION}))

SCHEDULER = openapi_schema(create_app, SchedulerSettings())
START = datetime(2030, 3, 4, 15, tzinfo=UTC)
KNOWN: dict[str, list[Any]] = {
    "school_id": [SCHOOL],
    "section_id": [SECTION],
    "student_id": [STUDENT],
    "lesson_id": [LESSON],
    "session_id": [],  # filled once the app runs: a scheduled session
    "task_id": [],  # filled once the app runs: a task of the section
    "group_id": [],  # filled once the app runs: a group of the section
    "student_ids": [[STUDENT]],  # a group's members (and a task's chosen students)
    "term_id": [TERM],
    "person_id": [STUDENT, GUARDIAN],
    "guardian_id": [GUARDIAN],
    "import_id": [],  # filled once the app runs: a done import
    "link_id": [],  # filled once the app runs: a calendar link of the section
    "secret": [],  # and its secret, so fetches reach the calendar itself
    "teacher_ids": [["teacher-1"]],  # a section put as the admin keeps the fuzzing teacher
    "time_zone": ["America/Chicago", "Europe/London", "UTC"],
    "starts_at": [START.isoformat()],
    "ends_at": [(START + timedelta(minutes=50)).isoformat()],
}
aim(SCHEDULER, KNOWN)


ROSTER = ("/district", "/schools", "/terms", "/people", "/students", "/roster")


def as_admin(method: str, path: str) -> bool:
    """Loading and reading the roster is the admins'; the rest is the section's teacher's."""
    if path.startswith(ROSTER) or path == "/sections/{section_id}/students":
        return True
    return method == "PUT" and path.startswith("/sections")


@pytest.fixture(scope="module")
async def scheduler(embedded: Embedded) -> AsyncIterator[str]:
    fresh = fresh_on(embedded)
    settings = fresh.settings(SchedulerSettings, "scheduler")
    with fresh.served_over_http(create_app, settings) as url:
        publisher = KafkaPublisher(fresh.kafka)
        await publisher.start()
        async with httpx.AsyncClient(base_url=url, timeout=DEADLINE) as http:
            admin = {"Authorization": f"Bearer {ADMIN}"}
            teacher = {"Authorization": f"Bearer {TEACHER}"}
            section: dict[str, Any] = {
                "school_id": SCHOOL,
                "name": "Math 7C",
                "subject": "math",
                "time_zone": "America/Chicago",
                "teacher_ids": ["teacher-1"],
            }
            term = {"school_id": SCHOOL, "name": "Year", "starts_on": "2029-09-01"}
            for path, body in (
                (f"/schools/{SCHOOL}", {"name": "Riverside", "time_zone": "America/Chicago"}),
                (f"/terms/{TERM}", term | {"ends_on": "2030-06-30"}),
                (f"/sections/{SECTION}", section),
                (f"/sections/{SECTION}/enrolments/{STUDENT}", {"time_zone": "Europe/London"}),
                (f"/people/{GUARDIAN}", {"role": "guardian", "school_ids": [SCHOOL]}),
                (f"/students/{STUDENT}/guardians/{GUARDIAN}", None),
            ):
                answered = await http.put(path, json=body, headers=admin)
                assert answered.status_code == 200, answered.text
            orgs = f"sourcedId,name,type,timeZone\n{SCHOOL},Riverside,school,America/Chicago\n"
            files = {"files": [{"name": "orgs.csv", "text": orgs}]}
            imported = await http.post("/roster/imports", json=files, headers=admin)
            KNOWN["import_id"][:] = [imported.json()["imported"]["id"]]
            await publisher.publish(lesson_published(LESSON))

            async def learned() -> bool:
                response = await http.get(f"/lessons/{LESSON}", headers=teacher)
                return response.status_code == 200

            await eventually(learned)
            session = {
                "section_id": SECTION,
                "lesson_id": LESSON,
                "starts_at": KNOWN["starts_at"][0],
                "ends_at": KNOWN["ends_at"][0],
                "time_zone": "America/Chicago",
            }
            scheduled = await http.post("/sessions", json=session, headers=teacher)
            assert scheduled.status_code == 201, scheduled.text
            KNOWN["session_id"][:] = [scheduled.json()["id"]]
            edges = {"opens": {"at": START.isoformat()}, "due": {"at": KNOWN["ends_at"][0]}}
            task = {"section_id": SECTION, "lesson_id": LESSON, "component_id": "c3"} | edges
            assigned = await http.post("/tasks", json=task, headers=teacher)
            assert assigned.status_code == 201, assigned.text
            KNOWN["task_id"][:] = [assigned.json()["id"]]
            group = {"name": "Reading group B", "student_ids": [STUDENT]}
            made = await http.post(f"/sections/{SECTION}/groups", json=group, headers=teacher)
            assert made.status_code == 201, made.text
            KNOWN["group_id"][:] = [made.json()["id"]]
            link = await http.post("/calendar-links", json={"section_id": SECTION}, headers=teacher)
            assert link.status_code == 201, link.text
            KNOWN["link_id"][:] = [link.json()["id"]]
            KNOWN["secret"][:] = [link.json()["secret"]]
        await publisher.stop()
        yield url


@SCHEDULER.parametrize()
def test_no_request_makes_the_scheduler_fail_or_hang(
    case: schemathesis.Case[Any], scheduler: str
) -> None:
    answer(case, scheduler, ADMIN if as_admin(case.method, case.path) else TEACHER)


LONG = "x" * 10_000
VALID_SECTION = {
    "school_id": SCHOOL,
    "name": "Math 7C",
    "subject": "math",
    "time_zone": "America/Chicago",
    "teacher_ids": ["teacher-1"],
}
VALID_SESSION = {
    "section_id": SECTION,
    "lesson_id": LESSON,
    "starts_at": KNOWN["starts_at"][0],
    "ends_at": KNOWN["ends_at"][0],
    "time_zone": "America/Chicago",
}
YEAR_1 = "0001-01-01T00:00:00+05:00"
YEAR_9999 = "9999-12-31T23:59:59-05:00"
FEED_CURSOR_YEAR_1 = base64.urlsafe_b64encode(f"{YEAR_1}|item-1".encode()).decode()


@pytest.mark.parametrize(
    ("path", "body", "field", "rule"),
    [
        (f"/schools/{SCHOOL}", {"name": LONG, "time_zone": "UTC"}, "name", "string_too_long"),
        (
            f"/schools/{SCHOOL}",
            {"name": "River\x00side", "time_zone": "UTC"},
            "name",
            "valid_text",
        ),
        (
            f"/schools/{SCHOOL}",
            {"name": "Riverside", "time_zone": LONG},
            "time_zone",
            "string_too_long",
        ),
        (
            f"/terms/{TERM}",
            {
                "school_id": SCHOOL,
                "name": "Year",
                "starts_on": "2030-01-01",
                "ends_on": "2029-01-01",
            },
            "ends_on",
            "not_before_start",
        ),
        (
            f"/people/{STUDENT}",
            {"role": "teacher", "school_ids": [SCHOOL]},
            "role",
            "same_role",
        ),
        (f"/sections/{SECTION}", VALID_SECTION | {"name": LONG}, "name", "string_too_long"),
        (f"/sections/{SECTION}", VALID_SECTION | {"subject": "ma\x00th"}, "subject", "valid_text"),
        (
            f"/sections/{SECTION}",
            VALID_SECTION | {"time_zone": "Mars/Olympus_Mons"},
            "time_zone",
            "iana_zone",
        ),
        (
            f"/sections/{SECTION}/enrolments/{STUDENT}",
            {"time_zone": "America/Chicago\x00"},
            "time_zone",
            "valid_text",
        ),
        (
            f"/sections/{SECTION}/enrolments/{STUDENT}",
            {"time_zone": "Europe/Atlantis"},
            "time_zone",
            "iana_zone",
        ),
        (
            f"/sections/{SECTION}/enrolments/{STUDENT}",
            {"time_zone": LONG},
            "time_zone",
            "string_too_long",
        ),
    ],
    ids=[
        "long school name",
        "NUL in a school name",
        "long school zone",
        "a term ending before it starts",
        "a student made a teacher",
        "long section name",
        "NUL in a subject",
        "unknown section zone",
        "NUL in a student's zone",
        "unknown student zone",
        "long student zone",
    ],
)
async def test_hostile_roster_input_names_the_field_and_rule(
    scheduler: str, path: str, body: dict[str, Any], field: str, rule: str
) -> None:
    await refused(scheduler, "PUT", path, ADMIN, body, field, rule)


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"title": LONG}, "title", "string_too_long"),
        ({"title": "Theme\x00"}, "title", "valid_text"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "iana_zone"),
        ({"time_zone": ""}, "time_zone", "string_too_short"),
        ({"starts_at": YEAR_1}, "starts_at", "in_range"),
        ({"ends_at": YEAR_9999}, "ends_at", "in_range"),
        ({"starts_at": YEAR_9999, "ends_at": YEAR_9999}, "starts_at", "in_range"),
        ({"starts_at": "2030-02-30T10:00:00Z"}, "starts_at", "datetime_from_date_parsing"),
    ],
    ids=[
        "long title",
        "NUL in a title",
        "unknown zone",
        "empty zone",
        "year 1",
        "year 9999",
        "both in year 9999",
        "no such day",
    ],
)
async def test_a_hostile_session_names_the_field_and_rule(
    scheduler: str, change: dict[str, str], field: str, rule: str
) -> None:
    await refused(scheduler, "POST", "/sessions", TEACHER, VALID_SESSION | change, field, rule)


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"name": LONG}, "name", "string_too_long"),
        ({"name": "x" * 81}, "name", "max_length"),
        ({"name": "Group\x00"}, "name", "valid_text"),
        ({"name": " \t "}, "name", "not_blank"),
        ({"student_ids": ["student-nowhere"]}, "student_ids", "enrolled"),
        ({"student_ids": [STUDENT] * 201}, "student_ids", "max_items"),
        ({"student_ids": [STUDENT] * 1001}, "student_ids", "too_long"),
    ],
    ids=[
        "long name",
        "name over 80",
        "NUL in a name",
        "blank name",
        "a stranger",
        "too many members",
        "a huge list",
    ],
)
async def test_a_hostile_group_names_the_field_and_rule(
    scheduler: str, change: dict[str, Any], field: str, rule: str
) -> None:
    body = {"name": "Reading group C", "student_ids": [STUDENT]} | change
    await refused(scheduler, "POST", f"/sections/{SECTION}/groups", TEACHER, body, field, rule)


@pytest.mark.parametrize(
    ("path", "params", "field", "rule"),
    [
        (f"/sections/{SECTION}/sessions", {"from": YEAR_1}, "from", "in_range"),
        (f"/sections/{SECTION}/sessions", {"to": YEAR_9999}, "to", "in_range"),
        ("/feed", {"student_id": STUDENT, "from": YEAR_1}, "from", "in_range"),
        ("/feed", {"student_id": STUDENT, "to": YEAR_9999}, "to", "in_range"),
        ("/feed", {"student_id": STUDENT, "after": FEED_CURSOR_YEAR_1}, "after", "cursor"),
    ],
    ids=[
        "sessions from year 1",
        "sessions to year 9999",
        "feed from year 1",
        "feed to year 9999",
        "feed after a cursor in year 1",
    ],
)
async def test_a_read_between_dates_out_of_range_names_the_field_and_rule(
    scheduler: str, path: str, params: dict[str, str], field: str, rule: str
) -> None:
    await refused(scheduler, "GET", path, TEACHER, None, field, rule, params=params)


async def refused(
    url: str,
    method: str,
    path: str,
    token: str,
    body: dict[str, Any] | None,
    field: str,
    rule: str,
    params: dict[str, str] | None = None,
) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=DEADLINE) as http:
        response = await http.request(
            method, path, json=body, params=params, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 422, response.text
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ], response.text
