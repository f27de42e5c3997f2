"""Replaying dead letters against the real embedded broker."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from bookend.contracts import CloudEvent, dead_letter_topic
from bookend.eventbus import (
    EventConsumer,
    KafkaPublisher,
    KafkaSettings,
    Replay,
    encode,
    ensure_topics,
    replay_dead_letters,
    rewind_group,
)
from tests.bookend.eventbus.builders import lesson
from tests.support.kafka import read_raw


async def test_dead_letters_return_to_their_topic_once_and_without_the_failure_headers(
    kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    topic = unique("test.replay")
    await ensure_topics(kafka_settings, [topic])
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()
    try:
        for n in range(3):
            await publisher.publish_raw(
                dead_letter_topic(topic),
                b"section-1",
                f'{{"n": {n}}}'.encode(),
                [("ce_id", f"event-{n}".encode()), ("dlq_reason", b"RuntimeError: store away")],
            )

        def replay() -> Awaitable[Replay]:
            return replay_dead_letters(kafka_settings, topic, publisher=publisher, idle_ms=500)

        assert (await replay()).replayed == 3
        assert (await replay()).replayed == 0
    finally:
        await publisher.stop()

    reader = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_settings.bootstrap_servers, auto_offset_reset="earliest"
    )
    await reader.start()
    try:
        records: list[Any] = []  # aiokafka ships no types
        async with asyncio.timeout(10):
            while len(records) < 3:
                for batch in (await reader.getmany(timeout_ms=200)).values():
                    records += batch
    finally:
        await reader.stop()
    assert [r.value for r in records] == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']
    assert all(dict(r.headers).keys() == {"ce_id"} for r in records)
    assert {r.key for r in records} == {b"section-1"}


async def test_a_dead_letter_cut_to_fit_is_reported_and_never_replayed_as_if_whole(
    kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    topic = unique("test.cut")
    await ensure_topics(kafka_settings, [topic])
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()
    try:
        whole = [("ce_id", b"event-whole"), ("dlq_reason", b"RuntimeError: store away")]
        cut = [
            ("ce_id", b"event-cut"),
            ("dlq_reason", b"undecodable: bad header"),
            ("dlq_value", b"truncated"),
            ("dlq_value_size", b"1500000"),
            ("dlq_value_sha256", b"ab" * 32),
        ]
        await publisher.publish_raw(dead_letter_topic(topic), b"k", b"x" * 100, cut)
        await publisher.publish_raw(dead_letter_topic(topic), b"k", b'{"n": 1}', whole)
        report = await replay_dead_letters(kafka_settings, topic, publisher=publisher, idle_ms=500)
    finally:
        await publisher.stop()
    assert report.replayed == 1
    [skipped] = report.cut
    assert "@0 key=k" in skipped and "value truncated" in skipped and "1500000 bytes" in skipped
    [back] = await read_raw(kafka_settings, topic, 1)
    assert dict(back.headers) == {"ce_id": b"event-whole"}
    with pytest.raises(TimeoutError):  # the cut copy never reached the topic
        await read_raw(kafka_settings, topic, 2, seconds=2)


async def test_a_rewound_group_processes_again_from_the_chosen_time(
    kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    topic, group = unique("test.rewind"), unique("group")
    await ensure_topics(kafka_settings, [topic])
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()
    try:
        await publisher.publish_raw(topic, b"k", b"before", [])
        await asyncio.sleep(0.05)
        middle = datetime.now(UTC)
        await asyncio.sleep(0.05)
        await publisher.publish_raw(topic, b"k", b"after", [])
    finally:
        await publisher.stop()

    async def read_all() -> list[bytes]:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_settings.bootstrap_servers,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=2000,
            heartbeat_interval_ms=300,
            rebalance_timeout_ms=500,
        )
        await consumer.start()
        try:
            values = [
                r.value
                for batch in (await consumer.getmany(timeout_ms=3000)).values()
                for r in batch
            ]
            await consumer.commit()
            return values
        finally:
            await consumer.stop()

    assert await read_all() == [b"before", b"after"]
    assert await rewind_group(kafka_settings, group, topic, to_time=middle) == {0: 1}
    assert await read_all() == [b"after"]


async def test_a_replay_ends_when_the_records_fail_again_and_copies_do_not_multiply(
    kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    """What was in the dead-letter topic when the replay began goes back once; a record that
    fails again returns to the dead-letter topic for a later replay, not this one."""
    topic = unique("test.refail")
    await ensure_topics(kafka_settings, [topic])
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()

    async def still_broken(event: CloudEvent) -> None:
        raise RuntimeError("the cause is not fixed yet")

    failing = EventConsumer(
        kafka_settings,
        topics=[topic],
        handle=still_broken,
        group_id=unique("group"),
        dead_letters=publisher,
    )
    await failing.start()
    try:
        for n in range(3):
            key, value, headers = encode(lesson(f"lesson-{n}"))
            await publisher.publish_raw(dead_letter_topic(topic), key, value, headers)
        async with asyncio.timeout(30):
            first = await replay_dead_letters(
                kafka_settings, topic, publisher=publisher, idle_ms=3000
            )
        assert first.replayed == 3
        copies = await read_raw(kafka_settings, dead_letter_topic(topic), 6)
        assert len(copies) == 6  # the 3 first letters, and each failed once more
    finally:
        await failing.stop()
        await publisher.stop()
