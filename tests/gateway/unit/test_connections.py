"""Every connection pages the same way: a complete PageInfo, and `first` checked in the gateway
before any service is asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.http_contracts.catalog import LessonPage
from bookend.http_contracts.curricula import Curriculum, CurriculumPage
from bookend.http_contracts.paging import PageInfo
from bookend.http_contracts.scheduler import SessionPage
from bookend.problems import Problem, ProblemField, ProblemKind
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from tests.gateway.feeds import a_page, a_task
from tests.gateway.stubs import StubService, StubServices, a_lesson, only_page
from tests.gateway.unit.test_integrations_schema import an_endpoint
from tests.gateway.unit.test_session_stream import live_session
from tests.support.auth import TEST_SECRET, token_for
from tests.support.global_ids import gid

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
NO_INFO: dict[str, object] = {"has_next_page": False, "end_cursor": None}
EMPTY: dict[str, object] = {
    "items": [],
    "page_info": NO_INFO,
    "cursors": [],
    # What a feed page and a report also say of themselves.
    "time_zone": "UTC",
    "week": "2026-W48",
    "school_id": None,
}


@dataclass(frozen=True)
class Listing:
    """A connection field, the service that answers it, and where: `later` when a page after
    a cursor is read elsewhere than the first; a field of an object is reached through
    `within` (the document around it), whose own answers `around` gives."""

    field: str
    arguments: str  # besides first and after
    service: str
    path: str
    later: str | None = None
    within: tuple[str, str] = ("", "")
    around: tuple[tuple[str, str, object], ...] = ()  # (service, path, answer)
    found_at: tuple[str | int, ...] = ()  # where in the data, when not at the root

    def document(self, selection: str = PAGE_INFO) -> str:
        opening, closing = self.within
        return f"""query($first: Int!, $after: String) {{ {opening}
          {self.field}({self.arguments} first: $first, after: $after) {{ {selection} }}
          {closing} }}"""

    def stub(self, services: StubServices) -> StubService:
        stub: StubService = getattr(services, self.service)
        for service, path, answer in self.around:
            getattr(services, service).answer("GET", path, answer)
        return stub

    def path_after(self, after: str | None) -> str:
        return self.later if after and self.later else self.path

    def connection(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """The connection in a result's data, through the objects around it."""
        found: Any = data
        for step in self.found_at or (self.field,):
            found = found[step]
        assert isinstance(found, dict), data
        return found


SESSIONS = only_page(SessionPage, [live_session()])
PULSE = {
    "section_id": "sec-1", "week": "2026-W10", "students_responded": 0,
    "guardians_responded": 0, "students_heard_from": 0, "workload": [], "wellbeing": [],
    "connectivity": [], "shared_device": {"students": 0, "guardians": 0}, "preference": [],
}  # fmt: skip
LISTINGS = [
    Listing("feed", 'studentId: "st1",', "scheduler", "/feed"),
    Listing("lessons", "", "catalog", "/lessons"),
    Listing("curricula", "", "catalog", "/curricula"),
    Listing("notes", 'studentId: "st1",', "feedback", "/notes"),
    Listing("balanceProposals", 'sectionId: "sec-1",', "scheduler", "/sections/sec-1/proposals"),
    Listing("lessonRecordings", 'lessonId: "l1",', "catalog", "/lessons/l1/recordings"),
    Listing("schools", "", "scheduler", "/schools"),
    Listing("terms", 'schoolId: "school-1",', "scheduler", "/schools/school-1/terms"),
    Listing("sections", "", "scheduler", "/sections"),
    Listing("sectionStudents", 'sectionId: "sec-1",', "scheduler", "/sections/sec-1/students"),
    Listing("sectionGroups", 'sectionId: "sec-1",', "scheduler", "/sections/sec-1/groups"),
    Listing("sectionSessions", 'sectionId: "sec-1",', "scheduler", "/sections/sec-1/sessions"),
    Listing("calendarLinks", 'studentId: "st1",', "scheduler", "/calendar-links"),
    Listing("checkIns", 'sessionId: "s1",', "feedback", "/sessions/s1/checkins"),
    Listing("taskProgress", 'taskId: "t1",', "feedback", "/tasks/t1/progress"),
    Listing("sessionPrompts", 'sessionId: "s1",', "feedback", "/sessions/s1/prompts"),
    Listing("promptAnswers", 'promptId: "p1",', "feedback", "/prompts/p1/answers"),
    Listing("sessionQuestions", 'sessionId: "s1",', "feedback", "/sessions/s1/questions"),
    Listing(
        "pulses",
        "",
        "feedback",
        "/sections/sec-1/pulses/2026-W10/pulses",
        within=('sectionPulse(sectionId: "sec-1", week: "2026-W10") {', "}"),
        around=(("feedback", "/sections/sec-1/pulses/2026-W10", PULSE),),
        found_at=("sectionPulse", "pulses"),
    ),
    Listing(
        "followUpQuestions",
        "",
        "feedback",
        "/follow-up-questions",
        later="/sessions/s1/questions",
        within=('sectionSessions(sectionId: "sec-1") { nodes {', "} }"),
        around=(("scheduler", "/sections/sec-1/sessions", SESSIONS),),
        found_at=("sectionSessions", "nodes", 0, "followUpQuestions"),
    ),
    Listing("balanceReport", 'week: "2026-W48",', "feedback", "/balance-report"),
    # District integrations (ADR 0050)
    Listing("webhookEndpoints", "", "integrations", "/endpoints"),
    Listing("districtEvents", "", "integrations", "/events"),
    Listing(
        "deliveries",
        "",
        "integrations",
        "/endpoints/e1/deliveries",
        within=('webhookEndpoint(id: "e1") {', "}"),
        around=(("integrations", "/endpoints/e1", an_endpoint()),),
        found_at=("webhookEndpoint", "deliveries"),
    ),
]
OWNERS = {
    "pulses": "SectionPulse",
    "followUpQuestions": "LiveSession",
    "deliveries": "WebhookEndpoint",
}


