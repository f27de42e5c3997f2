"""Kinds, rules and reasons in answers are enums, never free strings; codes that stay strings
say they are stable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.http_contracts.scheduler import RosterImport, RosterImportStatus, RosterSkipped
from bookend.problems import Problem, ProblemBreach, ProblemClash, ProblemKind
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from tests.gateway.stubs import StubServices
from tests.support.auth import TEST_SECRET, token_for

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)
AT = datetime(2026, 3, 2, 15, tzinfo=UTC)
SCHEDULE = """mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) {
  __typename ... on Conflict { clashes { kind } }
  ... on PolicyViolation { breaches { rule } } } }"""
SESSION = {
    "sectionId": "sec-1",
    "lessonId": "l1",
    "timeZone": "America/Chicago",
    "startsAt": "2026-03-04T09:00:00-06:00",
    "endsAt": "2026-03-04T09:50:00-06:00",
}


@pytest.fixture
def services() -> StubServices:
    return StubServices()


async def run(
    services: StubServices, document: str, *roles: Role, **variables: object
) -> ExecutionResult:
    context = Context(
        settings=SETTINGS,
        upstreams=services.upstreams(),
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    await context.authenticate(f"Bearer {token_for('someone-1', *(roles or [Role.TEACHER]))}")
    return await SCHEMA.execute(document, variable_values=variables, context_value=context)


async def test_the_viewers_roles_are_role_enum_names(services: StubServices) -> None:
    result = await run(services, "{ viewer { roles } }", Role.TEACHER, Role.SCHOOL_ADMIN)
    assert result.data == {"viewer": {"roles": ["SCHOOL_ADMIN", "TEACHER"]}}


def refusal(**lists: object) -> Problem:
    kind = ProblemKind.CONFLICT if "clashes" in lists else ProblemKind.POLICY_VIOLATION
    return Problem(status=409, kind=kind, code="REFUSED", message="refused").model_copy(
        update=lists
    )


async def test_a_clash_names_its_kind_by_enum(services: StubServices) -> None:
    clashes = [
        ProblemClash(kind=kind, other_id="s9", section_id="sec-1", starts_at=AT, ends_at=AT, who=[])
        for kind in ("section", "teacher", "student")
    ]
    services.scheduler.refuse("POST", "/sessions", refusal(clashes=clashes))
    result = await run(services, SCHEDULE, input=SESSION)
    assert result.data == {
        "scheduleLiveSession": {
            "__typename": "Conflict",
            "clashes": [{"kind": "SECTION"}, {"kind": "TEACHER"}, {"kind": "STUDENT"}],
        }
    }


async def test_a_policy_breach_names_its_rule_by_the_balance_rule_enum(
    services: StubServices,
) -> None:
    breach = ProblemBreach(
        rule="min_on_demand_share",
        period="2026-W10",
        figure=0.4,
        limit=0.6,
        live_minutes=120,
        on_demand_minutes=80,
        message="too little on demand",
    )
    services.scheduler.refuse("POST", "/sessions", refusal(breaches=[breach]))
    result = await run(services, SCHEDULE, input=SESSION)
    assert result.data == {
        "scheduleLiveSession": {
            "__typename": "PolicyViolation",
            "breaches": [{"rule": "MIN_ON_DEMAND_SHARE"}],
        }
    }


async def test_a_clash_of_a_kind_outside_the_contract_is_a_service_fault_not_a_string(
    services: StubServices,
) -> None:
    problem = refusal(clashes=[]).model_dump(mode="json")
    problem["clashes"] = [
        {
            "kind": "planet",
            "other_id": "s9",
            "section_id": "sec-1",
            "starts_at": AT.isoformat(),
            "ends_at": AT.isoformat(),
        }
    ]
    services.scheduler.answer("POST", "/sessions", problem, status=409)
    result = await run(services, SCHEDULE, input=SESSION)
    [error] = result.errors or []
    assert (error.extensions or {}).get("code") == "UNAVAILABLE"


async def test_rows_a_roster_import_skipped_name_their_reason_by_enum(
    services: StubServices,
) -> None:
    record = RosterImport(
        id="i1",
        status=RosterImportStatus.DONE,
        started_at=AT,
        finished_at=AT,
        files=["users.csv", "orgs.csv"],
        unread_files=[],
        # As the scheduler has always sent (and stored) them: the reason's sentence.
        skipped=[
            RosterSkipped.model_validate(
                {"file": "users.csv", "reason": "users of role aide are not read", "rows": 3}
            ),
            RosterSkipped.model_validate(
                {"file": "orgs.csv", "reason": "orgs of type state are not read", "rows": 1}
            ),
        ],
        counts=[],
        written=0,
        to_write=0,
        failure=None,
    )
    services.scheduler.answer("GET", "/roster/imports/i1", record)
    document = '{ rosterImport(id: "i1") { skipped { file reason rows } } }'
    result = await run(services, document, Role.DISTRICT_ADMIN)
    assert result.errors is None, result.errors
    assert result.data == {
        "rosterImport": {
            "skipped": [
                {"file": "users.csv", "reason": "USER_ROLE_AIDE", "rows": 3},
                {"file": "orgs.csv", "reason": "ORG_TYPE_STATE", "rows": 1},
            ]
        }
    }


@pytest.mark.parametrize(("owner", "field"), [("UserError", "code"), ("FieldError", "rule")])
def test_codes_that_stay_strings_say_they_are_stable(owner: str, field: str) -> None:
    found = SCHEMA._schema.get_type(owner)
    assert isinstance(found, GraphQLObjectType | GraphQLInterfaceType)
    assert "stable code" in (found.fields[field].description or "")
