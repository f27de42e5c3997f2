"""Reading a topic's raw records, headers and all, as an operator's tool would."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer

from bookend.eventbus import KafkaSettings


async def read_raw(kafka: KafkaSettings, topic: str, count: int, seconds: float = 15) -> list[Any]:
    """The first `count` records of `topic` (aiokafka's ConsumerRecord; it ships no types)."""
    reader = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest"
    )
    await reader.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(seconds):
            while len(records) < count:
                for batch in (await reader.getmany(timeout_ms=200)).values():
                    records += batch
    finally:
        await reader.stop()
    return records
