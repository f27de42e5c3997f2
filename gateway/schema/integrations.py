"""District integrations (the integrations component, ADR 0050): a district's webhook endpoints
with their deliveries, and the district's log of public events to replay. For the district's
integration principals and its district admins: the component checks access, as services do."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

import strawberry

from bookend.http_contracts import integrations as http
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract, to_contract
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.schema.scalars import JSONObject

# The component's contract enums, registered here under the schema's names: as in enums.py, a
# contract enum is its GraphQL enum (no copy to drift).
strawberry.enum(
    http.PayloadFormat,
    name="WebhookPayloadFormat",
    description=(
        "What a delivery's body is: the CloudEvent as it is (structured mode, "
        "application/cloudevents+json), or its IMS Caliper 1.2 projection (events without one "
        "are not sent to such an endpoint)."
    ),
)
strawberry.enum(
    http.EndpointStatus,
    name="WebhookEndpointStatus",
    description=(
        "DISABLED: by its owner, by a 410 Gone, or after days of failures. Nothing is sent to "
        "it; what was waiting is dead, to re-drive once it is enabled again."
    ),
)
strawberry.enum(
    http.DeliveryStatus,
    name="WebhookDeliveryStatus",
    description=(
        "PENDING: waiting for its next attempt. DELIVERED: the endpoint answered 2xx. DEAD: "
        "retries ran out (three days), or the endpoint was disabled: re-drive it to send again."
    ),
)

EVENT_TYPES = (
    "Public event types, e.g. `bookend.scheduler.session.scheduled.v1`; empty: every public "
    "type, now and later."
)
EndpointId = Annotated[strawberry.ID, strawberry.argument(description="A WebhookEndpoint's id.")]


@strawberry.type(description="One try at delivering an event to an endpoint.")
class WebhookAttempt(FromContract[http.Attempt]):
    number: int = strawberry.field(description="1 for the first try.")
    at: datetime
    status_code: int | None = strawberry.field(
        description=(
            "The HTTP status the endpoint answered; null when it gave none (an address refused, "
            "a timeout, no connection)."
        )
    )
    outcome: str = strawberry.field(
        description=(
            "A stable code: `delivered`, `failed`, `gone`, `refused_address`, `timeout` or "
            "`unreachable`. Match on it; it does not change when `error` does."
        )
    )
    duration_ms: int
    error: str | None = strawberry.field(description="What went wrong, for people; it may change.")


@strawberry.type(
    description=(
        "One event on its way to one endpoint, with every attempt. Receivers deduplicate on "
        "the `webhook-id` header: the event's raw id, the same on every retry."
    )
)
class WebhookDelivery(FromContract[http.Delivery]):
    id: strawberry.ID
    endpoint_id: strawberry.ID
    event_id: strawberry.ID = strawberry.field(description="The DistrictEvent it delivers.")
    event_type: str
    status: http.DeliveryStatus
    attempts: list[WebhookAttempt] = strawberry.field(description="Oldest first.")
    next_attempt_at: datetime | None = strawberry.field(description="While PENDING.")
    dead_reason: str | None = strawberry.field(description="Why it died, for people.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, delivery: http.Delivery) -> Self:
        return from_contract(
            cls, delivery, attempts=[WebhookAttempt.of(a) for a in delivery.attempts]
        )


@strawberry.type(
    description=(
        "An address of the district's own that Bookend posts the district's public events to, "
        "signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`)."
    )
)
class WebhookEndpoint(Node, FromContract[http.Endpoint]):
    id: strawberry.ID
    url: str
    event_types: list[str] = strawberry.field(description=EVENT_TYPES)
    format: http.PayloadFormat
    description: str
    status: http.EndpointStatus
    disabled_reason: str | None = strawberry.field(description="Why it is DISABLED, for people.")
    failure_streak: int = strawberry.field(
        description="Failed attempts in a row; enabling the endpoint again clears it."
    )
    created_by: strawberry.ID
    created_at: datetime
    updated_at: datetime
    previous_secret_expires_at: datetime | None = strawberry.field(
        description="Until when a rotated-out secret still signs beside the new one, if one does."
    )

    @strawberry.field(
        description=(
            "Its deliveries, newest first, of one status if given (Relay paging): DEAD ones "
            "are the dead letters to re-drive."
        )
    )
    async def deliveries(
        self,
        info: Info,
        status: http.DeliveryStatus | None = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[WebhookDelivery]:
        asked = checked_page(first, after, info)
        call = info.context.clients.integrations.list_deliveries(self.id, status, asked)
        return await query(call, lambda found: Connection.of(found, asked, WebhookDelivery.of))


@strawberry.type(
    description=(
        "A secret that signs an endpoint's deliveries: shown only when the endpoint is "
        "registered and when its secret is rotated, never again. Keep it like a password."
    )
)
class WebhookSigningSecret(FromContract[http.SigningSecret]):
    secret: str
    previous_expires_at: datetime | None = strawberry.field(
        description="After a rotation: until when the old secret still signs beside this one."
    )


@strawberry.type(description="A registered endpoint, and its secret: the only time it is shown.")
class WebhookEndpointRegistered:
    endpoint: WebhookEndpoint
    secret: WebhookSigningSecret

    @classmethod
    def of(cls, created: http.EndpointCreated) -> WebhookEndpointRegistered:
        return cls(
            endpoint=WebhookEndpoint.of(created.endpoint),
            secret=WebhookSigningSecret.of(created.secret),
        )


@strawberry.type(description="The endpoint is gone, with its deliveries; nothing more is sent.")
class WebhookEndpointDeleted:
    endpoint_id: strawberry.ID


@strawberry.type(description="Dead deliveries sent again.")
class WebhookDeliveriesRedriven(FromContract[http.Redriven]):
    count: int = strawberry.field(description="How many were dead and are PENDING again.")


@strawberry.type(
    description=(
        "A public event of the district as it was relayed: a CloudEvent (the same on the "
        "district's topic and in webhooks), and when it joined the district's log. No student "
        "writes any of its fields."
    )
)
class DistrictEvent(FromContract[http.DistrictEvent]):
    id: strawberry.ID = strawberry.field(
        description="Its global id; the CloudEvent's own `id` (and `webhook-id`) is the raw one."
    )
    type: str = strawberry.field(description="e.g. `bookend.scheduler.session.scheduled.v1`.")
    source: str
    subject: str
    time: datetime = strawberry.field(description="When it happened.")
    key: str = strawberry.field(
        description=(
            "What kept it in order with its kind (a section's raw id, for a section's events)."
        )
    )
    data: JSONObject = strawberry.field(
        description="The event's payload, as its public schema for `type` says."
    )
    relayed_at: datetime


@strawberry.input(description="An endpoint to post the district's public events to.")
class RegisterWebhookEndpointInput:
    url: str = strawberry.field(
        description=(
            "https, to a public address (loopback, private, link-local and reserved ones are "
            "refused): checked now and again before each attempt."
        )
    )
    event_types: list[str] = strawberry.field(default_factory=list, description=EVENT_TYPES)
    format: http.PayloadFormat = http.PayloadFormat.CLOUDEVENTS
    description: str = strawberry.field(default="", description="For people; kept short.")


@strawberry.input(description="What to change of an endpoint: only what is given changes.")
class UpdateWebhookEndpointInput:
    id: strawberry.ID
    url: str | None = None
    event_types: list[str] | None = strawberry.field(default=None, description=EVENT_TYPES)
    format: http.PayloadFormat | None = None
    description: str | None = None
    enabled: bool | None = strawberry.field(
        default=None,
        description=(
            "false disables it; true enables a disabled one and clears its failure streak "
            "(re-drive its dead deliveries then)."
        ),
    )


RegisterWebhookEndpointResult = Annotated[
    WebhookEndpointRegistered | Failure, strawberry.union("RegisterWebhookEndpointResult")
]
UpdateWebhookEndpointResult = Annotated[
    WebhookEndpoint | Failure, strawberry.union("UpdateWebhookEndpointResult")
]
RotateWebhookSecretResult = Annotated[
    WebhookSigningSecret | Failure, strawberry.union("RotateWebhookSecretResult")
]
DeleteWebhookEndpointResult = Annotated[
    WebhookEndpointDeleted | Failure, strawberry.union("DeleteWebhookEndpointResult")
]
RedriveWebhookDeliveriesResult = Annotated[
    WebhookDeliveriesRedriven | Failure, strawberry.union("RedriveWebhookDeliveriesResult")
]


@strawberry.type
class IntegrationQuery:
    @strawberry.field(
        description=(
            "The district's webhook endpoints (its integrations and district admins; Relay paging)."
        )
    )
    async def webhook_endpoints(
        self, info: Info, first: First = 20, after: After = None
    ) -> Connection[WebhookEndpoint]:
        asked = checked_page(first, after, info)
        call = info.context.clients.integrations.list_endpoints(asked)
        return await query(call, lambda found: Connection.of(found, asked, WebhookEndpoint.of))

    @strawberry.field(description="One of the district's webhook endpoints.")
    async def webhook_endpoint(self, info: Info, id: EndpointId) -> WebhookEndpoint:
        call = info.context.clients.integrations.get_endpoint(id)
        return await query(call, WebhookEndpoint.of)

    @strawberry.field(
        description=(
            "The district's public events in the order they were relayed, to replay: a read, "
            "nothing is sent again (Relay paging; keep `endCursor` to read on later). Kept for "
            "a retention period."
        )
    )
    async def district_events(
        self,
        info: Info,
        since: Annotated[
            datetime | None,
            strawberry.argument(
                description=(
                    "Only events relayed at or after this instant; with `after`, the cursor "
                    "says where to go on instead."
                )
            ),
        ] = None,
        types: Annotated[
            list[str] | None,
            strawberry.argument(description="Only events of these public types."),
        ] = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[DistrictEvent]:
        asked = checked_page(first, after, info)
        call = info.context.clients.integrations.list_events(since, list(types or ()), asked)
        return await query(call, lambda found: Connection.of(found, asked, DistrictEvent.of))


@strawberry.type
class IntegrationMutation:
    @strawberry.mutation(
        description=(
            "Register an endpoint for the district's public events (at most 20 a district); "
            "the answer holds its signing secret, the only time it is shown."
        )
    )
    async def register_webhook_endpoint(
        self,
        info: Info,
        input: RegisterWebhookEndpointInput,
        idempotency_key: IdempotencyKey = None,
    ) -> RegisterWebhookEndpointResult:
        # Unvalidated here: the component checks its own input (ADR 0009).
        body = to_contract(http.EndpointCreate, input, event_types=list(input.event_types))
        call = info.context.clients.integrations.register_endpoint(body, idempotency_key)
        return await mutate(call, WebhookEndpointRegistered.of)

    @strawberry.mutation(description="Change an endpoint, enable it or disable it.")
    async def update_webhook_endpoint(
        self, info: Info, input: UpdateWebhookEndpointInput
    ) -> UpdateWebhookEndpointResult:
        types = None if input.event_types is None else list(input.event_types)
        body = to_contract(http.EndpointUpdate, input, event_types=types)
        call = info.context.clients.integrations.update_endpoint(input.id, body)
        return await mutate(call, WebhookEndpoint.of)

    @strawberry.mutation(
        description=(
            "A new signing secret, shown this once. The old one keeps signing beside it for "
            "`overlapHours` (0 to 168), while receivers move over."
        )
    )
    async def rotate_webhook_secret(
        self,
        info: Info,
        id: EndpointId,
        overlap_hours: int = 24,
        idempotency_key: IdempotencyKey = None,
    ) -> RotateWebhookSecretResult:
        body = http.SecretRotation.model_construct(overlap_hours=overlap_hours)
        call = info.context.clients.integrations.rotate_secret(id, body, idempotency_key)
        return await mutate(call, WebhookSigningSecret.of)

    @strawberry.mutation(description="Delete an endpoint; nothing more is sent to it.")
    async def delete_webhook_endpoint(
        self, info: Info, id: EndpointId, idempotency_key: IdempotencyKey = None
    ) -> DeleteWebhookEndpointResult:
        call = info.context.clients.integrations.delete_endpoint(id, idempotency_key)
        return await mutate(call, lambda _: WebhookEndpointDeleted(endpoint_id=id))

    @strawberry.mutation(
        description=(
            "Send an endpoint's dead deliveries again: these, or (none named) every one. A "
            "disabled endpoint is refused (ENDPOINT_DISABLED): enable it first."
        )
    )
    async def redrive_webhook_deliveries(
        self,
        info: Info,
        endpoint_id: strawberry.ID,
        delivery_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="Up to 100 dead deliveries of the endpoint; none: every one."
            ),
        ] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> RedriveWebhookDeliveriesResult:
        body = http.Redrive.model_construct(delivery_ids=list(delivery_ids or ()))
        call = info.context.clients.integrations.redrive(endpoint_id, body, idempotency_key)
        return await mutate(call, WebhookDeliveriesRedriven.of)
