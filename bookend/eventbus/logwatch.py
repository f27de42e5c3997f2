"""Noticing a broker that lost its log (ADR 0014).

The embedded broker keeps topics, records and committed offsets in memory only. When it comes
back from a restart, everything is gone, and worse, a record sent to a topic that does not exist
yet is acknowledged and then dropped. Apache Kafka does not lose its log, so in production this
watch is off (`KAFKA_WATCH_LOST_LOG_SECONDS=0`).

Each owner (an outbox relay, a gateway process) creates a marker topic of its own that no client
names in a request, so the broker never creates it by itself. While the marker is there, the log
is the one the owner wrote to; once it is gone, the log was lost, and the owner sends again or
reads again from the start.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from aiokafka.admin import AIOKafkaAdminClient

from bookend.contracts import marker_topic
from bookend.eventbus.admin import create_topic
from bookend.eventbus.publisher import shut
from bookend.eventbus.settings import KafkaSettings


class MarkerLog(Protocol):
    """Where an owner's marker topic is looked for and placed."""

    async def holds_marker(self) -> bool: ...

    async def place_marker(self) -> None: ...


class BrokerMarker:
    """The marker topic of one owner on the broker."""

    def __init__(self, settings: KafkaSettings, owner: str) -> None:
        self._settings = settings
        self.topic = marker_topic(owner)
        self._admin: AIOKafkaAdminClient | None = None

    async def holds_marker(self) -> bool:
        """Whether the broker holds the marker; raises while the broker does not answer. Asks
        for every topic rather than this one: naming a topic would make the broker create it."""
        return self.topic in await (await self._client()).list_topics()

    async def answers(self, seconds: float = 2.0) -> str | None:
        """None if the broker lists its topics within `seconds`, else why not."""
        try:
            async with asyncio.timeout(seconds):
                await (await self._client()).list_topics()
        except Exception as failure:
            return f"the broker does not answer: {type(failure).__name__}"
        return None

    async def place_marker(self) -> None:
        """Create the marker (one partition; never written to) unless it exists."""
        await create_topic(await self._client(), self.topic, 1, self._settings.replication_factor)

    async def _client(self) -> AIOKafkaAdminClient:
        if self._admin is None:
            admin = AIOKafkaAdminClient(**self._settings.client_options())
            await admin.start()
            self._admin = admin
        return self._admin

    async def close(self) -> None:
        if self._admin is not None:
            await shut(self._admin.close(), "broker marker")
            self._admin = None
