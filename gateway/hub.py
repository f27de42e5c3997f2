"""One Kafka consumer per gateway process, fanned out to every GraphQL subscription."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from bookend.contracts import ALL_TOPICS, CloudEvent, EventData, spec_for_type
from bookend.eventbus import EventConsumer, KafkaSettings

log = logging.getLogger(__name__)


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


class Broadcast:
    """Hands each event's payload, parsed once by the contract registry, to the subscribers
    whose filter accepts it; knows nothing of Kafka."""

    # Event ids remembered to pass each event on once: an event comes again when a relay
    # re-sends after the broker lost its log (ADR 0014), or when it is delivered twice.
    REMEMBERED = 10_000

    def __init__(self, *, queue_size: int) -> None:
        self._queue_size = queue_size
        self._subscribers: set[Subscriber] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()

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
        if not self._subscribers or (payload := _payload(event)) is None:
            return
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
    """The broadcast fed by one group-less consumer: every gateway process sees every event."""

    def __init__(self, kafka: KafkaSettings, *, queue_size: int) -> None:
        super().__init__(queue_size=queue_size)
        self._consumer = EventConsumer(
            kafka, topics=ALL_TOPICS, handle=self.publish, group_id=None, dead_letters=None
        )

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    def trouble(self) -> str | None:
        """Why subscriptions would miss events now, or None."""
        return self._consumer.trouble()
