"""Webhook endpoints, their deliveries and the district's log: pure rules, no I/O (ADR 0050)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bookend.contracts import PUBLIC_EVENT_SPECS, CloudEvent, district_topic
from bookend.http_contracts.integrations import (
    DeliveryStatus,
    EndpointStatus,
    PayloadFormat,
)
from bookend.problems import Conflict, Failure, InvalidInput, NotFound
from gateway.integrations.caliper import MAPPED_TYPES
from gateway.integrations.retries import DisablePolicy, RetryPolicy, outcome_of
from gateway.integrations.signing import SigningKeys

PUBLIC_TYPES = frozenset(spec.type for spec in PUBLIC_EVENT_SPECS)
MAX_DESCRIPTION = 200
# A delivery keeps its latest attempts: the schedule makes ten at most, and re-drives more.
KEPT_ATTEMPTS = 20
MAX_ERROR = 300


class IntegrationsError(Failure):
    """Root of the integrations component's expected failures."""


class EndpointNotFound(IntegrationsError, NotFound):
    code = "ENDPOINT_NOT_FOUND"

    def __init__(self, endpoint_id: str) -> None:
        super().__init__(f"webhook endpoint {endpoint_id} was not found")


class EndpointDisabled(IntegrationsError, Conflict):
    code = "ENDPOINT_DISABLED"

    def __init__(self, endpoint_id: str) -> None:
        super().__init__(
            f"webhook endpoint {endpoint_id} is disabled: enable it first, then re-drive its"
            " dead deliveries; nothing was changed"
        )


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a district's webhooks go, which event types, and the secrets that sign them."""

    id: str
    district_id: str
    url: str
    event_types: tuple[str, ...]  # empty: every public type
    format: PayloadFormat
    description: str
    status: EndpointStatus
    disabled_reason: str | None
    failure_streak: int
    streak_started_at: datetime | None
    keys: SigningKeys
    created_by: str
    created_at: datetime
    updated_at: datetime

    @property
    def active(self) -> bool:
        return self.status is EndpointStatus.ACTIVE

    def wants(self, event_type: str) -> bool:
        """Whether an event of this type is delivered here: a Caliper endpoint gets only the
        types Caliper has an event for."""
        if not self.active or (self.event_types and event_type not in self.event_types):
            return False
        return self.format is not PayloadFormat.CALIPER or event_type in MAPPED_TYPES

    def disabled(self, reason: str, now: datetime) -> Endpoint:
        return replace(self, status=EndpointStatus.DISABLED, disabled_reason=reason, updated_at=now)


def event_types_of(types: Sequence[str], field: str = "event_types") -> tuple[str, ...]:
    """The public types asked for, each once, in the order given; any other is refused."""
    for index, event_type in enumerate(types):
        if event_type not in PUBLIC_TYPES:
            raise InvalidInput(
                f"{field}.{index}",
                "public_event_type",
                f"{event_type[:120]!r} is not a public event type (see docs/integrations.md)",
            )
    return tuple(dict.fromkeys(types))


def description_of(text: str) -> str:
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput("description", "max_length", f"at most {MAX_DESCRIPTION} characters")
    return text.strip()


def new_endpoint(
    *,
    endpoint_id: str,
    district_id: str,
    url: str,
    event_types: Sequence[str],
    format: PayloadFormat,
    description: str,
    secret: str,
    created_by: str,
    now: datetime,
) -> Endpoint:
    """`url` is checked already (gateway/integrations/addresses.py)."""
    return Endpoint(
        id=endpoint_id,
        district_id=district_id,
        url=url,
        event_types=event_types_of(event_types),
        format=format,
        description=description_of(description),
        status=EndpointStatus.ACTIVE,
        disabled_reason=None,
        failure_streak=0,
        streak_started_at=None,
        keys=SigningKeys(current=secret, previous=None, previous_expires_at=None),
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )


def updated(
    endpoint: Endpoint,
    *,
    url: str | None,
    event_types: Sequence[str] | None,
    format: PayloadFormat | None,
    description: str | None,
    enabled: bool | None,
    now: datetime,
) -> Endpoint:
    """Only what is given changes. Enabling clears the failure streak: its dead deliveries
    wait for a re-drive."""
    changed = replace(
        endpoint,
        url=url if url is not None else endpoint.url,
        event_types=event_types_of(event_types)
        if event_types is not None
        else endpoint.event_types,
        format=format or endpoint.format,
        description=description_of(description)
        if description is not None
        else endpoint.description,
    )
    if enabled is True and not endpoint.active:
        changed = replace(
            changed,
            status=EndpointStatus.ACTIVE,
            disabled_reason=None,
            failure_streak=0,
            streak_started_at=None,
        )
    elif enabled is False and endpoint.active:
        changed = changed.disabled("disabled by its owner", now)
    return changed if changed == endpoint else replace(changed, updated_at=now)


