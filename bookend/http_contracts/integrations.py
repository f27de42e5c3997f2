"""The integrations component's HTTP API (ADR 0050): a district's webhook endpoints, their
deliveries and dead letters, and the district's log of public events to replay."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from bookend.http_contracts.paging import Page


class PayloadFormat(StrEnum):
    """What a delivery's body is: the CloudEvent as it is (structured mode), or its IMS Caliper
    1.2 projection where one exists (events without one are not sent to such an endpoint)."""

    CLOUDEVENTS = "cloudevents"
    CALIPER = "caliper"


class EndpointStatus(StrEnum):
    ACTIVE = "active"
    # Disabled by its owner, by a 410 Gone, or after a long failure streak: nothing is sent;
    # what was waiting is dead-lettered, to re-drive once it is enabled again.
    DISABLED = "disabled"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"  # the endpoint answered 2xx
    DEAD = "dead"  # retries ran out, or the endpoint was disabled: re-drive to send again


class EndpointCreate(BaseModel):
    """`event_types` are public event types (`bookend.scheduler.session.scheduled.v1`); empty
    means every public type, now and later."""

    url: str
    event_types: list[str] = []
    format: PayloadFormat = PayloadFormat.CLOUDEVENTS
    description: str = ""


class EndpointUpdate(BaseModel):
    """Only what is given changes; `enabled` true on a disabled endpoint clears its streak."""

    url: str | None = None
    event_types: list[str] | None = None
    format: PayloadFormat | None = None
    description: str | None = None
    enabled: bool | None = None


class SecretRotation(BaseModel):
    """How long the old secret keeps signing beside the new one (at most a week)."""

    overlap_hours: int = 24


class SigningSecret(BaseModel):
    """Shown once: when an endpoint is registered and when its secret is rotated."""

    secret: str
    previous_expires_at: datetime | None = None


class Endpoint(BaseModel):
    id: str
    url: str
    event_types: list[str]
    format: PayloadFormat
    description: str
    status: EndpointStatus
    disabled_reason: str | None
    failure_streak: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    # Until when a rotated-out secret still signs, if one does.
    previous_secret_expires_at: datetime | None


class EndpointCreated(BaseModel):
    endpoint: Endpoint
    secret: SigningSecret


class EndpointPage(Page[Endpoint]):
    pass


class Attempt(BaseModel):
    number: int
    at: datetime
    status_code: int | None  # None: no answer (refused address, timeout, connection failed)
    outcome: str  # delivered, failed, gone, refused_address, timeout, unreachable
    duration_ms: int
    error: str | None


class Delivery(BaseModel):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: list[Attempt]
    next_attempt_at: datetime | None
    dead_reason: str | None
    created_at: datetime
    updated_at: datetime


class DeliveryPage(Page[Delivery]):
    pass


class Redrive(BaseModel):
    """Dead deliveries of the endpoint to send again: these, or (empty) every one."""

    delivery_ids: list[str] = []


class Redriven(BaseModel):
    count: int


class DistrictEvent(BaseModel):
    """A public event of the district as it was relayed: the CloudEvent, its position in the
    district's log, and the key that kept it in order (a section's id, for section events)."""

    id: str
    type: str
    source: str
    subject: str
    time: datetime
    key: str
    data: dict[str, Any]
    relayed_at: datetime


class DistrictEventPage(Page[DistrictEvent]):
    pass
