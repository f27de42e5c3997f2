"""The roster over HTTP against the real embedded store: the district, schools with their zones,
terms with school days and blackout dates, sections in a term, people, guardians and
enrolments, loaded by admins and read back; the school calendar read from the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time

import pytest

from bookend.auth import Role
from bookend.mongo import MongoSettings, connect
from services.scheduler.store import SchedulerStore
from tests.scheduler.integration.harness import ADMIN, STUDENT, TEACHER, Json, Scheduler
from tests.support.auth import bearer

SCHOOL_ADMIN = bearer("admin-2", Role.SCHOOL_ADMIN, school="school-1")


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    await fresh_scheduler.load_roster()
    yield fresh_scheduler


async def put(
    scheduler: Scheduler, url: str, body: Json | None, headers: dict[str, str] = ADMIN
) -> Json:
    return await scheduler.ok("PUT", url, headers, json=body)


async def test_terms_with_school_days_and_blackouts_are_loaded_and_read_back(
    scheduler: Scheduler,
) -> None:
    year: Json = {"name": "2025-2026", "starts_on": "2025-08-18", "ends_on": "2026-06-05"}
    year |= {"blackouts": [{"on": "2025-11-27", "reason": "Thanksgiving"}]}
    await put(scheduler, "/terms/sy", year)
    fall = {
        "school_id": "school-1",
        "name": "Fall",
        "starts_on": "2025-08-18",
        "ends_on": "2025-12-19",
        "weekdays": [1, 2, 3, 4],
        "day_starts": "08:30",
        "day_ends": "14:45",
    }
    saved = await put(scheduler, "/terms/fall", fall, SCHOOL_ADMIN)
    assert saved == {
        "id": "fall",
        "district_id": "district-1",
        **fall,
        "day_starts": "08:30:00",
        "day_ends": "14:45:00",
        "blackouts": [],
    }
    listed = await scheduler.ok("GET", "/schools/school-1/terms", SCHOOL_ADMIN)
    assert [(t["id"], t["school_id"]) for t in listed["items"]] == [
        ("fall", "school-1"),
        ("sy", None),
    ]
    other = await scheduler.ok("GET", "/schools/school-2/terms", ADMIN)
    assert [t["id"] for t in other["items"]] == ["sy"]
    refused = await scheduler.http.get("/schools/school-2/terms", headers=SCHOOL_ADMIN)
    assert refused.status_code == 403


async def test_the_school_calendar_is_read_from_the_store(
    scheduler: Scheduler, mongo_settings: MongoSettings
) -> None:
    await put(scheduler, "/schools/school-1", {"name": "Lincoln", "time_zone": "America/Chicago"})
    fall: Json = {
        "school_id": "school-1",
        "name": "Fall",
        "starts_on": "2025-08-18",
        "ends_on": "2025-12-19",
    }
    fall |= {"day_starts": "08:30", "blackouts": [{"on": "2025-10-13"}]}
    await put(scheduler, "/terms/fall", fall)
    client = connect(mongo_settings)
    try:
        store = SchedulerStore(client, scheduler.database)
        calendar = await store.get_calendar("district-1", "school-1")
        assert calendar is not None and calendar.time_zone == "America/Chicago"
        assert calendar.day_bounds(date(2025, 9, 2)) == (time(8, 30), time(15))
        assert calendar.is_blackout(date(2025, 10, 13))
        assert not calendar.is_school_day(date(2025, 12, 22))
        assert await store.get_calendar("district-1", "school-9") is None
    finally:
        await client.aclose()


async def test_a_section_keeps_its_term_and_grade_band(scheduler: Scheduler) -> None:
    await put(
        scheduler,
        "/terms/fall",
        {
            "school_id": "school-2",
            "name": "Fall",
            "starts_on": "2025-08-18",
            "ends_on": "2025-12-19",
        },
    )
    body = {
        "school_id": "school-1",
        "name": "Math",
        "subject": "math",
        "time_zone": "America/New_York",
        "teacher_ids": ["teacher-1"],
        "term_id": "fall",
        "grade_band": "6-8",
    }
    refused = await scheduler.http.put("/sections/sec-math", headers=ADMIN, json=body)
    assert (refused.status_code, refused.json()["errors"][0]["rule"]) == (422, "known_term")
    await put(
        scheduler,
        "/terms/fall",
        {
            "school_id": "school-1",
            "name": "Fall",
            "starts_on": "2025-08-18",
            "ends_on": "2025-12-19",
        },
    )
    section = await put(scheduler, "/sections/sec-math", body)
    assert (section["term_id"], section["grade_band"]) == ("fall", "6-8")


async def test_people_and_guardians_are_loaded_and_read_back_by_admins(
    scheduler: Scheduler,
) -> None:
    guardian = {"role": "guardian", "school_ids": ["school-1"], "given_name": "Maria"}
    await put(scheduler, "/people/guardian-1", guardian)
    link = await put(scheduler, "/students/student-1/guardians/guardian-1", None, SCHOOL_ADMIN)
    assert link == {
        "district_id": "district-1",
        "student_id": "student-1",
        "guardian_id": "guardian-1",
    }
    guardians = await scheduler.ok("GET", "/students/student-1/guardians", SCHOOL_ADMIN)
    assert [(g["id"], g["role"], g["given_name"]) for g in guardians["items"]] == [
        ("guardian-1", "guardian", "Maria")
    ]
    unknown = await scheduler.http.put("/students/student-1/guardians/nobody", headers=ADMIN)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "PERSON_NOT_FOUND")
    made_teacher = await scheduler.http.put(
        "/people/guardian-1", headers=ADMIN, json={"role": "teacher", "school_ids": ["school-1"]}
    )
    assert made_teacher.status_code == 422
    assert made_teacher.json()["errors"][0]["rule"] == "same_role"
    for reader in (TEACHER, STUDENT):
        refused = await scheduler.http.get("/students/student-1/guardians", headers=reader)
        assert refused.status_code == 403


async def test_a_students_days_are_in_their_own_zone_else_their_schools(
    scheduler: Scheduler,
) -> None:
    await put(scheduler, "/schools/school-1", {"name": "Lincoln", "time_zone": "America/Chicago"})
    enrolled = await put(scheduler, "/sections/sec-math/enrolments/student-7", {})
    assert enrolled["time_zone"] == "America/Chicago"
    own = await put(
        scheduler,
        "/people/student-8",
        {"role": "student", "school_ids": ["school-1"], "time_zone": "Asia/Tokyo"},
    )
    assert own["time_zone"] == "Asia/Tokyo"
    await put(scheduler, "/sections/sec-math/enrolments/student-8", {})
    students = await scheduler.ok("GET", "/sections/sec-math/students", SCHOOL_ADMIN)
    assert [(s["id"], s["own_time_zone"], s["time_zone"]) for s in students["items"]] == [
        ("student-1", "Europe/London", "Europe/London"),
        ("student-7", None, "America/Chicago"),
        ("student-8", "Asia/Tokyo", "Asia/Tokyo"),
    ]
    feed = await scheduler.ok("GET", "/feed", bearer("student-7", Role.STUDENT))
    assert feed["time_zone"] == "America/Chicago"


async def test_the_district_and_its_schools_are_read_by_their_admins(scheduler: Scheduler) -> None:
    assert (await scheduler.ok("GET", "/district", SCHOOL_ADMIN))["name"] == "district-1"
    await put(scheduler, "/district", {"name": "Lakeside USD"})
    assert (await scheduler.ok("GET", "/district", SCHOOL_ADMIN))["name"] == "Lakeside USD"
    refused = await scheduler.http.put("/district", headers=SCHOOL_ADMIN, json={"name": "Mine"})
    assert refused.status_code == 403
    schools = await scheduler.ok("GET", "/schools", SCHOOL_ADMIN)
    assert [s["id"] for s in schools["items"]] == ["school-1"]
    schools = await scheduler.ok("GET", "/schools", ADMIN)
    assert [(s["id"], s["time_zone"]) for s in schools["items"]] == [
        ("school-1", "America/New_York"),
        ("school-2", "America/New_York"),
    ]
