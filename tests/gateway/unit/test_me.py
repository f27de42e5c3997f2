"""`me` over stubbed services: each role's view and only theirs; a student's feed, week and
notes asked for as theirs, a guardian's for each child by id, an admin's district and report
through the same calls (and so the same checks in the services) as the root fields."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.http_contracts.scheduler import District
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from tests.gateway.feeds import a_page, a_task
from tests.gateway.stubs import StubServices
from tests.gateway.unit.test_connections import EMPTY
from tests.gateway.unit.test_session_stream import live_session
from tests.support.auth import TEST_SECRET, token_for
from tests.support.global_ids import gid

pytestmark = pytest.mark.unit

SCHEMA = build_schema(GatewaySettings())
VIEWS = """student { studentId } guardian { children { studentId } } teacher { __typename }
  admin { schoolId }"""
TEACHER = {"teacher": {"__typename": "TeacherView"}}
ANA, BEN = gid("Person", "ana"), gid("Person", "ben")


async def run(services: StubServices, token: str, document: str) -> ExecutionResult:
    context = Context(
        settings=GatewaySettings(),
        upstreams=services.upstreams(),
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    await context.authenticate(f"Bearer {token}")
    return await SCHEMA.execute(document, context_value=context)


def params(services: StubServices, service: str, path: str) -> list[dict[str, str]]:
    stub = getattr(services, service)
    return [dict(r.url.params) for r in stub.requests if r.url.path == path]


@pytest.mark.parametrize(
    ("roles", "views"),
    [
        ((Role.STUDENT,), {"student": {"studentId": ANA}, "guardian": None, "teacher": None,
                           "admin": None}),
        (
            (Role.GUARDIAN,),
            {"student": None,
             "guardian": {"children": [{"studentId": ANA}, {"studentId": BEN}]},
             "teacher": None, "admin": None},
        ),
        ((Role.TEACHER,), {"student": None, "guardian": None, **TEACHER, "admin": None}),
        ((Role.SCHOOL_ADMIN,), {"student": None, "guardian": None, "teacher": None,
                                "admin": {"schoolId": gid("School", "north")}}),
        ((Role.DISTRICT_ADMIN,), {"student": None, "guardian": None, "teacher": None,
                                  "admin": {"schoolId": None}}),
        ((Role.STUDENT, Role.GUARDIAN), {"student": {"studentId": ANA},
                                         "guardian": {"children": [{"studentId": ANA},
                                                                   {"studentId": BEN}]},
                                         "teacher": None, "admin": None}),
    ],
    ids=["student", "guardian", "teacher", "school admin", "district admin", "two roles"],
)  # fmt: skip
async def test_each_role_gets_its_view_and_only_its_own(
    roles: tuple[Role, ...], views: dict[str, Any]
) -> None:
    token = token_for(
        "ana", *roles, school="north", children=frozenset({"ben", "ana"}), zone="America/Chicago"
    )
    result = await run(StubServices(), token, f"{{ me {{ id roles timeZone {VIEWS} }} }}")
    assert result.errors is None, result.errors
    assert result.data == {
        "me": {
            "id": ANA,
            "roles": sorted(role.name for role in roles),
            "timeZone": "America/Chicago",
            **views,
        }
    }


async def test_a_students_feed_and_notes_are_asked_for_as_their_own() -> None:
    services = StubServices()
    services.scheduler.answer("GET", "/feed", a_page(a_task()))
    services.feedback.answer("GET", "/notes", EMPTY)
    token = token_for("ana", Role.STUDENT)
    document = """{ me { student { feed(first: 5) { nodes { id } }
      notes(first: 3) { nodes { id } } } } }"""
    result = await run(services, token, document)
    assert result.errors is None, result.errors
    assert result.data == {"me": {"student": {"feed": {"nodes": [{"id": gid("Task", "t1")}]},
                                              "notes": {"nodes": []}}}}  # fmt: skip
    [feed] = params(services, "scheduler", "/feed")
    assert (feed["first"], feed["student_id"]) == ("5", "ana")
    [notes] = params(services, "feedback", "/notes")
    assert notes["first"] == "3" and "student_id" not in notes  # feedback reads the token's


async def test_a_guardians_children_are_each_read_by_their_id() -> None:
    services = StubServices()
    services.scheduler.answer("GET", "/feed", a_page(a_task()))
    services.feedback.answer("GET", "/notes", EMPTY)
    token = token_for("mum", Role.GUARDIAN, children=frozenset({"ana", "ben"}))
    document = """{ me { guardian { children { studentId feed(first: 2) { nodes { id } }
      notes { nodes { id } } } } } }"""
    result = await run(services, token, document)
    assert result.errors is None, result.errors
    assert sorted(p["student_id"] for p in params(services, "scheduler", "/feed")) == ["ana", "ben"]
    assert sorted(p["student_id"] for p in params(services, "feedback", "/notes")) == [
        "ana",
        "ben",
    ]


async def test_an_admins_district_and_report_come_through_the_same_calls() -> None:
    services = StubServices()
    services.scheduler.answer("GET", "/district", District(id="d1", name="Lakeside"))
    services.feedback.answer("GET", "/balance-report", EMPTY)
    token = token_for("nia", Role.SCHOOL_ADMIN, school="north")
    document = """{ me { admin { district { name }
      balanceReport(week: "2026-W48", first: 5) { schoolId nodes { sectionId } } } } }"""
    result = await run(services, token, document)
    assert result.errors is None, result.errors
    report_shown: dict[str, object] = {"schoolId": None, "nodes": []}
    assert result.data == {
        "me": {"admin": {"district": {"name": "Lakeside"}, "balanceReport": report_shown}}
    }
    [report] = params(services, "feedback", "/balance-report")
    assert (report["week"], report["first"]) == ("2026-W48", "5")
    assert "total" not in report  # totals not selected


async def test_a_teachers_sections_each_come_with_their_sessions() -> None:
    services = StubServices()
    sections: dict[str, object] = {
        "items": [
            {"id": sid, "district_id": "district-1", "school_id": "north", "name": name,
             "subject": "reading", "time_zone": "UTC", "teacher_ids": ["tom"], "term_id": None,
             "grade_band": None}
            for sid, name in (("sec", "Reading 8"), ("sec-2", "Reading 7"))
        ],
        "page_info": {"has_next_page": False, "end_cursor": "k2", "total_count": 2},
        "cursors": ["k1", "k2"],
    }  # fmt: skip
    services.scheduler.answer("GET", "/sections", sections)
    for section in ("sec", "sec-2"):
        page: dict[str, object] = {
            "items": [live_session().model_dump(mode="json") | {"section_id": section}],
            "page_info": {"has_next_page": False, "end_cursor": "c1"},
            "cursors": ["c1"],
        }
        services.scheduler.answer("GET", f"/sections/{section}/sessions", page)
    token = token_for("tom", Role.TEACHER, sections=frozenset({"sec", "sec-2"}))
    document = """{ me { teacher { sections(first: 5) { totalCount nodes {
      section { id name } sessions(first: 3) { nodes { id sectionId status } } } } } } }"""
    result = await run(services, token, document)
    assert result.errors is None, result.errors
    assert result.data == {"me": {"teacher": {"sections": {"totalCount": 2, "nodes": [
        {"section": {"id": gid("Section", "sec"), "name": "Reading 8"},
         "sessions": {"nodes": [{"id": gid("LiveSession", "s1"),
                                 "sectionId": gid("Section", "sec"), "status": "LIVE"}]}},
        {"section": {"id": gid("Section", "sec-2"), "name": "Reading 7"},
         "sessions": {"nodes": [{"id": gid("LiveSession", "s1"),
                                 "sectionId": gid("Section", "sec-2"), "status": "LIVE"}]}},
    ]}}}}  # fmt: skip
    [listed] = params(services, "scheduler", "/sections")
    assert (listed["first"], listed["total"]) == ("5", "true")
    assert [p["first"] for p in params(services, "scheduler", "/sections/sec/sessions")] == ["3"]
