"""The webhook dispatcher: sends due deliveries, signed, and records what each attempt gave.

Each pass claims the deliveries due now (a lease keeps another replica's dispatcher off them),
sends each endpoint's in the order they fell due, one at a time, endpoints side by side, and
records every attempt in the transaction that schedules the next one or dead-letters it. An
endpoint that fails is not tried again in the same pass: its other deliveries wait, unleased,
for the next one. A crash mid-attempt leaves the delivery pending; once its lease runs out it
is sent again (receivers deduplicate on `webhook-id`, the event's id).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import httpx

from bookend.clock import Clock
from bookend.http_contracts.integrations import PayloadFormat
from gateway.integrations.addresses import (
    RefusedAddress,
    host_and_port,
    pinned_request,
    resolve_public,
)
from gateway.integrations.caliper import envelope, project
from gateway.integrations.domain import (
    AttemptResult,
    Delivery,
    Endpoint,
    LoggedEvent,
    after_attempt,
)
from gateway.integrations.retries import DisablePolicy, RetryPolicy
from gateway.integrations.settings import IntegrationsSettings
from gateway.integrations.signing import signature_headers
from gateway.integrations.store import IntegrationsStore, IntegrationsTransaction

log = logging.getLogger(__name__)

USER_AGENT = "Bookend-Webhooks/1"
CLOUDEVENTS_JSON = "application/cloudevents+json"
# An endpoint gets at most this many of its due deliveries in one pass, one after another.
PER_ENDPOINT = 10
HOUSEKEEPING_EVERY = 600.0  # seconds


def cloudevent_body(event: LoggedEvent) -> bytes:
    """The event in CloudEvents structured mode, as the district topic carries it in headers."""
    document = {
        "specversion": "1.0",
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "subject": event.subject,
        "time": event.time.astimezone(UTC).isoformat(),
        "districtid": event.district_id,
        "datacontenttype": "application/json",
        "data": event.data,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


class WebhookDispatcher:
    def __init__(
        self,
        store: IntegrationsStore,
        settings: IntegrationsSettings,
        clock: Clock,
        *,
        rng: random.Random | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._transport = transport
        schedule = tuple(timedelta(seconds=s) for s in settings.retry_schedule_seconds)
        give_up = timedelta(hours=settings.give_up_after_hours)
        self._retry = (
            RetryPolicy(schedule, give_up_after=give_up)
            if schedule
            else RetryPolicy(give_up_after=give_up)
        )
        self._disable = DisablePolicy(
            settings.disable_after_failures, timedelta(hours=settings.disable_after_hours)
        )
        timeout = settings.webhook_timeout_seconds
        # Long enough for an endpoint's share of a pass, each attempt timing out.
        self._lease_ms = int((PER_ENDPOINT * timeout + 30) * 1000)
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        # Deliveries this dispatcher holds a lease on and has not finished: handed back on stop.
        self._held: set[str] = set()
        self._swept_at = float("-inf")

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=self._settings.webhook_timeout_seconds,
            follow_redirects=False,
            # No proxy from the environment may carry a request around the address check, and
            # no connection is kept: httpcore would reuse one opened (and TLS-verified) for one
            # host for another name on the same address and port.
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            transport=self._transport,
            headers={"user-agent": USER_AGENT},
        )
        self._task = asyncio.create_task(self._run(), name="webhook-dispatcher")

    async def stop(self) -> None:
        """Let the attempts under way finish and be recorded (a receiver then sees no attempt
        the delivery log does not), take no new ones, and hand back the leases of deliveries
        not tried, so the process that takes over sends them at once. A crash leaves them to
        their leases."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                async with asyncio.timeout(self._settings.webhook_timeout_seconds + 5):
                    await asyncio.shield(self._task)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        if self._held:
            with contextlib.suppress(Exception):
                await self._store.release(list(self._held))
        if self._client is not None:
            await self._client.aclose()

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        failed = 0
        while not self._stopping:
            try:
                delivered = await self.dispatch_due()
                await self._sweep()
                failed = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failed += 1
                delivered = 0
                if failed == 1 or failed % 60 == 0:
                    log.exception("webhook dispatch pass failed (%d in a row); retrying", failed)
            if delivered and not self._stopping:
                # More may be due at once. Only after a delivery: a pass whose attempts all
                # failed waits a poll, so a receiver that is down gets one attempt an endpoint
                # a poll, not a burst of every delivery it has waiting.
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.dispatch_poll_seconds)

    async def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < HOUSEKEEPING_EVERY:
            return
        self._swept_at = now
        logged, finished = await self._store.forget_before(
            self._clock() - self._settings.log_retention
        )
        if logged or finished:
            log.info("forgot %d logged events and %d finished deliveries", logged, finished)

    async def dispatch_due(self) -> int:
        """One pass: every delivery due now tried once (an endpoint's after one that failed
        wait for the next pass). Returns how many were delivered."""
        due = await self._store.claim_due(
            self._clock(),
            limit=self._settings.dispatch_batch,
            per_endpoint=PER_ENDPOINT,
            lease_ms=self._lease_ms,
        )
        if not due:
            return 0
        self._held.update(delivery.id for delivery in due)
        by_endpoint: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in due:
            by_endpoint[delivery.endpoint_id].append(delivery)
        endpoints = await self._store.endpoints_by_id(list(by_endpoint))
        gate = asyncio.Semaphore(self._settings.dispatch_concurrency)

        async def send_all(endpoint_id: str, deliveries: list[Delivery]) -> int:
            async with gate:
                endpoint = endpoints.get(endpoint_id)
                done = 0
                for delivery in deliveries:
                    if endpoint is None or not endpoint.active or self._stopping:
                        break  # deleted or disabled since (its deliveries went with it), or ending
                    delivered, endpoint = await self._attempt(endpoint, delivery)
                    self._held.discard(delivery.id)
                    if not delivered:
                        break  # its other deliveries wait for the next pass
                    done += 1
                untried = [d.id for d in deliveries if d.id in self._held]
                if untried:
                    await self._store.release(untried)
                    self._held.difference_update(untried)
                return done

        done = await asyncio.gather(*(send_all(e, ds) for e, ds in by_endpoint.items()))
        return sum(done)

    async def _attempt(
        self, endpoint: Endpoint, delivery: Delivery
    ) -> tuple[bool, Endpoint | None]:
        event = await self._store.get_logged(delivery.district_id, delivery.event_id)
        at = self._clock()
        if event is None:
            result = AttemptResult(None, 0, "failed", "the event is no longer in the log")
        else:
            result = await self._send(endpoint, event, at)

        async def record(tx: IntegrationsTransaction) -> Endpoint | None:
            current = await tx.get_delivery(delivery.id)
            now_endpoint = await tx.get_endpoint(delivery.district_id, delivery.endpoint_id)
            if current is None or now_endpoint is None or current.status != delivery.status:
                return now_endpoint  # deleted, or re-driven or killed meanwhile
            tried = after_attempt(
                current,
                now_endpoint,
                result,
                at=at,
                retry=self._retry,
                disable=self._disable,
                rng=self._rng,
            )
            await tx.save_delivery(tried.delivery)
            await tx.save_endpoint(tried.endpoint)
            if tried.disabled_because is not None:
                reason = f"endpoint disabled: {tried.disabled_because}"
                await tx.kill_waiting(tried.endpoint, reason, at)
                log.warning("webhook endpoint %s disabled: %s", endpoint.id, reason)
            return tried.endpoint

        after = await self._store.atomically(record)
        return result.outcome == "delivered", after

    def _body(
        self, endpoint: Endpoint, event: LoggedEvent, at: datetime
    ) -> tuple[bytes, str] | None:
        if endpoint.format is PayloadFormat.CALIPER:
            base = self._settings.caliper_base_iri
            caliper = project(event.as_cloudevent(), base_iri=base)
            if caliper is None:
                return None
            sent = envelope(caliper, sensor=base, sent_at=at)
            return json.dumps(sent, separators=(",", ":")).encode(), "application/json"
        return cloudevent_body(event), CLOUDEVENTS_JSON

    async def _send(self, endpoint: Endpoint, event: LoggedEvent, at: datetime) -> AttemptResult:
        body = self._body(endpoint, event, at)
        if body is None:
            return AttemptResult(None, 0, "failed", f"{event.type} has no Caliper event")
        content, content_type = body
        secrets = endpoint.keys.live(at)
        signed = signature_headers(message_id=event.id, at=at, body=content, secrets=secrets)
        started = time.monotonic()
        try:
            host, port = host_and_port(endpoint.url)
            async with asyncio.timeout(self._settings.webhook_timeout_seconds):
                addresses = await resolve_public(
                    host, port, allow_private=self._settings.allow_private_addresses
                )
        except RefusedAddress as refused:
            return AttemptResult(None, _since(started), "refused_address", str(refused))
        except TimeoutError:
            return AttemptResult(
                None, _since(started), "timeout", f"{host} did not resolve in time"
            )
        target, host_header, extensions = pinned_request(endpoint.url, addresses[0])
        assert self._client is not None, "started"
        request = self._client.build_request(
            "POST",
            target,
            content=content,
            headers={**signed, **host_header, "content-type": content_type},
            extensions=extensions,
        )
        try:
            response = await self._client.send(request, stream=True)
            await response.aclose()  # the status is the answer; the body is not read
        except httpx.TimeoutException as slow:
            return AttemptResult(None, _since(started), "timeout", repr(slow))
        except httpx.HTTPError as failed:
            return AttemptResult(None, _since(started), "unreachable", repr(failed))
        return AttemptResult(response.status_code, _since(started))


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
