"""Calendar links over HTTP on the real store: the .ics a secret opens parses with `icalendar`
and holds exactly the student's feed for its window; it answers 304 while unchanged, and 404
once revoked, as for any other address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from icalendar import Calendar
from pymongo import AsyncMongoClient

from bookend.auth import Role
from bookend.mongo import Document, MongoSettings
from services.scheduler.calendars.store import CALENDAR_LINKS
from services.scheduler.settings import SchedulerSettings
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
from tests.support.auth import bearer

SETTINGS = SchedulerSettings(database="-", consumer_group="-")
UID_DOMAIN = SETTINGS.calendar_uid_domain


async def sessions_around_the_window(app: Scheduler) -> Scheduler:
    """Two math sessions in the window (each with pre-work and follow-up) and one far beyond
    it, for student-1 (in Europe/London) and the section."""
    await app.load_roster()
    await app.learn(lesson_published(app.lesson_id))
    for hours in (30, 100, 24 * (SETTINGS.calendar_days_ahead + 10)):
        await app.schedule(hours_from_now(hours))
    return app


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> Scheduler:
    return await sessions_around_the_window(fresh_scheduler)


@pytest.fixture(scope="module")
async def refusing(module_scheduler: Scheduler) -> Scheduler:
    """The same, shared by the module's tests of refused requests."""
    return await sessions_around_the_window(module_scheduler)


async def create(scheduler: Scheduler, headers: dict[str, str], **owner: str) -> Json:
    return await scheduler.ok("POST", "/calendar-links", headers, json=owner)


async def fetch(scheduler: Scheduler, path: str, **headers: str) -> httpx.Response:
    """As a calendar app would: no token."""
    return await scheduler.http.get(path, headers=headers)


