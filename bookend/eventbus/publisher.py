"""Publishing CloudEvents to Kafka."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)

from bookend.contracts import CloudEvent
from bookend.eventbus.codec import Headers, encode
from bookend.eventbus.settings import KafkaSettings
from bookend.eventbus.wakeup import Bell

log = logging.getLogger(__name__)


async def shut(closing: Awaitable[None], what: str) -> None:
    """Close an aiokafka client even with the broker gone: it may then fail, or leak a
    CancelledError nobody asked for; either is logged, and a real cancellation goes on."""
    try:
        await closing
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
        log.warning("%s was cut short while closing (the broker is away)", what)
    except Exception as failure:
        log.warning("%s failed while closing: %r", what, failure)


# Refusals no retry will mend: the record itself is wrong for the broker.
_NEVER = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError, InvalidTopicError)


class Unpublishable(Exception):
    """An event no retry will get onto the broker (too large, unencodable, a bad topic)."""


class Publisher(Protocol):
    async def publish(self, event: CloudEvent) -> None: ...

    async def publish_raw(
        self, topic: str, key: bytes | None, value: bytes | None, headers: Headers
    ) -> None: ...


class KafkaPublisher:
    """Publishes and waits for the broker's acknowledgement, so callers may mark events sent."""

    def __init__(self, settings: KafkaSettings) -> None:
        self._producer = AIOKafkaProducer(
            **settings.client_options(),
            acks="all" if settings.acks == "all" else int(settings.acks),
            enable_idempotence=settings.enable_idempotence,
        )
        self._bell = Bell(settings.wake_dir) if settings.wake_dir else None

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await shut(self._producer.stop(), "publisher")
        if self._bell is not None:
            self._bell.close()

    async def reachable(self, seconds: float = 2.0) -> str | None:
        """None if the broker answers a metadata request within `seconds`, else why not."""
        try:
            async with asyncio.timeout(seconds):
                await self._producer.client.fetch_all_metadata()
        except Exception as failure:
            return f"the broker does not answer: {type(failure).__name__}"
        return None

    async def publish(self, event: CloudEvent) -> None:
        """Raise Unpublishable for an event that can never be sent; anything else may pass."""
        try:
            key, value, headers = encode(event)
        except (TypeError, ValueError) as bad:
            raise Unpublishable(f"cannot be encoded: {bad}") from None
        await self.publish_raw(event.topic, key, value, headers)

    async def publish_raw(
        self, topic: str, key: bytes | None, value: bytes | None, headers: Headers
    ) -> None:
        """Raise Unpublishable for a record that can never be sent (too large for this
        producer or for the broker); anything else may pass."""
        try:
            sent = await self._producer.send_and_wait(topic, key=key, value=value, headers=headers)
        except _NEVER as refused:
            raise Unpublishable(f"{type(refused).__name__}: {refused}") from None
        if self._bell is not None:
            self._bell.ring_soon(sent.topic, sent.partition, sent.offset)
