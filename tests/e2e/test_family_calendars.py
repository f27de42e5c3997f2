"""A family subscribes to a student's calendar: a guardian makes a link through GraphQL, any
calendar app fetches it from the gateway without a token, and it holds what the GraphQL feed
holds; revoked, it answers 404 at once. The secret never reaches a log."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import httpx
from icalendar import Calendar

from bookend.auth import Role
from devstack.stack import RunningStack
from tests.e2e.classroom import classroom, published_lesson, schedule
from tests.e2e.client import ClientFor, Data
from tests.support.global_ids import raw_of
from tests.support.polling import eventually

CREATE = """mutation($student: ID, $section: ID) {
  createCalendarLink(studentId: $student, sectionId: $section) {
    __typename ... on CalendarLink { id url ownerKind ownerId createdBy createdAt revokedAt }
    ... on UserError { code } } }"""
REVOKE = """mutation($id: ID!) { revokeCalendarLink(id: $id) {
  __typename ... on CalendarLink { id revokedAt } ... on UserError { code } } }"""
LINKS = """query($student: ID) { calendarLinks(studentId: $student) {
  nodes { id url ownerId } } }"""
FEED = """query($student: ID) { feed(first: 100, studentId: $student) {
  edges { node { __typename id kind title actionableAt ... on LiveSessionItem { endsAt } } } } }"""


async def test_a_guardian_subscribes_to_a_childs_calendar_that_matches_the_feed(
    client_for: ClientFor, stack: RunningStack, http: httpx.AsyncClient, stack_home: Path
) -> None:
    room = await classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    await schedule(room.teacher, room.section_id, lesson_id)
    student_id = (await room.chicago_student.run("{ viewer { id } }"))["viewer"]["id"]

    made = (await room.guardian.run(CREATE, student=student_id))["createCalendarLink"]
    assert made["__typename"] == "CalendarLink", made
    assert (made["ownerKind"], made["ownerId"], made["revokedAt"]) == ("STUDENT", student_id, None)
    gateway = stack.gateway_url.removesuffix("/graphql")
    url: str = made["url"]
    assert url.startswith(f"{gateway}/calendars/") and url.endswith(".ics")
    secret = url.removeprefix(f"{gateway}/calendars/").removesuffix(".ics")

    fetched = await http.get(url)  # as a calendar app: no token
    assert fetched.status_code == 200, fetched.text
    assert fetched.headers["content-type"].startswith("text/calendar")
    events = {
        str(event["UID"]).split("@")[0]: event
        for event in Calendar.from_ical(fetched.content).walk("VEVENT")
    }
    feed = [e["node"] for e in (await room.guardian.run(FEED, student=student_id))["feed"]["edges"]]
    assert len(feed) == 4  # the session, two pre-work tasks and a follow-up
    # A calendar's events are not the API's: their UIDs hold the items' raw ids.
    # An item's id is the session's or the task's it stands for.
    stands_for = {"LiveSessionItem": "LiveSession", "TaskItem": "Task"}
    raw_ids = {raw_of(stands_for[item["__typename"]], item["id"]): item for item in feed}
    assert set(events) == set(raw_ids)
    for raw_id, item in raw_ids.items():
        event = events[raw_id]
        assert event.decoded("DTSTART") == datetime.fromisoformat(item["actionableAt"])
        if item["kind"] == "LIVE_SESSION":
            assert event.decoded("DTEND") == datetime.fromisoformat(item["endsAt"])
            assert str(event["SUMMARY"]) == item["title"]
        else:
            assert str(event["SUMMARY"]) == f"Due: {item['title']}"

    unchanged = await http.get(url, headers={"If-None-Match": fetched.headers["etag"]})
    assert unchanged.status_code == 304

    listed = (await room.guardian.run(LINKS, student=student_id))["calendarLinks"]["nodes"]
    assert listed == [{"id": made["id"], "url": None, "ownerId": student_id}]

    revoked = (await room.guardian.run(REVOKE, id=made["id"]))["revokeCalendarLink"]
    assert revoked["__typename"] == "CalendarLink" and revoked["revokedAt"]
    gone = await http.get(url)
    unknown = await http.get(f"{gateway}/calendars/{'A' * 43}.ics")
    assert (gone.status_code, gone.text) == (404, unknown.text)
    assert (await room.guardian.run(LINKS, student=student_id))["calendarLinks"]["nodes"] == []

    logs = stack_home / "logs"

    def logged() -> str | None:
        text = "".join(path.read_text(errors="replace") for path in logs.glob("*.log"))
        paths = [request_path(line) for line in text.splitlines()]
        # Each of the four fetches, by the gateway and by the scheduler.
        return text if paths.count("/calendars/…") >= 8 else None

    text = await eventually(logged)
    assert secret not in text


def request_path(line: str) -> object:
    """The path of a request line (JSON with a `path`), or None for any other line."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry.get("path") if isinstance(entry, dict) else None


async def test_others_may_not_make_a_link_to_a_students_calendar(client_for: ClientFor) -> None:
    room = await classroom(client_for)
    student_id = (await room.chicago_student.run("{ viewer { id } }"))["viewer"]["id"]
    strangers = [
        (client_for("guardian-else", Role.GUARDIAN, children=frozenset({"someone"})), "FORBIDDEN"),
        (room.teacher, "FORBIDDEN"),
        (room.la_student, "FORBIDDEN"),
        (
            client_for(
                "guardian-b",
                Role.GUARDIAN,
                district="district-b",
                children=frozenset({raw_of("Person", student_id)}),
            ),
            "STUDENT_NOT_FOUND",
        ),
    ]
    for stranger, code in strangers:
        result: Data = (await stranger.run(CREATE, student=student_id))["createCalendarLink"]
        assert result.get("code") == code, result
    section = (await room.chicago_student.run(CREATE, section=room.section_id))[
        "createCalendarLink"
    ]
    assert section == {"__typename": "Forbidden", "code": "FORBIDDEN"}
    teacher = (await room.teacher.run(CREATE, section=room.section_id))["createCalendarLink"]
    assert teacher["__typename"] == "CalendarLink" and teacher["ownerKind"] == "SECTION"


async def test_a_link_names_exactly_one_calendar(client_for: ClientFor) -> None:
    room = await classroom(client_for)
    result = (
        await room.admin.run(
            CREATE.replace("code }", "code ... on InvalidInput { errors { field rule } } }")
        )
    )["createCalendarLink"]
    assert result["__typename"] == "InvalidInput"
    assert [(e["field"], e["rule"]) for e in result["errors"]] == [
        ("student_id", "one_owner"),
        ("section_id", "one_owner"),
    ]