def events(body: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def test_a_guardians_link_opens_the_students_feed_for_the_window_without_a_token(
    scheduler: Scheduler,
) -> None:
    link = await create(scheduler, GUARDIAN, student_id="student-1")
    assert link["owner_kind"] == "student" and link["created_by"] == "guardian-1"
    assert link["path"] == f"/calendars/{link['secret']}.ics" and len(link["secret"]) >= 43

    answer = await fetch(scheduler, link["path"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.content)
    assert (str(calendar["X-WR-CALNAME"]), str(calendar["X-WR-TIMEZONE"])) == (
        "Bookend: student-1",
        "Europe/London",
    )
    now = datetime.now(UTC)
    window = {
        "from": (now - timedelta(days=SETTINGS.calendar_days_back)).isoformat(),
        "to": (now + timedelta(days=SETTINGS.calendar_days_ahead)).isoformat(),
        "first": 100,
    }
    feed = (await scheduler.ok("GET", "/feed", STUDENT, params=window))["items"]
    everything = (await scheduler.ok("GET", "/feed", STUDENT, params={"first": 100}))["items"]
    assert (len(feed), len(everything)) == (6, 9)  # the far session and its tasks are beyond

    shown = events(answer.content)
    assert set(shown) == {f"{item['item_id']}@{UID_DOMAIN}" for item in feed}
    for item in feed:
        event = shown[f"{item['item_id']}@{UID_DOMAIN}"]
        assert event.decoded("DTSTART") == instant(item["actionable_at"])
        ends = event.decoded("DTEND") if "DTEND" in event else None
        assert ends == instant(item["ends_at"])
        expected = item["title"] if item["kind"] == "live_session" else f"Due: {item['title']}"
        assert str(event["SUMMARY"]) == expected
        assert f"{item['minutes']} minutes" in str(event["DESCRIPTION"])
        assert f"Status: {item['status'].replace('_', ' ')}" in str(event["DESCRIPTION"])


async def test_an_unchanged_calendar_answers_304_and_a_change_gives_a_new_etag(
    scheduler: Scheduler,
) -> None:
    link = await create(scheduler, STUDENT, student_id="student-1")
    first = await fetch(scheduler, link["path"])
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('W/"') and "max-age=" in first.headers["cache-control"]
    assert (await fetch(scheduler, link["path"], **{"If-None-Match": etag})).status_code == 304
    since = await fetch(scheduler, link["path"], **{"If-Modified-Since": modified})
    assert since.status_code == 304
    again = await fetch(scheduler, link["path"])
    assert (again.content, again.headers["etag"]) == (first.content, etag)  # the same file

    session_id = next(
        uid.split("@")[0]
        for uid, event in events(first.content).items()
        if "Live session" in str(event["CATEGORIES"].to_ical())
    )
    await scheduler.ok("POST", f"/sessions/{session_id}/start", TEACHER)
    changed = await fetch(scheduler, link["path"], **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    live = events(changed.content)[f"{session_id}@{UID_DOMAIN}"]
    assert int(live["SEQUENCE"]) > int(
        events(first.content)[f"{session_id}@{UID_DOMAIN}"]["SEQUENCE"]
    )
    assert "Status: live" in str(live["DESCRIPTION"])


async def test_a_revoked_link_answers_404_at_once_like_an_unknown_or_malformed_one(
    scheduler: Scheduler,
) -> None:
    link = await create(scheduler, GUARDIAN, student_id="student-1")
    assert (await fetch(scheduler, link["path"])).status_code == 200
    revoked = await scheduler.ok("POST", f"/calendar-links/{link['id']}/revoke", STUDENT)
    assert revoked["revoked_at"] is not None
    again = await scheduler.ok("POST", f"/calendar-links/{link['id']}/revoke", GUARDIAN)
    assert again == revoked

    answers = [
        await fetch(scheduler, path)
        for path in (
            link["path"],
            "/calendars/" + "A" * 43 + ".ics",
            "/calendars/not%20a%20secret%00.ics",
            "/calendars/" + "x" * 5000 + ".ics",
        )
    ]
    assert {(a.status_code, a.text) for a in answers} == {(404, answers[0].text)}, [
        a.text for a in answers
    ]
    assert answers[0].json()["code"] == "CALENDAR_NOT_FOUND"
    assert "secret" not in answers[0].text


async def test_the_secret_is_kept_only_as_its_hash(
    scheduler: Scheduler, mongo_settings: MongoSettings
) -> None:
    link = await create(scheduler, ADMIN, section_id="sec-math")
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_settings.uri, tz_aware=True)
    try:
        stored = await client[scheduler.database][CALENDAR_LINKS].find_one(
            {"_id": {"$eq": link["id"]}}
        )
    finally:
        await client.aclose()
    assert stored is not None
    assert link["secret"] not in str(stored)
    assert len(stored["secret_hash"]) == 64


async def test_a_section_link_shows_its_sessions_and_tasks_in_the_sections_zone(
    scheduler: Scheduler,
) -> None:
    link = await create(scheduler, TEACHER, section_id="sec-math")
    calendar = Calendar.from_ical((await fetch(scheduler, link["path"])).content)
    assert str(calendar["X-WR-TIMEZONE"]) == "America/New_York"
    student_link = await create(scheduler, STUDENT, student_id="student-1")
    student = events((await fetch(scheduler, student_link["path"])).content)
    assert set(events(calendar.to_ical())) == set(student)  # student-1 takes math only


async def test_links_are_listed_without_secrets_to_those_who_may_manage_them(
    scheduler: Scheduler,
) -> None:
    by_guardian = await create(scheduler, GUARDIAN, student_id="student-1")
    by_student = await create(scheduler, STUDENT, student_id="student-1")
    listed = await scheduler.ok("GET", "/calendar-links", ADMIN, params={"student_id": "student-1"})
    assert [link["id"] for link in listed["items"]] == [by_student["id"], by_guardian["id"]]
    assert all("secret" not in link for link in listed["items"])
    own = await scheduler.ok("GET", "/calendar-links", GUARDIAN)
    assert [link["id"] for link in own["items"]] == [by_guardian["id"]]


@pytest.mark.parametrize(
    ("headers", "owner"),
    [
        (OTHER_GUARDIAN, {"student_id": "student-1"}),
        (OTHER_STUDENT, {"student_id": "student-1"}),
        (TEACHER, {"student_id": "student-1"}),
        (OTHER_TEACHER, {"section_id": "sec-math"}),
        (STUDENT, {"section_id": "sec-math"}),
        (GUARDIAN, {"section_id": "sec-math"}),
        (
            bearer("school-admin-2", Role.SCHOOL_ADMIN, school="school-2"),
            {"student_id": "student-1"},
        ),
    ],
    ids=[
        "another-guardian",
        "another-student",
        "a-teacher-for-a-student",
        "another-sections-teacher",
        "a-student-for-the-section",
        "a-guardian-for-the-section",
        "another-schools-admin",
    ],
)
async def test_others_may_not_create_list_or_revoke_a_calendars_links(
    refusing: Scheduler, headers: dict[str, str], owner: dict[str, str]
) -> None:
    made = await create(refusing, ADMIN, **owner)
    refused = [
        await refusing.http.post("/calendar-links", headers=headers, json=owner),
        await refusing.http.get("/calendar-links", headers=headers, params=owner),
        await refusing.http.post(f"/calendar-links/{made['id']}/revoke", headers=headers),
    ]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(403, "FORBIDDEN")] * 3
    assert (await fetch(refusing, made["path"])).status_code == 200


async def test_a_school_admin_of_the_students_school_manages_their_calendar(
    scheduler: Scheduler,
) -> None:
    admin = bearer("school-admin-1", Role.SCHOOL_ADMIN, school="school-1")
    made = await create(scheduler, admin, student_id="student-1")
    assert made["owner_id"] == "student-1"


@pytest.mark.parametrize(
    ("body", "broken"),
    [
        ({}, [("student_id", "one_owner"), ("section_id", "one_owner")]),
        (
            {"student_id": "student-1", "section_id": "sec-math"},
            [("student_id", "one_owner"), ("section_id", "one_owner")],
        ),
        ({"student_id": "   "}, [("student_id", "valid_id")]),
        ({"section_id": "x" * 201}, [("section_id", "string_too_long")]),
    ],
    ids=["none", "both", "blank", "too-long"],
)
async def test_a_link_names_exactly_one_owner(
    module_scheduler: Scheduler, body: Json, broken: list[tuple[str, str]]
) -> None:
    response = await module_scheduler.http.post("/calendar-links", headers=ADMIN, json=body)
    assert response.status_code == 422, response.text
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == broken


async def test_unknown_owners_are_refused(refusing: Scheduler) -> None:
    student = await refusing.http.post(
        "/calendar-links", headers=ADMIN, json={"student_id": "student-404"}
    )
    section = await refusing.http.post(
        "/calendar-links", headers=ADMIN, json={"section_id": "sec-404"}
    )
    assert (student.status_code, student.json()["code"]) == (404, "STUDENT_NOT_FOUND")
    assert (section.status_code, section.json()["code"]) == (404, "SECTION_NOT_FOUND")


async def test_a_calendar_has_a_bounded_number_of_live_links(scheduler: Scheduler) -> None:
    made = [
        await create(scheduler, STUDENT, student_id="student-1")
        for _ in range(SETTINGS.calendar_links_per_owner)
    ]
    over = await scheduler.http.post(
        "/calendar-links", headers=STUDENT, json={"student_id": "student-1"}
    )
    assert (over.status_code, over.json()["code"]) == (409, "CALENDAR_LINKS_EXHAUSTED")
    await scheduler.ok("POST", f"/calendar-links/{made[0]['id']}/revoke", STUDENT)
    await create(scheduler, STUDENT, student_id="student-1")


async def test_a_link_fetched_too_often_is_told_to_come_back_later(scheduler: Scheduler) -> None:
    link = await create(scheduler, STUDENT, student_id="student-1")
    answers = [
        (await fetch(scheduler, link["path"])).status_code
        for _ in range(int(SETTINGS.calendar_fetches_per_minute) + 1)
    ]
    assert answers[:-1] == [200] * int(SETTINGS.calendar_fetches_per_minute)
    refused = await fetch(scheduler, link["path"])
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    other = await create(scheduler, GUARDIAN, student_id="student-1")
    assert (await fetch(scheduler, other["path"])).status_code == 200  # per link