@dataclass(frozen=True, slots=True)
class Attempt:
    number: int
    at: datetime
    status_code: int | None
    outcome: str  # delivered, failed, gone, refused_address, timeout, unreachable
    duration_ms: int
    error: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event to one endpoint, until it is delivered or dead."""

    id: str
    district_id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: tuple[Attempt, ...]
    # The three days of retries count from here: the first attempt's time, or a re-drive's.
    window_started_at: datetime
    next_attempt_at: datetime | None
    dead_reason: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def attempts_made(self) -> int:
        return self.attempts[-1].number if self.attempts else 0

    def dead(self, reason: str, now: datetime) -> Delivery:
        return replace(
            self,
            status=DeliveryStatus.DEAD,
            next_attempt_at=None,
            dead_reason=reason,
            updated_at=now,
        )


def new_delivery(
    endpoint: Endpoint, event_id: str, event_type: str, *, delivery_id: str, now: datetime
) -> Delivery:
    return Delivery(
        id=delivery_id,
        district_id=endpoint.district_id,
        endpoint_id=endpoint.id,
        event_id=event_id,
        event_type=event_type,
        status=DeliveryStatus.PENDING,
        attempts=(),
        window_started_at=now,
        next_attempt_at=now,
        dead_reason=None,
        created_at=now,
        updated_at=now,
    )


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one try gave: the receiver's status code, or why there was none."""

    status_code: int | None
    duration_ms: int
    # Set when no answer came: refused_address, timeout or unreachable, with the error.
    failure: str | None = None
    error: str | None = None

    @property
    def outcome(self) -> str:
        return self.failure or outcome_of(self.status_code)


@dataclass(frozen=True, slots=True)
class Tried:
    delivery: Delivery
    endpoint: Endpoint
    # Set when the endpoint was disabled by this attempt: its other waiting deliveries die.
    disabled_because: str | None = None


def after_attempt(
    delivery: Delivery,
    endpoint: Endpoint,
    result: AttemptResult,
    *,
    at: datetime,
    retry: RetryPolicy,
    disable: DisablePolicy,
    rng: random.Random,
) -> Tried:
    """The delivery and endpoint once an attempt made at `at` gave `result`: delivered; or
    retried on the schedule until its three days run out, then dead; and the endpoint disabled
    on a 410, or on a failure streak long in count and in time."""
    number = delivery.attempts_made + 1
    error = result.error[:MAX_ERROR] if result.error else None
    attempt = Attempt(number, at, result.status_code, result.outcome, result.duration_ms, error)
    attempts = (*delivery.attempts, attempt)[-KEPT_ATTEMPTS:]
    tried = replace(delivery, attempts=attempts, updated_at=at)
    if result.outcome == "delivered":
        healthy = replace(endpoint, failure_streak=0, streak_started_at=None)
        done = replace(tried, status=DeliveryStatus.DELIVERED, next_attempt_at=None)
        return Tried(done, healthy)
    streak = endpoint.failure_streak + 1
    failing = replace(
        endpoint, failure_streak=streak, streak_started_at=endpoint.streak_started_at or at
    )
    if result.outcome == "gone":
        reason = "the endpoint answered 410 Gone"
        return Tried(tried.dead(reason, at), failing.disabled(reason, at), reason)
    if disable.should_disable(streak, failing.streak_started_at, at):
        since = failing.streak_started_at or at
        reason = f"{streak} failed attempts in a row since {since.isoformat()}"
        return Tried(
            tried.dead(f"endpoint disabled: {reason}", at), failing.disabled(reason, at), reason
        )
    following = retry.next_attempt(number, delivery.window_started_at, at, rng)
    if following is None:
        reason = f"retries ran out after {number} attempts"
        return Tried(tried.dead(reason, at), failing)
    return Tried(replace(tried, next_attempt_at=following), failing)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """A public event as it was relayed, kept for replay: `position` orders the district's
    log (the order events were relayed in, so a section's stay in order)."""

    id: str
    district_id: str
    position: str
    type: str
    source: str
    subject: str
    time: datetime
    key: str
    data: dict[str, Any]
    relayed_at: datetime

    def as_cloudevent(self) -> CloudEvent:
        return CloudEvent(
            id=self.id,
            source=self.source,
            type=self.type,
            subject=self.subject,
            time=self.time,
            districtid=self.district_id,
            key=self.key,
            topic=district_topic(self.district_id),
            data=self.data,
        )
