"""One Kafka consumer per gateway process, fanned out to every GraphQL subscription."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import ValidationError

from bookend.contracts import ALL_TOPICS, CloudEvent, EventData, spec_for_type
from bookend.eventbus import BrokerMarker, EventConsumer, KafkaSettings, MarkerLog

log = logging.getLogger(__name__)
T = TypeVar("T")


class SubscriberTooSlow(Exception):
    """The subscriber fell too far behind; it is disconnected instead of buffering without end."""


@dataclass(eq=False)
class Subscriber:
    accepts: Callable[[EventData], bool]
    queue: asyncio.Queue[EventData]
    overflowed: bool = field(default=False)

    async def events(self) -> AsyncIterator[EventData]:
        while True:
            if self.overflowed and self.queue.empty():
                raise SubscriberTooSlow("the subscription fell behind and was closed")
            yield await self.queue.get()

    def pass_over_waiting(self) -> None:
        """Drop the events waiting, and an overflow with them: for a subscriber whose next
        read covers every change so far (a feed read again), a burst is one read, and one
        larger than its queue does not end it."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.overflowed = False


@dataclass(frozen=True, eq=False)
class Same:
    """A key naming one object by identity, not by value: an event's payload or a parsed
    document that many subscribers share (neither need be hashable). It holds the object, so
    the id cannot pass to another while the key is remembered."""

    held: object

    def __hash__(self) -> int:
        return id(self.held)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.held is self.held


class Resolutions:
    """Work done once per key however many subscribers ask: one event resolved once per
    audience. The first asker's work runs as its own task, so its subscriber leaving does not
    cancel it for the others; answers are remembered a while for subscribers still to come."""

    REMEMBERED = 10_000

    def __init__(self) -> None:
        self._work: OrderedDict[Hashable, asyncio.Task[Any]] = OrderedDict()

    async def once(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
        task = self._work.get(key)
        if task is None:
            task = asyncio.ensure_future(work())
            self._work[key] = task
            if len(self._work) > self.REMEMBERED:
                self._work.popitem(last=False)
        result: T = await asyncio.shield(task)
        return result


class Broadcast:
    """Hands each event's payload, parsed once by the contract registry, to the subscribers
    whose filter accepts it; knows nothing of Kafka."""

    # Event ids remembered to pass each event on once: an event comes again when a relay
    # re-sends after the broker lost its log (ADR 0014), or when it is delivered twice.
    REMEMBERED = 10_000

    def __init__(self, *, queue_size: int) -> None:
        self._queue_size = queue_size
        self._subscribers: set[Subscriber] = set()
        self._listeners: list[Callable[[EventData], None]] = []
        self.resolutions = Resolutions()
        self._seen: OrderedDict[str, None] = OrderedDict()

    def listen(self, listener: Callable[[EventData], None]) -> None:
        """Hand every event's payload to `listener` too (the response cache's invalidation)."""
        self._listeners.append(listener)

    @contextlib.asynccontextmanager
    async def subscribe(self, accepts: Callable[[EventData], bool]) -> AsyncIterator[Subscriber]:
        subscriber = Subscriber(accepts, asyncio.Queue(self._queue_size))
        self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)

    async def publish(self, event: CloudEvent) -> None:
        if event.id in self._seen:
            return
        self._seen[event.id] = None
        if len(self._seen) > self.REMEMBERED:
            self._seen.popitem(last=False)
        if not (self._subscribers or self._listeners) or (payload := _payload(event)) is None:
            return
        for listener in self._listeners:
            listener(payload)
        for subscriber in list(self._subscribers):
            if subscriber.overflowed or not subscriber.accepts(payload):
                continue
            try:
                subscriber.queue.put_nowait(payload)
            except asyncio.QueueFull:
                subscriber.overflowed = True
                log.warning("closing a subscription that fell behind on %s", event.type)


def _payload(event: CloudEvent) -> EventData | None:
    spec = spec_for_type(event.type)
    if spec is None:
        return None  # a type this gateway does not know yet: no subscription can want it
    try:
        return spec.parse(event.data)
    except ValidationError as broken:
        # The gateway reads without a group and never dead-letters; the services' own
        # consumers dead-letter the record, so here it is only skipped.
        log.warning("skipping %s %s: it breaks its contract: %s", event.type, event.id, broken)
        return None


class SubscriptionHub(Broadcast):
    """The broadcast fed by one group-less consumer: every gateway process sees every event.

    With `KAFKA_WATCH_LOST_LOG_SECONDS` set (the embedded broker), the hub places a marker topic
    of its own and looks for it; once it is gone, the broker lost its log, and the consumer reads
    the new one from its start, where the relays send again what they had sent (ADR 0014).
    Events seen before are skipped by id, and those older than the loss by more than a minute
    were for subscriptions long served.
    """

    # Events sent again after a loss are passed on only if they are younger than this before
    # the loss was noticed: older ones reached their subscribers before the broker went.
    REPLAYED_WINDOW = timedelta(minutes=1)

    def __init__(
        self, kafka: KafkaSettings, *, queue_size: int, marker: MarkerLog | None = None
    ) -> None:
        super().__init__(queue_size=queue_size)
        self._consumer = EventConsumer(
            kafka, topics=ALL_TOPICS, handle=self._receive, group_id=None, dead_letters=None
        )
        self._watch_every = kafka.watch_lost_log_seconds
        self._own_marker = BrokerMarker(kafka, f"gateway.{uuid.uuid4().hex}")
        self._marker: MarkerLog = marker or self._own_marker
        self._watcher: asyncio.Task[None] | None = None
        self._skip_before: datetime | None = None
        self._on_start_over: list[Callable[[], None]] = []

    def on_start_over(self, callback: Callable[[], None]) -> None:
        """Call `callback` when the broker lost its log: events may have been missed."""
        self._on_start_over.append(callback)

    async def start(self) -> None:
        await self._consumer.start()
        if self._watch_every:
            await self._marker.place_marker()
            self._watcher = asyncio.create_task(self._watch(), name="gateway-lost-log-watch")

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        await self._consumer.stop()
        await self._own_marker.close()

    def trouble(self) -> str | None:
        """Why subscriptions would miss events now, or None."""
        return self._consumer.trouble()

    async def broker_trouble(self) -> str | None:
        """Why the broker cannot be reached now, or None: a group-less consumer keeps quietly
        retrying its fetches, so its own trouble does not say so."""
        return await self._own_marker.answers()

    async def _receive(self, event: CloudEvent) -> None:
        if self._skip_before is not None and event.time < self._skip_before:
            return
        await self.publish(event)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._watch_every)
            try:
                if await self._marker.holds_marker():
                    continue
                self._skip_before = datetime.now(UTC) - self.REPLAYED_WINDOW
                for callback in self._on_start_over:
                    callback()
                await self._consumer.start_over()
                log.warning("the broker lost its log: the gateway reads the new one from its start")
                await self._marker.place_marker()
            except asyncio.CancelledError:
                raise
            except Exception as failure:  # the broker is away; the consumer reports it
                log.warning("cannot look for the gateway's marker topic: %r", failure)
