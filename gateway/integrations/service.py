"""The integrations' use cases: a district's endpoints, deliveries, re-drives and replay, each
for the caller's own district and only for its integration or its district admins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bookend.auth import Principal, Role
from bookend.clock import Clock
from bookend.http_contracts.integrations import DeliveryStatus, PayloadFormat
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import InvalidInput
from gateway.integrations import domain
from gateway.integrations.addresses import check_url
from gateway.integrations.domain import (
    Delivery,
    Endpoint,
    EndpointDisabled,
    EndpointNotFound,
    LoggedEvent,
)
from gateway.integrations.settings import IntegrationsSettings
from gateway.integrations.signing import new_secret
from gateway.integrations.store import IntegrationsStore, IntegrationsTransaction

# Those who may manage a district's integrations: the integration's own token, and the
# district's admins (who set integrations up).
MANAGERS = (Role.INTEGRATION, Role.DISTRICT_ADMIN)
MAX_OVERLAP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Registered:
    endpoint: Endpoint
    secret: str


async def register_endpoint(
    *,
    url: str,
    event_types: Sequence[str],
    format: PayloadFormat,
    description: str,
    principal: Principal,
    store: IntegrationsStore,
    settings: IntegrationsSettings,
    clock: Clock,
    ids: IdFactory,
) -> Registered:
    principal.require(*MANAGERS)
    checked = check_url(url, allow_private=settings.allow_private_addresses)
    secret = new_secret()
    endpoint = domain.new_endpoint(
        endpoint_id=ids(),
        district_id=principal.district,
        url=checked,
        event_types=event_types,
        format=format,
        description=description,
        secret=secret,
        created_by=principal.subject,
        now=clock(),
    )

    async def work(tx: IntegrationsTransaction) -> None:
        if await tx.count_endpoints(principal.district) >= settings.max_endpoints:
            raise InvalidInput(
                "url",
                "max_endpoints",
                f"a district has at most {settings.max_endpoints} webhook endpoints",
            )
        await tx.save_endpoint(endpoint)

    await store.atomically(work)
    return Registered(endpoint, secret)


async def _own(store: IntegrationsStore | IntegrationsTransaction, principal: Principal,
               endpoint_id: str) -> Endpoint:  # fmt: skip
    principal.require(*MANAGERS)
    endpoint = await store.get_endpoint(principal.district, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(endpoint_id)
    return endpoint


async def get_endpoint(
    endpoint_id: str, *, principal: Principal, store: IntegrationsStore
) -> Endpoint:
    return await _own(store, principal, endpoint_id)


async def list_endpoints(
    asked: PageAsk, *, principal: Principal, store: IntegrationsStore
) -> KeyedPage[Endpoint]:
    principal.require(*MANAGERS)
    return await store.page_endpoints(principal.district, asked)


async def update_endpoint(
    endpoint_id: str,
    *,
    url: str | None,
    event_types: Sequence[str] | None,
    format: PayloadFormat | None,
    description: str | None,
    enabled: bool | None,
    principal: Principal,
    store: IntegrationsStore,
    settings: IntegrationsSettings,
    clock: Clock,
) -> Endpoint:
    checked = (
        check_url(url, allow_private=settings.allow_private_addresses) if url is not None else None
    )

    async def work(tx: IntegrationsTransaction) -> Endpoint:
        endpoint = await _own(tx, principal, endpoint_id)
        now = clock()
        changed = domain.updated(
            endpoint,
            url=checked,
            event_types=event_types,
            format=format,
            description=description,
            enabled=enabled,
            now=now,
        )
        if changed != endpoint:
            await tx.save_endpoint(changed)
        if endpoint.active and not changed.active and changed.disabled_reason:
            await tx.kill_waiting(changed, f"endpoint disabled: {changed.disabled_reason}", now)
        return changed

    return await store.atomically(work)


async def delete_endpoint(
    endpoint_id: str, *, principal: Principal, store: IntegrationsStore
) -> None:
    async def work(tx: IntegrationsTransaction) -> None:
        await tx.delete_endpoint(await _own(tx, principal, endpoint_id))

    await store.atomically(work)


async def rotate_secret(
    endpoint_id: str,
    overlap_hours: int,
    *,
    principal: Principal,
    store: IntegrationsStore,
    clock: Clock,
) -> Endpoint:
    """A new secret signs from now on; the old one signs beside it for `overlap_hours`, so
    receivers can switch without refusing a delivery."""
    secret = new_secret()

    async def work(tx: IntegrationsTransaction) -> Endpoint:
        endpoint = await _own(tx, principal, endpoint_id)
        now = clock()
        keys = endpoint.keys.rotated(secret, now, timedelta(hours=overlap_hours))
        rotated = replace(endpoint, keys=keys, updated_at=now)
        await tx.save_endpoint(rotated)
        return rotated

    return await store.atomically(work)


async def list_deliveries(
    endpoint_id: str,
    status: DeliveryStatus | None,
    asked: PageAsk,
    *,
    principal: Principal,
    store: IntegrationsStore,
) -> KeyedPage[Delivery]:
    endpoint = await _own(store, principal, endpoint_id)
    return await store.page_deliveries(endpoint.district_id, endpoint.id, status, asked)


async def redrive(
    endpoint_id: str,
    delivery_ids: Sequence[str],
    *,
    principal: Principal,
    store: IntegrationsStore,
    clock: Clock,
) -> int:
    """Send dead deliveries again (these, or every one): a delivery of the log, never an event
    published again, so nothing inside Bookend runs twice."""
    if len(delivery_ids) > 100:
        raise InvalidInput("delivery_ids", "max_items", "at most 100 ids; none for every one")

    async def work(tx: IntegrationsTransaction) -> int:
        endpoint = await _own(tx, principal, endpoint_id)
        if not endpoint.active:
            raise EndpointDisabled(endpoint.id)
        return await tx.redrive(endpoint, delivery_ids, clock())

    return await store.atomically(work)


async def replay(
    asked: PageAsk,
    *,
    since: datetime | None,
    types: Sequence[str],
    principal: Principal,
    store: IntegrationsStore,
) -> KeyedPage[LoggedEvent]:
    """A page of the district's public events as they were relayed: a read of the log."""
    principal.require(*MANAGERS)
    if since is not None and since.utcoffset() is None:
        raise InvalidInput("since", "offset", "a time with its offset, e.g. 2026-11-25T08:00:00Z")
    checked = domain.event_types_of(types, "types")
    return await store.page_log(principal.district, asked, since=since, types=checked)
