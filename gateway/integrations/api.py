"""The integrations' HTTP routes: thin adapters from the HTTP contract to use cases (ADR 0050)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import integrations as http
from gateway.integrations import domain, service
from gateway.integrations.settings import IntegrationsSettings
from gateway.integrations.store import IntegrationsStore

State = Annotated[ServiceState[IntegrationsStore, IntegrationsSettings], Depends(service_state)]

router = APIRouter()


def endpoint_out(endpoint: domain.Endpoint) -> http.Endpoint:
    return http.Endpoint(
        id=endpoint.id,
        url=endpoint.url,
        event_types=list(endpoint.event_types),
        format=endpoint.format,
        description=endpoint.description,
        status=endpoint.status,
        disabled_reason=endpoint.disabled_reason,
        failure_streak=endpoint.failure_streak,
        created_by=endpoint.created_by,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
        previous_secret_expires_at=endpoint.keys.previous_expires_at
        if endpoint.keys.previous is not None
        else None,
    )


def delivery_out(delivery: domain.Delivery) -> http.Delivery:
    return http.Delivery(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=[
            http.Attempt(
                number=a.number,
                at=a.at,
                status_code=a.status_code,
                outcome=a.outcome,
                duration_ms=a.duration_ms,
                error=a.error,
            )
            for a in delivery.attempts
        ],
        next_attempt_at=delivery.next_attempt_at,
        dead_reason=delivery.dead_reason,
        created_at=delivery.created_at,
        updated_at=delivery.updated_at,
    )


def event_out(event: domain.LoggedEvent) -> http.DistrictEvent:
    return http.DistrictEvent(
        id=event.id,
        type=event.type,
        source=event.source,
        subject=event.subject,
        time=event.time,
        key=event.key,
        data=event.data,
        relayed_at=event.relayed_at,
    )


def _created(registered: service.Registered) -> http.EndpointCreated:
    return http.EndpointCreated(
        endpoint=endpoint_out(registered.endpoint),
        secret=http.SigningSecret(secret=registered.secret),
    )


@router.post("/endpoints", status_code=201)
async def register_endpoint(
    body: http.EndpointCreate, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.EndpointCreated:
    """A webhook endpoint of the caller's district; its signing secret is answered here only
    (and on rotation). The URL must be https on a public address."""
    with answering(key, _created, status=201):
        registered = await service.register_endpoint(
            url=body.url,
            event_types=body.event_types,
            format=body.format,
            description=body.description,
            principal=principal,
            store=state.store,
            settings=state.settings,
            clock=state.clock,
            ids=state.ids,
        )
    return _created(registered)


@router.get("/endpoints")
async def list_endpoints(
    principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.EndpointPage:
    page = await service.list_endpoints(asked, principal=principal, store=state.store)
    return http.EndpointPage.of(page, endpoint_out)


@router.get("/endpoints/{endpoint_id}")
async def get_endpoint(
    endpoint_id: str, principal: CurrentPrincipal, state: State
) -> http.Endpoint:
    endpoint = await service.get_endpoint(endpoint_id, principal=principal, store=state.store)
    return endpoint_out(endpoint)


@router.patch("/endpoints/{endpoint_id}")
async def update_endpoint(
    endpoint_id: str, body: http.EndpointUpdate, principal: CurrentPrincipal, state: State
) -> http.Endpoint:
    """Change what is given; `enabled: false` dead-letters what was waiting, `true` clears the
    failure streak (re-drive the dead deliveries to send them)."""
    endpoint = await service.update_endpoint(
        endpoint_id,
        url=body.url,
        event_types=body.event_types,
        format=body.format,
        description=body.description,
        enabled=body.enabled,
        principal=principal,
        store=state.store,
        settings=state.settings,
        clock=state.clock,
    )
    return endpoint_out(endpoint)


@router.delete("/endpoints/{endpoint_id}", status_code=204)
async def delete_endpoint(endpoint_id: str, principal: CurrentPrincipal, state: State) -> Response:
    await service.delete_endpoint(endpoint_id, principal=principal, store=state.store)
    return Response(status_code=204)


@router.post("/endpoints/{endpoint_id}/rotate-secret")
async def rotate_secret(
    endpoint_id: str, body: http.SecretRotation, principal: CurrentPrincipal, state: State
) -> http.SigningSecret:
    """A new secret, answered once; the old one signs beside it for `overlap_hours`."""
    endpoint = await service.rotate_secret(
        endpoint_id,
        body.overlap_hours,
        principal=principal,
        store=state.store,
        clock=state.clock,
    )
    keys = endpoint.keys
    return http.SigningSecret(
        secret=keys.current,
        previous_expires_at=keys.previous_expires_at if keys.previous else None,
    )


@router.get("/endpoints/{endpoint_id}/deliveries")
async def list_deliveries(
    endpoint_id: str,
    principal: CurrentPrincipal,
    state: State,
    asked: AskedPage,
    status: http.DeliveryStatus | None = None,
) -> http.DeliveryPage:
    """The endpoint's delivery log, newest first, each with its attempts."""
    page = await service.list_deliveries(
        endpoint_id, status, asked, principal=principal, store=state.store
    )
    return http.DeliveryPage.of(page, delivery_out)


@router.post("/endpoints/{endpoint_id}/redrive")
async def redrive(
    endpoint_id: str, body: http.Redrive, principal: CurrentPrincipal, state: State
) -> http.Redriven:
    """Dead deliveries (these, or every one) sent again with a new window of retries."""
    count = await service.redrive(
        endpoint_id, body.delivery_ids, principal=principal, store=state.store, clock=state.clock
    )
    return http.Redriven(count=count)


@router.get("/events")
async def replay(
    principal: CurrentPrincipal,
    state: State,
    asked: AskedPage,
    since: datetime | None = None,
    types: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies query defaults
) -> http.DistrictEventPage:
    """The district's public events in the order they were relayed, from `since` (relayed at
    or after) or after a cursor: a read of the log; nothing is published again."""
    page = await service.replay(
        asked, since=since, types=types, principal=principal, store=state.store
    )
    return http.DistrictEventPage.of(page, event_out)
