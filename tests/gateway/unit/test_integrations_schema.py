"""District integrations over a stubbed integrations component (ADR 0050): endpoints registered
with their secret shown once, refusals as typed failures, pages of endpoints, deliveries and
the district's events, and global ids of their own types."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.http_contracts.integrations import (
    Attempt,
    Delivery,
    DeliveryPage,
    DeliveryStatus,
    DistrictEvent,
    DistrictEventPage,
    Endpoint,
    EndpointCreated,
    EndpointPage,
    EndpointStatus,
    PayloadFormat,
    Redriven,
    SigningSecret,
)
from bookend.http_contracts.paging import PageInfo
from bookend.problems import Problem, ProblemField, ProblemKind
from gateway.clients import Upstreams
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from gateway.upstream import Upstream
from tests.gateway.stubs import StubServices, only_page
from tests.support.auth import TEST_SECRET, token_for
from tests.support.global_ids import gid

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)
AT = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
ENDPOINT = gid("WebhookEndpoint", "e1")
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def an_endpoint(endpoint_id: str = "e1", **changes: object) -> Endpoint:
    endpoint = Endpoint(
        id=endpoint_id,
        url="https://sis.district.example/bookend",
        event_types=["bookend.scheduler.session.scheduled.v1"],
        format=PayloadFormat.CLOUDEVENTS,
        description="SIS attendance sync",
        status=EndpointStatus.ACTIVE,
        disabled_reason=None,
        failure_streak=0,
        created_by="integration-1",
        created_at=AT,
        updated_at=AT,
        previous_secret_expires_at=None,
    )
    return endpoint.model_copy(update=changes)


def a_delivery(delivery_id: str = "d1") -> Delivery:
    attempt = Attempt(
        number=1, at=AT, status_code=None, outcome="timeout", duration_ms=10_000, error="slow"
    )
    return Delivery(
        id=delivery_id,
        endpoint_id="e1",
        event_id="ev-1",
        event_type="bookend.scheduler.session.scheduled.v1",
        status=DeliveryStatus.DEAD,
        attempts=[attempt],
        next_attempt_at=None,
        dead_reason="retries ran out",
        created_at=AT,
        updated_at=AT,
    )


def an_event(event_id: str = "ev-1") -> DistrictEvent:
    return DistrictEvent(
        id=event_id,
        type="bookend.scheduler.session.scheduled.v1",
        source="/bookend/scheduler",
        subject="sessions/s1",
        time=AT,
        key="sec-1",
        data={"session_id": "s1", "section_id": "sec-1", "starts_at": "2026-11-25T15:00:00Z"},
        relayed_at=AT,
    )


def refusal(kind: ProblemKind, code: str, *broken: tuple[str, str]) -> Problem:
    status = {
        ProblemKind.INVALID_INPUT: 422,
        ProblemKind.FORBIDDEN: 403,
        ProblemKind.NOT_FOUND: 404,
        ProblemKind.CONFLICT: 409,
    }[kind]
    errors = [ProblemField(field=field, rule=rule, message="refused") for field, rule in broken]
    return Problem(status=status, kind=kind, code=code, message="refused", errors=errors)


@pytest.fixture
def services() -> StubServices:
    return StubServices()


async def run(
    services: StubServices | Upstreams,
    document: str,
    role: Role = Role.INTEGRATION,
    zone: str = "UTC",
    **variables: object,
) -> ExecutionResult:
    """Run a document as one request of a principal of `role`, as the GraphQL router would."""
    upstreams = services.upstreams() if isinstance(services, StubServices) else services
    context = Context(
        settings=SETTINGS,
        upstreams=upstreams,
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    await context.authenticate(f"Bearer {token_for(f'{role.value}-1', role, zone=zone)}")
    return await SCHEMA.execute(document, variable_values=variables, context_value=context)


def sent(request: httpx.Request) -> object:
    return json.loads(request.content)


REGISTER = """mutation($input: RegisterWebhookEndpointInput!, $key: String) {
  registerWebhookEndpoint(input: $input, idempotencyKey: $key) {
    __typename
    ... on WebhookEndpointRegistered {
      endpoint { id url eventTypes format description status failureStreak createdBy createdAt }
      secret { secret previousExpiresAt }
    }
    ... on InvalidInput { code errors { field rule } }
    ... on UserError { code }
  } }"""
INPUT = {
    "url": "https://sis.district.example/bookend",
    "eventTypes": ["bookend.scheduler.session.scheduled.v1"],
    "format": "CALIPER",
    "description": "SIS attendance sync",
}


async def test_a_registered_endpoint_answers_its_secret_the_only_time_it_is_shown(
    services: StubServices,
) -> None:
    created = EndpointCreated(
        endpoint=an_endpoint(format=PayloadFormat.CALIPER), secret=SigningSecret(secret=SECRET)
    )
    services.integrations.answer("POST", "/endpoints", created, status=201)
    result = await run(services, REGISTER, Role.DISTRICT_ADMIN, input=INPUT, key="k-1")
    assert result.errors is None, result.errors
    assert result.data == {
        "registerWebhookEndpoint": {
            "__typename": "WebhookEndpointRegistered",
            "endpoint": {
                "id": ENDPOINT,
                "url": "https://sis.district.example/bookend",
                "eventTypes": ["bookend.scheduler.session.scheduled.v1"],
                "format": "CALIPER",
                "description": "SIS attendance sync",
                "status": "ACTIVE",
                "failureStreak": 0,
                "createdBy": gid("Person", "integration-1"),
                "createdAt": "2026-11-24T15:30:00.000+00:00",
            },
            "secret": {"secret": SECRET, "previousExpiresAt": None},
        }
    }
    [request] = services.integrations.requests
    assert sent(request) == {
        "url": "https://sis.district.example/bookend",
        "event_types": ["bookend.scheduler.session.scheduled.v1"],
        "format": "caliper",
        "description": "SIS attendance sync",
    }
    assert request.headers["Idempotency-Key"] == "k-1"
    assert request.headers["Authorization"].startswith("Bearer ")


async def test_an_endpoint_registered_with_the_url_alone_takes_every_type_as_cloudevents(
    services: StubServices,
) -> None:
    created = EndpointCreated(endpoint=an_endpoint(), secret=SigningSecret(secret=SECRET))
    services.integrations.answer("POST", "/endpoints", created, status=201)
    result = await run(services, REGISTER, input={"url": INPUT["url"]})
    assert result.errors is None, result.errors
    [request] = services.integrations.requests
    assert sent(request) == {
        "url": INPUT["url"],
        "event_types": [],
        "format": "cloudevents",
        "description": "",
    }


@pytest.mark.parametrize(
    ("field", "rule"),
    [
        ("url", "private_address"),
        ("url", "url_scheme"),
        ("event_types.0", "public_event_type"),
        ("max_endpoints", "max_items"),
    ],
)
async def test_a_refused_endpoint_is_the_typed_invalid_input_naming_the_field_and_rule(
    services: StubServices, field: str, rule: str
) -> None:
    refused = refusal(ProblemKind.INVALID_INPUT, "INVALID_INPUT", (field, rule))
    services.integrations.refuse("POST", "/endpoints", refused)
    result = await run(services, REGISTER, input=INPUT)
    assert result.errors is None, result.errors
    assert result.data == {
        "registerWebhookEndpoint": {
            "__typename": "InvalidInput",
            "code": "INVALID_INPUT",
            # As the component names it, as every service's refusal is named (FieldError.field).
            "errors": [{"field": field, "rule": rule}],
        }
    }


ENDPOINTS = """query($first: Int!, $after: String) {
  webhookEndpoints(first: $first, after: $after) {
  edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""


async def test_the_districts_endpoints_page_as_every_connection_does(
    services: StubServices,
) -> None:
    page = EndpointPage(
        items=[an_endpoint("e2"), an_endpoint("e3", status=EndpointStatus.DISABLED)],
        page_info=PageInfo(has_next_page=True, end_cursor="k3"),
        cursors=["k2", "k3"],
    )
    services.integrations.answer("GET", "/endpoints", page)
    result = await run(services, ENDPOINTS, first=2, after="k1")
    assert result.errors is None, result.errors
    assert result.data == {
        "webhookEndpoints": {
            "edges": [
                {"cursor": "k2", "node": {"id": gid("WebhookEndpoint", "e2"), "status": "ACTIVE"}},
                {
                    "cursor": "k3",
                    "node": {"id": gid("WebhookEndpoint", "e3"), "status": "DISABLED"},
                },
            ],
            "pageInfo": {"hasNextPage": True, "hasPreviousPage": True, "endCursor": "k3"},
        }
    }
    [request] = services.integrations.requests
    assert dict(request.url.params) == {"first": "2", "after": "k1"}


DELIVERIES = """query($id: ID!, $status: WebhookDeliveryStatus) { webhookEndpoint(id: $id) {
  id deliveries(status: $status, first: 5) { nodes {
    id endpointId eventId eventType status nextAttemptAt deadReason
    attempts { number at statusCode outcome durationMs error } } } } }"""


async def test_an_endpoints_deliveries_are_read_of_one_status_with_global_ids(
    services: StubServices,
) -> None:
    services.integrations.answer("GET", "/endpoints/e1", an_endpoint())
    deliveries = only_page(DeliveryPage, [a_delivery()])
    services.integrations.answer("GET", "/endpoints/e1/deliveries", deliveries)
    result = await run(services, DELIVERIES, zone="America/Chicago", id=ENDPOINT, status="DEAD")
    assert result.errors is None, result.errors
    assert result.data == {
        "webhookEndpoint": {
            "id": ENDPOINT,
            "deliveries": {
                "nodes": [
                    {
                        "id": gid("WebhookDelivery", "d1"),
                        "endpointId": ENDPOINT,
                        "eventId": gid("DistrictEvent", "ev-1"),
                        "eventType": "bookend.scheduler.session.scheduled.v1",
                        "status": "DEAD",
                        "nextAttemptAt": None,
                        "deadReason": "retries ran out",
                        "attempts": [
                            {
                                "number": 1,
                                "at": "2026-11-24T09:30:00.000-06:00",
                                "statusCode": None,
                                "outcome": "timeout",
                                "durationMs": 10_000,
                                "error": "slow",
                            }
                        ],
                    }
                ]
            },
        }
    }
    listed = services.integrations.requests[-1]
    assert listed.url.path == "/endpoints/e1/deliveries"
    assert dict(listed.url.params) == {"first": "5", "status": "dead"}


EVENTS = """query($since: DateTime, $types: [String!], $after: String) {
  districtEvents(since: $since, types: $types, first: 50, after: $after) {
    nodes { id type source subject time key data relayedAt } pageInfo { endCursor } } }"""


async def test_the_districts_events_are_replayed_from_an_instant_of_the_types_asked(
    services: StubServices,
) -> None:
    services.integrations.answer("GET", "/events", only_page(DistrictEventPage, [an_event()]))
    types = ["bookend.scheduler.session.scheduled.v1", "bookend.catalog.lesson.published.v1"]
    result = await run(
        services, EVENTS, zone="America/Chicago", since="2026-11-24T08:00:00-06:00", types=types
    )
    assert result.errors is None, result.errors
    assert result.data == {
        "districtEvents": {
            "nodes": [
                {
                    "id": gid("DistrictEvent", "ev-1"),
                    "type": "bookend.scheduler.session.scheduled.v1",
                    "source": "/bookend/scheduler",
                    "subject": "sessions/s1",
                    "time": "2026-11-24T09:30:00.000-06:00",
                    "key": "sec-1",
                    # The payload as the district's topic and webhooks carry it: raw ids, its
                    # own instants as the event wrote them.
                    "data": {
                        "session_id": "s1",
                        "section_id": "sec-1",
                        "starts_at": "2026-11-25T15:00:00Z",
                    },
                    "relayedAt": "2026-11-24T09:30:00.000-06:00",
                }
            ],
            "pageInfo": {"endCursor": "c1"},
        }
    }
    [request] = services.integrations.requests
    assert request.url.params.multi_items() == [
        ("first", "50"),
        ("since", "2026-11-24T08:00:00-06:00"),
        ("types", types[0]),
        ("types", types[1]),
    ]


async def test_the_districts_events_from_the_start_ask_for_no_instant_or_type(
    services: StubServices,
) -> None:
    services.integrations.answer("GET", "/events", only_page(DistrictEventPage, []))
    result = await run(services, EVENTS, after="c9")
    assert result.errors is None, result.errors
    [request] = services.integrations.requests
    assert dict(request.url.params) == {"first": "50", "after": "c9"}


UPDATE = """mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
  __typename ... on WebhookEndpoint { id status } ... on InvalidInput { errors { field rule } } }
  }"""


async def test_an_update_sends_what_is_given_and_nothing_else_changes(
    services: StubServices,
) -> None:
    services.integrations.answer("PATCH", "/endpoints/e1", an_endpoint())
    changes = {"id": ENDPOINT, "enabled": True, "eventTypes": []}
    result = await run(services, UPDATE, input=changes)
    assert result.data == {
        "updateWebhookEndpoint": {
            "__typename": "WebhookEndpoint",
            "id": ENDPOINT,
            "status": "ACTIVE",
        }
    }
    [request] = services.integrations.requests
    # What is not given is null: the contract's "not changed".
    assert sent(request) == {
        "url": None,
        "event_types": [],
        "format": None,
        "description": None,
        "enabled": True,
    }


ROTATE = """mutation($id: ID!, $hours: Int!) { rotateWebhookSecret(id: $id, overlapHours: $hours) {
  __typename ... on WebhookSigningSecret { secret previousExpiresAt }
  ... on InvalidInput { errors { field rule } } } }"""


async def test_a_rotated_secret_is_shown_with_when_the_old_one_stops_signing(
    services: StubServices,
) -> None:
    rotated = SigningSecret(secret=SECRET, previous_expires_at=AT)
    services.integrations.answer("POST", "/endpoints/e1/rotate-secret", rotated)
    result = await run(services, ROTATE, id=ENDPOINT, hours=48)
    assert result.data == {
        "rotateWebhookSecret": {
            "__typename": "WebhookSigningSecret",
            "secret": SECRET,
            "previousExpiresAt": "2026-11-24T15:30:00.000+00:00",
        }
    }
    [request] = services.integrations.requests
    assert sent(request) == {"overlap_hours": 48}


async def test_an_overlap_out_of_range_is_the_typed_invalid_input(services: StubServices) -> None:
    refused = refusal(
        ProblemKind.INVALID_INPUT, "INVALID_INPUT", ("overlap_hours", "overlap_range")
    )
    services.integrations.refuse("POST", "/endpoints/e1/rotate-secret", refused)
    result = await run(services, ROTATE, id=ENDPOINT, hours=169)
    assert result.data == {
        "rotateWebhookSecret": {
            "__typename": "InvalidInput",
            "errors": [{"field": "overlap_hours", "rule": "overlap_range"}],
        }
    }


async def test_a_deleted_endpoint_answers_its_id_from_a_reply_without_a_body(
    services: StubServices,
) -> None:
    asked: list[httpx.Request] = []

    def component(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(204)  # as the component answers: no body

    transport = httpx.MockTransport(component)
    upstreams = replace(
        services.upstreams(),
        integrations=Upstream("integrations", "http://integrations", 5, transport=transport),
    )
    document = """mutation($id: ID!) { deleteWebhookEndpoint(id: $id, idempotencyKey: "k-2") {
      __typename ... on WebhookEndpointDeleted { endpointId } } }"""
    result = await run(upstreams, document, id=ENDPOINT)
    assert result.errors is None, result.errors
    assert result.data == {
        "deleteWebhookEndpoint": {"__typename": "WebhookEndpointDeleted", "endpointId": ENDPOINT}
    }
    [request] = asked
    assert (request.method, request.url.path) == ("DELETE", "/endpoints/e1")
    assert request.headers["Idempotency-Key"] == "k-2"


REDRIVE = """mutation($id: ID!, $ids: [ID!]) {
  redriveWebhookDeliveries(endpointId: $id, deliveryIds: $ids) {
    __typename ... on WebhookDeliveriesRedriven { count }
    ... on InvalidInput { errors { field rule } } ... on UserError { code } } }"""


async def test_dead_deliveries_are_redriven_by_their_services_ids(services: StubServices) -> None:
    services.integrations.answer("POST", "/endpoints/e1/redrive", Redriven(count=2))
    ids = [gid("WebhookDelivery", "d1"), "d2"]  # a raw id is taken too (ADR 0049)
    result = await run(services, REDRIVE, id=ENDPOINT, ids=ids)
    assert result.data == {
        "redriveWebhookDeliveries": {"__typename": "WebhookDeliveriesRedriven", "count": 2}
    }
    [request] = services.integrations.requests
    assert sent(request) == {"delivery_ids": ["d1", "d2"]}


async def test_every_dead_delivery_is_redriven_when_none_is_named(services: StubServices) -> None:
    services.integrations.answer("POST", "/endpoints/e1/redrive", Redriven(count=7))
    result = await run(services, REDRIVE, id=ENDPOINT)
    assert result.data == {
        "redriveWebhookDeliveries": {"__typename": "WebhookDeliveriesRedriven", "count": 7}
    }
    assert sent(services.integrations.requests[0]) == {"delivery_ids": []}


async def test_redriving_to_a_disabled_endpoint_is_a_conflict_with_its_code(
    services: StubServices,
) -> None:
    refused = refusal(ProblemKind.CONFLICT, "ENDPOINT_DISABLED")
    services.integrations.refuse("POST", "/endpoints/e1/redrive", refused)
    result = await run(services, REDRIVE, id=ENDPOINT)
    assert result.data == {
        "redriveWebhookDeliveries": {"__typename": "Conflict", "code": "ENDPOINT_DISABLED"}
    }


async def test_an_endpoint_of_another_district_or_none_is_not_found_with_its_code(
    services: StubServices,
) -> None:
    refused = refusal(ProblemKind.NOT_FOUND, "ENDPOINT_NOT_FOUND")
    services.integrations.refuse("GET", "/endpoints/e9", refused)
    document = "query($id: ID!) { webhookEndpoint(id: $id) { id } }"
    result = await run(services, document, id=gid("WebhookEndpoint", "e9"))
    assert result.data is None
    [error] = result.errors or []
    assert (error.extensions or {})["code"] == "ENDPOINT_NOT_FOUND"


# --- global ids -------------------------------------------------------------------------------


async def test_an_endpoint_is_a_node_fetched_again_through_its_own_query(
    services: StubServices,
) -> None:
    services.integrations.answer("GET", "/endpoints/e1", an_endpoint())
    document = """query($id: ID!) { node(id: $id) { __typename id
      ... on WebhookEndpoint { url } } }"""
    result = await run(services, document, id=ENDPOINT)
    assert result.errors is None, result.errors
    assert result.data == {
        "node": {
            "__typename": "WebhookEndpoint",
            "id": ENDPOINT,
            "url": "https://sis.district.example/bookend",
        }
    }
    assert [r.url.path for r in services.integrations.requests] == ["/endpoints/e1"]


async def test_a_query_refuses_the_id_of_another_type_before_asking_anyone(
    services: StubServices,
) -> None:
    document = "query($id: ID!) { webhookEndpoint(id: $id) { id } }"
    result = await run(services, document, id=gid("WebhookDelivery", "e1"))
    [error] = result.errors or []
    assert error.extensions == {
        "code": "INVALID_INPUT",
        "errors": [{"field": "id", "rule": "id_type", "message": error.message}],
    }
    assert services.integrations.requests == []


@pytest.mark.parametrize(
    ("document", "variables", "field"),
    [
        (UPDATE, {"input": {"id": gid("Section", "e1"), "enabled": False}}, "input.id"),
        (ROTATE, {"id": gid("DistrictEvent", "e1"), "hours": 24}, "id"),
        (REDRIVE, {"id": gid("WebhookDelivery", "e1")}, "endpointId"),
        (REDRIVE, {"id": ENDPOINT, "ids": ["d1", gid("DistrictEvent", "ev-1")]}, "deliveryIds.1"),
    ],
    ids=["update", "rotate", "redrive endpoint", "redrive deliveries"],
)
async def test_a_mutation_refuses_the_id_of_another_type_as_its_typed_invalid_input(
    services: StubServices, document: str, variables: dict[str, object], field: str
) -> None:
    result = await run(services, document, Role.INTEGRATION, "UTC", **variables)
    assert result.errors is None, result.errors
    [answer] = (result.data or {}).values()
    assert (answer["__typename"], answer["errors"]) == (
        "InvalidInput",
        [{"field": field, "rule": "id_type"}],
    )
    assert services.integrations.requests == []


# --- access -----------------------------------------------------------------------------------


async def test_a_student_is_refused_what_the_component_refuses_them(
    services: StubServices,
) -> None:
    """The component checks the token's roles (integration and district admin only): the
    gateway passes the student's token on and answers the refusal as it does every service's."""
    forbidden = refusal(ProblemKind.FORBIDDEN, "FORBIDDEN")
    services.integrations.refuse("GET", "/endpoints", forbidden)
    services.integrations.refuse("POST", "/endpoints", forbidden)
    read = await run(services, ENDPOINTS, Role.STUDENT, first=20)
    written = await run(services, REGISTER, Role.STUDENT, input=INPUT)
    assert read.data is None
    [error] = read.errors or []
    assert (error.extensions or {})["code"] == "FORBIDDEN"
    assert written.data == {
        "registerWebhookEndpoint": {"__typename": "Forbidden", "code": "FORBIDDEN"}
    }
    verifier = TokenVerifier(AuthSettings(dev_secret=TEST_SECRET))
    passed_on = [
        verifier.verified(r.headers["Authorization"].removeprefix("Bearer ")).principal
        for r in services.integrations.requests
    ]
    assert [(p.subject, p.roles) for p in passed_on] == [
        ("student-1", frozenset({Role.STUDENT}))
    ] * 2