@pytest.fixture
def services() -> StubServices:
    return StubServices()


async def run(services: StubServices, document: str, **variables: object) -> ExecutionResult:
    """Run a document as one request of a teacher, as the GraphQL router would."""
    context = Context(
        settings=SETTINGS,
        upstreams=services.upstreams(),
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    await context.authenticate(f"Bearer {token_for('teacher-1', Role.TEACHER)}")
    return await SCHEMA.execute(document, variable_values=variables, context_value=context)


def asked_of(listing: Listing, services: StubServices, after: str | None = None) -> httpx.Request:
    """The one request the connection made of its service."""
    stub: StubService = getattr(services, listing.service)
    [asked] = [r for r in stub.requests if r.url.path == listing.path_after(after)]
    return asked


def test_every_connection_of_the_schema_is_listed_here() -> None:
    """A new connection gets the same checks: add it to LISTINGS."""
    fields = SCHEMA._schema.type_map.values()
    connections = {
        (owner.name, name)
        for owner in fields
        if isinstance(owner, GraphQLObjectType)
        for name, field in owner.fields.items()
        if get_named_type(field.type).name.endswith("Connection")
    }
    parents = {(OWNERS.get(x.field, "Query"), x.field) for x in LISTINGS}
    assert connections - PAGED_BY_THEIR_PARENT == parents


# A connection that is the first page its parent names (`feedUpdates(first:)` checks `first` as
# test_feed_updates.py shows): no `after`, and nothing to page here.
PAGED_BY_THEIR_PARENT = {("FeedUpdate", "feed")}
# The root fields' connections, again in a view of `me` (test_me.py): the same calls.
PAGED_BY_THEIR_PARENT |= {
    ("StudentView", "feed"),
    ("StudentView", "notes"),
    ("AdminView", "balanceReport"),
    ("TeacherView", "sections"),
    ("TaughtSection", "sessions"),
}


@pytest.mark.parametrize("listing", LISTINGS, ids=[x.field for x in LISTINGS])
@pytest.mark.parametrize("first", [0, -1, 101, 2**31 - 1], ids=["0", "-1", "101", "max int"])
async def test_a_first_out_of_range_is_refused_naming_it_before_any_service_is_asked(
    services: StubServices, listing: Listing, first: int
) -> None:
    stub = listing.stub(services)
    result = await run(services, listing.document(), first=first)
    [error, *same] = result.errors or []
    assert {e.message for e in same} <= {error.message}  # once for each object around it
    assert error.message == "first: must be between 1 and 100"
    assert error.extensions == {
        "code": "INVALID_INPUT",
        "errors": [{"field": "first", "rule": "in_range", "message": "must be between 1 and 100"}],
    }
    assert [r for r in stub.requests if r.url.path == listing.path] == []


@pytest.mark.parametrize("listing", LISTINGS, ids=[x.field for x in LISTINGS])
@pytest.mark.parametrize("first", [1, 100])
async def test_a_first_at_either_end_of_the_range_is_asked_of_the_service(
    services: StubServices, listing: Listing, first: int
) -> None:
    listing.stub(services).answer("GET", listing.path, EMPTY)
    result = await run(services, listing.document(), first=first)
    assert result.errors is None, result.errors
    assert asked_of(listing, services).url.params["first"] == str(first)


@pytest.mark.parametrize("listing", LISTINGS, ids=[x.field for x in LISTINGS])
@pytest.mark.parametrize(
    ("after", "previous"), [(None, False), ("c0", True)], ids=["first page", "after a cursor"]
)
async def test_an_empty_page_has_no_cursors_and_a_previous_page_only_after_one(
    services: StubServices, listing: Listing, after: str | None, previous: bool
) -> None:
    stub = listing.stub(services)
    stub.answer("GET", listing.path_after(after), EMPTY)
    result = await run(services, listing.document(), first=20, after=after)
    assert result.errors is None, result.errors
    assert listing.connection(result.data)["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": previous,
        "startCursor": None,
        "endCursor": None,
    }


# The feed has none (ADR 0044); a balance report counts its sections in its `totals` (ADR 0046).
COUNTED = [x for x in LISTINGS if x.field not in ("feed", "balanceReport")]


@pytest.mark.parametrize("listing", COUNTED, ids=[x.field for x in COUNTED])
async def test_the_total_is_asked_of_the_service_only_when_selected(
    services: StubServices, listing: Listing
) -> None:
    counted: dict[str, object] = {**EMPTY, "page_info": {**NO_INFO, "total_count": 7}}
    if listing.field == "followUpQuestions":  # the first page of each session, at once
        counted = {"items": [{**counted, "session_id": "s1"}]}
    listing.stub(services).answer("GET", listing.path, counted)
    result = await run(services, listing.document(f"totalCount {PAGE_INFO}"), first=5)
    assert result.errors is None, result.errors
    assert listing.connection(result.data)["totalCount"] == 7
    assert asked_of(listing, services).url.params["total"] == "true"

    uncounted = StubServices()
    listing.stub(uncounted).answer("GET", listing.path, EMPTY)
    result = await run(uncounted, listing.document(), first=5)
    assert result.errors is None, result.errors
    assert "total" not in asked_of(listing, uncounted).url.params


async def test_a_total_asked_under_an_alias_or_in_a_fragment_is_asked_of_the_service(
    services: StubServices,
) -> None:
    counted = {**EMPTY, "page_info": {**NO_INFO, "total_count": 3}}
    services.scheduler.answer("GET", "/sections", counted)
    document = """fragment Counted on SectionConnection { total: totalCount }
      { sections { ...Counted } again: sections { ... on SectionConnection { totalCount } } }"""
    result = await run(services, document)
    assert result.errors is None, result.errors
    assert result.data == {"sections": {"total": 3}, "again": {"totalCount": 3}}
    assert [r.url.params["total"] for r in services.scheduler.requests] == ["true", "true"]


def test_the_feed_has_no_total_count() -> None:
    """Its answers are kept until the feed changes and filtered after the read (ADR 0044)."""
    feed = SCHEMA._schema.type_map["FeedConnection"]
    assert isinstance(feed, GraphQLObjectType)
    assert "totalCount" not in feed.fields


@pytest.mark.parametrize("listing", LISTINGS, ids=[x.field for x in LISTINGS])
async def test_a_cursor_the_service_refuses_is_invalid_input_naming_after(
    services: StubServices, listing: Listing
) -> None:
    message = "is not a cursor this API returned"
    refusal = Problem(
        status=422,
        kind=ProblemKind.INVALID_INPUT,
        code="INVALID_INPUT",
        message=f"after: {message}",
        errors=[ProblemField(field="after", rule="cursor", message=message)],
    )
    listing.stub(services).refuse("GET", listing.path_after("junk"), refusal)
    result = await run(services, listing.document(), first=20, after="junk")
    [error, *same] = result.errors or []
    assert {e.message for e in same} <= {error.message}
    assert error.message == f"after: {message}"
    assert error.extensions == {
        "code": "INVALID_INPUT",
        "errors": [{"field": "after", "rule": "cursor", "message": message}],
    }
    assert asked_of(listing, services, "junk").url.params["after"] == "junk"


def a_curriculum(curriculum_id: str) -> Curriculum:
    return Curriculum(
        id=curriculum_id,
        district_id="district-1",
        title="Grade 3 reading",
        subject="reading",
        grade_band=None,
        summary="",
        units=[],
        created_by="admin-1",
        created_at=datetime(2026, 3, 2, 15, tzinfo=UTC),
    )


async def test_a_page_of_lessons_starts_at_its_first_edges_cursor(services: StubServices) -> None:
    page = LessonPage(
        items=[a_lesson("l1"), a_lesson("l2")],
        page_info=PageInfo(has_next_page=True, end_cursor="c2"),
        cursors=["c1", "c2"],
    )
    services.catalog.answer("GET", "/lessons", page)
    document = f"""{{ lessons(first: 2, after: "c0") {{ edges {{ cursor node {{ id }} }}
      nodes {{ id }} {PAGE_INFO} }} }}"""
    result = await run(services, document)
    assert result.data == {
        "lessons": {
            "edges": [
                {"cursor": "c1", "node": {"id": gid("Lesson", "l1")}},
                {"cursor": "c2", "node": {"id": gid("Lesson", "l2")}},
            ],
            "nodes": [{"id": gid("Lesson", "l1")}, {"id": gid("Lesson", "l2")}],
            "pageInfo": {
                "hasNextPage": True,
                "hasPreviousPage": True,
                "startCursor": "c1",
                "endCursor": "c2",
            },
        }
    }


async def test_a_page_of_curricula_starts_at_its_first_edges_cursor(
    services: StubServices,
) -> None:
    page = CurriculumPage(
        items=[a_curriculum("cu1"), a_curriculum("cu2")],
        page_info=PageInfo(has_next_page=False, end_cursor="k2"),
        cursors=["k1", "k2"],
    )
    services.catalog.answer("GET", "/curricula", page)
    result = await run(services, f"{{ curricula(first: 5) {{ {PAGE_INFO} }} }}")
    assert result.data == {
        "curricula": {
            "pageInfo": {
                "hasNextPage": False,
                "hasPreviousPage": False,
                "startCursor": "k1",
                "endCursor": "k2",
            }
        }
    }


async def test_the_feed_lists_its_nodes_beside_its_edges_in_the_same_order(
    services: StubServices,
) -> None:
    feed = a_page(a_task(), a_task(item_id="t2", cursor="c2"))
    services.scheduler.answer("GET", "/feed", feed)
    document = f"""{{ feed(studentId: "st1", after: "c0") {{ nodes {{ id }}
      edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}"""
    result = await run(services, document)
    assert result.errors is None, result.errors
    assert result.data == {
        "feed": {
            "nodes": [{"id": gid("Task", "t1")}, {"id": gid("Task", "t2")}],
            "edges": [
                {"cursor": "c1", "node": {"id": gid("Task", "t1")}},
                {"cursor": "c2", "node": {"id": gid("Task", "t2")}},
            ],
            "pageInfo": {
                "hasNextPage": False,
                "hasPreviousPage": True,
                "startCursor": "c1",
                "endCursor": "c2",
            },
        }
    }


TOTALS = {
    "sections": 0,
    "sections_flagged": 0,
    "students": 0,
    "students_flagged": 0,
    "figures": {
        "planned_live_minutes": 0,
        "attended_live_minutes": 0,
        "assigned_on_demand_minutes": 0,
        "completed_on_demand_minutes": 0,
        "sessions": 0,
        "sessions_missed": 0,
        "sessions_checked_in": 0,
        "sessions_lost": 0,
        "on_demand_share": None,
        "completion_rate": None,
        "confusion_rate": None,
    },
    "flags": [],
}


@pytest.mark.parametrize(
    ("selection", "asked"),
    [
        ("nodes { sectionId }", None),
        ("totals { sections }", "true"),
        ("... on BalanceReportConnection { totals { students } }", "true"),
    ],
    ids=["without totals", "totals", "totals in a fragment"],
)
async def test_a_reports_totals_are_asked_of_the_service_only_when_selected(
    services: StubServices, selection: str, asked: str | None
) -> None:
    services.feedback.answer("GET", "/balance-report", {**EMPTY, "totals": TOTALS})
    document = f'{{ balanceReport(week: "2026-W48", first: 5) {{ {selection} }} }}'
    result = await run(services, document)
    assert result.errors is None, result.errors
    [request] = services.feedback.requests
    assert request.url.params.get("total") == asked
