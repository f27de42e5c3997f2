"""Publishing CloudEvents to Kafka."""

from __future__ import annotations

from typing import Protocol

from aiokafka import AIOKafkaProducer

from bookend.contracts import CloudEvent
from bookend.eventbus.codec import Headers, encode
from bookend.eventbus.settings import KafkaSettings


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

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def publish(self, event: CloudEvent) -> None:
        key, value, headers = encode(event)
        await self._producer.send_and_wait(event.topic, key=key, value=value, headers=headers)

    async def publish_raw(
        self, topic: str, key: bytes | None, value: bytes | None, headers: Headers
    ) -> None:
        await self._producer.send_and_wait(topic, key=key, value=value, headers=headers)
