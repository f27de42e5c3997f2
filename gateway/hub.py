"""One Kafka consumer per gateway process, fanned out to every GraphQL subscription."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from bookend.contracts import ALL_TOPICS, CloudEvent
from bookend.eventbus import EventConsumer, KafkaSettings

log = logging.getLogger(__name__)


class SubscriberTooSlow(Exception):
    """The subscriber fell too far behind; it is disconnected instead of buffering without end."""


@dataclass(eq=False)
class Subscriber:
    accepts: Callable[[CloudEvent], bool]
    queue: asyncio.Queue[CloudEvent]
    overflowed: bool = field(default=False)

    async def events(self) -> AsyncIterator[CloudEvent]:
        while True:
            if self.overflowed and self.queue.empty():
                raise SubscriberTooSlow("the subscription fell behind and was closed")
            yield await self.queue.get()


class Broadcast:
    """Hands each event to the subscribers whose filter accepts it; knows nothing of Kafka."""

    def __init__(self, *, queue_size: int) -> None:
        self._queue_size = queue_size
        self._subscribers: set[Subscriber] = set()

    @contextlib.asynccontextmanager
    async def subscribe(self, accepts: Callable[[CloudEvent], bool]) -> AsyncIterator[Subscriber]:
        subscriber = Subscriber(accepts, asyncio.Queue(self._queue_size))
        self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)

    async def publish(self, event: CloudEvent) -> None:
        for subscriber in list(self._subscribers):
            if subscriber.overflowed or not subscriber.accepts(event):
                continue
            try:
                subscriber.queue.put_nowait(event)
            except asyncio.QueueFull:
                subscriber.overflowed = True
                log.warning("closing a subscription that fell behind on %s", event.type)


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
