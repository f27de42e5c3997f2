"""The consumer loop against the real embedded broker: retries, dead letters, commits."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from bookend.contracts import CloudEvent, Topic, dead_letter_topic
from bookend.contracts.catalog import LessonPublished
from bookend.eventbus import (
    EventConsumer,
    Handler,
    Inbound,
    KafkaPublisher,
    KafkaSettings,
    Publisher,
    encode,
    ensure_topics,
)
from tests.bookend.eventbus.builders import lesson
from tests.support.kafka import read_raw
from tests.support.polling import eventually
from tests.support.running import watching


async def send_anything(
    kafka: KafkaSettings,
    topic: str,
    key: bytes | None,
    value: bytes | None,
    headers: list[tuple[str, bytes | None]],
) -> None:
    """Send as another producer may: with a request size far above the services' 1 MB (the
    embedded broker takes it), and with headers ours would never write."""
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers, max_request_size=8_000_000
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, key=key, value=value, headers=headers)
    finally:
        await producer.stop()


def assert_a_cut_copy_of(value: bytes, dead: Any) -> None:
    """A dead letter too large to copy whole: the start of its value and what identifies it."""
    headers = dict(dead.headers)
    assert headers["dlq_value"] == b"truncated"
    assert headers["dlq_value_size"] == str(len(value)).encode()
    assert headers["dlq_value_sha256"] == hashlib.sha256(value).hexdigest().encode()
    assert 0 < len(dead.value) < len(value) and value.startswith(dead.value)


@asynccontextmanager
async def consuming(
    kafka: KafkaSettings,
    topic: str,
    handle: Handler,
    group: str,
    dead_letters: Publisher | None = None,
) -> AsyncIterator[None]:
    consumer = EventConsumer(
        kafka, topics=[topic], handle=handle, group_id=group, dead_letters=dead_letters
    )
    await consumer.start()
    try:
        yield
    finally:
        await consumer.stop()


async def test_a_handler_that_keeps_failing_sends_the_record_to_the_dead_letter_topic(
    kafka_settings: KafkaSettings, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    attempts: list[str] = []
    bad, good = lesson(unique("bad")), lesson(unique("good"))
    handled: list[str] = []

    async def flaky(event: CloudEvent) -> None:
        if event.id == bad.id:
            attempts.append(event.id)
            raise RuntimeError("lesson store unavailable")
        handled.append(event.id)

    dlq = dead_letter_topic(Topic.CATALOG_LESSON)
    async with (
        watching(kafka_settings, [dlq], unique("dlq-watch")) as dead,
        consuming(kafka_settings, Topic.CATALOG_LESSON, flaky, unique("group"), publisher),
    ):
        await publisher.publish(bad)
        await publisher.publish(good)
        await eventually(lambda: any(e.id == bad.id for e in dead) and good.id in handled)
    assert len(attempts) == kafka_settings.max_attempts
    ours = [e for e in dead if e.id in {bad.id, good.id}]  # the topic is shared
    assert [e.id for e in ours] == [bad.id]
    assert ours[0].type == bad.type  # the original CloudEvent travels on, headers and all


async def test_a_group_resumes_after_its_last_committed_record(
    kafka_settings: KafkaSettings, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    group = unique("group")
    first, second = lesson(unique("first")), lesson(unique("second"))
    seen: list[str] = []

    async def keep(event: CloudEvent) -> None:
        seen.append(event.id)

    await publisher.publish(first)
    async with consuming(kafka_settings, Topic.CATALOG_LESSON, keep, group):
        await eventually(lambda: first.id in seen)
    await publisher.publish(second)
    async with consuming(kafka_settings, Topic.CATALOG_LESSON, keep, group):
        await eventually(lambda: second.id in seen)
    assert seen.count(first.id) == 1


class DeadLettersThatFailOnce:
    """The dead-letter port failing on its first send, as a broker hiccup would."""

    def __init__(self, real: KafkaPublisher) -> None:
        self.real = real
        self.failed = False

    async def publish(self, event: CloudEvent) -> None:
        await self.real.publish(event)

    async def publish_raw(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("broker unavailable")
        await self.real.publish_raw(topic, key, value, headers)


async def test_a_record_whose_dead_letter_could_not_be_sent_is_not_skipped(
    kafka_settings: KafkaSettings, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    topic = unique("test.deadletter")
    await ensure_topics(kafka_settings, [topic])
    bad, good = lesson(unique("bad")), lesson(unique("good"))
    handled: list[str] = []

    async def failing_on_bad(event: CloudEvent) -> None:
        if event.id == bad.id:
            raise RuntimeError("cannot apply")
        handled.append(event.id)

    flaky_dead_letters = DeadLettersThatFailOnce(publisher)
    async with (
        watching(kafka_settings, [dead_letter_topic(topic)], unique("dlq-watch")) as dead,
        consuming(kafka_settings, topic, failing_on_bad, unique("group"), flaky_dead_letters),
    ):
        for event in (bad, good):
            key, value, headers = encode(event)
            await publisher.publish_raw(topic, key, value, headers)
        await eventually(lambda: any(e.id == bad.id for e in dead) and good.id in handled)
    assert [e.id for e in dead] == [bad.id]


async def test_a_poison_record_is_dead_lettered_at_once_and_the_next_record_flows(
    kafka_settings: KafkaSettings, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    """A payload breaking its contract is never retried: with a minute between retries, a
    retried record would miss the deadline."""
    patient = kafka_settings.model_copy(update={"retry_backoff_ms": 60_000})
    poison, good = lesson(unique("poison")), lesson(unique("good"))
    poison = replace(poison, data={**poison.data, "version": "not a number"})
    handled: list[str] = []

    async def learn(payload: LessonPublished, event: CloudEvent) -> None:
        handled.append(event.id)

    table = Inbound().on(LessonPublished, learn)
    dlq = dead_letter_topic(Topic.CATALOG_LESSON)
    async with (
        watching(patient, [dlq], unique("dlq-watch")) as dead,
        consuming(patient, Topic.CATALOG_LESSON, table, unique("group"), publisher),
    ):
        await publisher.publish(poison)
        await publisher.publish(good)
        await eventually(lambda: good.id in handled and any(e.id == poison.id for e in dead))
    assert poison.id not in handled


@pytest.mark.parametrize(
    "header",
    [("ce_type", b"\xb7\xff not utf-8"), ("ce_id", None), ("ce_time", b"yesterday")],
    ids=["non-utf-8 header", "null header", "unreadable time"],
)
async def test_a_record_with_an_unreadable_header_is_dead_lettered_and_its_partition_moves_on(
    kafka_settings: KafkaSettings,
    publisher: KafkaPublisher,
    unique: Callable[[str], str],
    header: tuple[str, bytes | None],
) -> None:
    topic = unique("test.headers")
    await ensure_topics(kafka_settings, [topic])
    bad, good = lesson(unique("bad")), lesson(unique("good"))
    handled: list[str] = []

    async def keep(event: CloudEvent) -> None:
        handled.append(event.id)

    bad_key, bad_value, headers = encode(bad)
    broken = [(name, raw) for name, raw in headers if name != header[0]] + [header]
    async with consuming(kafka_settings, topic, keep, unique("group"), publisher):
        await publisher.publish_raw(topic, bad_key, bad_value, broken)  # type: ignore[arg-type]
        key, value, headers = encode(good)
        await publisher.publish_raw(topic, key, value, headers)  # one partition: after the bad
        await eventually(lambda: good.id in handled)
    [dead] = await read_raw(kafka_settings, dead_letter_topic(topic), 1)
    assert dict(dead.headers)["dlq_reason"].startswith(b"undecodable")
    assert (dead.key, dead.value) == (bad_key, bad_value)
    assert handled == [good.id]


async def test_a_consumer_starting_over_reads_again_from_the_start_past_its_commits(
    kafka_settings: KafkaSettings, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    # After the broker lost its log, commits made on the new log may lie past records this
    # member never read (ADR 0014): starting over ignores them.
    events = [lesson(unique(f"l{n}")) for n in range(3)]
    ours = {e.id for e in events}
    seen: list[str] = []

    async def record(event: CloudEvent) -> None:
        if event.id in ours:
            seen.append(event.id)

    consumer = EventConsumer(
        kafka_settings,
        topics=[Topic.CATALOG_LESSON],
        handle=record,
        group_id=unique("group"),
        dead_letters=None,
    )
    await consumer.start()
    try:
        for event in events:
            await publisher.publish(event)
        await eventually(lambda: len(seen) == 3)
        await consumer.start_over()
        await eventually(lambda: len(seen) == 6)
        assert sorted(seen) == sorted([e.id for e in events] * 2)  # keys spread over partitions
        assert consumer.trouble() is None
    finally:
        await consumer.stop()


Record = tuple[bytes, bytes, list[tuple[str, bytes | None]]]


def bad_header(record: Record) -> Record:
    key, value, headers = record
    return key, value, [(n, b"\xb7\xff" if n == "ce_type" else v) for n, v in headers]


def bad_json(record: Record) -> Record:
    key, _, headers = record
    return key, b'{"lesson_id": "unterminated', headers


def wrong_schema(record: Record) -> Record:
    key, value, headers = record
    return key, value.replace(b'"version":1', b'"version":"one"'), headers


def oversized(record: Record) -> Record:
    """Undecodable and too large for the services' producer to copy to the dead-letter topic."""
    key, _, headers = bad_header(record)
    return key, b"x" * 1_500_000, headers


def unknown_type(record: Record) -> Record:
    key, value, headers = record
    return (
        key,
        value,
        [(n, b"bookend.catalog.lesson.shelved.v1" if n == "ce_type" else v) for n, v in headers],
    )


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (bad_header, b"undecodable"),
        (bad_json, b"undecodable"),
        (wrong_schema, b"poison: bookend.catalog.lesson.published.v1 breaks its contract"),
        (unknown_type, b"poison: 'bookend.catalog.lesson.shelved.v1' is an event type no contract"),
        (oversized, b"undecodable"),
    ],
    ids=["bad header", "bad JSON", "wrong schema", "unknown type", "too large to copy"],
)
async def test_a_poison_record_of_each_kind_is_dead_lettered_and_every_key_flows_on(
    kafka_settings: KafkaSettings,
    publisher: KafkaPublisher,
    unique: Callable[[str], str],
    spoil: Callable[[Record], Record],
    reason: bytes,
) -> None:
    topic = unique("test.poison")
    await ensure_topics(kafka_settings, [topic])
    bad = lesson(unique("bad"))
    same_key = replace(lesson(unique("same-key")), key=bad.key)  # after it, in its partition
    other_key = lesson(unique("other-key"))
    handled: list[str] = []

    async def learn(payload: LessonPublished, event: CloudEvent) -> None:
        handled.append(event.id)

    bad_key, bad_value, bad_headers = spoil(encode(bad))  # type: ignore[arg-type]
    table = Inbound().on(LessonPublished, learn)
    async with consuming(kafka_settings, topic, table, unique("group"), publisher):
        await send_anything(kafka_settings, topic, bad_key, bad_value, bad_headers)
        for good in (same_key, other_key):
            await publisher.publish_raw(topic, *encode(good))
        await eventually(lambda: len(handled) == 2)
    [dead] = await read_raw(kafka_settings, dead_letter_topic(topic), 1)
    assert dict(dead.headers)["dlq_reason"].startswith(reason)
    assert dead.key == bad_key
    if spoil is oversized:
        assert_a_cut_copy_of(bad_value, dead)
    else:
        assert dead.value == bad_value  # as it came, to replay once mended
        assert "dlq_value" not in dict(dead.headers)
    assert sorted(handled) == sorted([same_key.id, other_key.id])


async def test_a_large_record_whose_handler_keeps_failing_is_dead_lettered_cut_to_fit(
    kafka_settings: KafkaSettings, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    topic = unique("test.large")
    await ensure_topics(kafka_settings, [topic])
    large = lesson(unique("large"))
    large = replace(large, data={**large.data, "summary": "x" * 1_500_000})
    after = replace(lesson(unique("after")), key=large.key)  # after it, in its partition
    handled: list[str] = []

    async def failing_on_large(event: CloudEvent) -> None:
        if event.id == large.id:
            raise RuntimeError("cannot apply")
        handled.append(event.id)

    key, value, headers = encode(large)
    async with consuming(kafka_settings, topic, failing_on_large, unique("group"), publisher):
        await send_anything(kafka_settings, topic, key, value, headers)  # type: ignore[arg-type]
        await publisher.publish_raw(topic, *encode(after))
        await eventually(lambda: after.id in handled)
    [dead] = await read_raw(kafka_settings, dead_letter_topic(topic), 1)
    assert dict(dead.headers)["dlq_reason"] == b"RuntimeError: cannot apply"
    assert dict(dead.headers)["ce_id"] == large.id.encode()  # the event's headers travel on
    assert dead.key == key
    assert_a_cut_copy_of(value, dead)


@asynccontextmanager
async def woken(
    kafka: KafkaSettings, unique: Callable[[str], str], folder: Path, look_anyway: float
) -> AsyncIterator[tuple[KafkaSettings, str, EventConsumer, list[str]]]:
    """A consumer with wake-ups on a topic of its own, asleep (nothing to read yet)."""
    kafka = kafka.model_copy(update={"wake_dir": folder, "wake_look_anyway_seconds": look_anyway})
    topic = unique("bookend.test.wake")
    await ensure_topics(kafka, [topic])
    handled: list[str] = []

    async def handle(event: CloudEvent) -> None:
        handled.append(event.id)

    consumer = EventConsumer(
        kafka, topics=[topic], handle=handle, group_id=unique("wake"), dead_letters=None
    )
    await consumer.start()
    try:
        await eventually(lambda: consumer.asleep)
        yield kafka, topic, consumer, handled
    finally:
        await consumer.stop()


async def test_with_wake_ups_a_consumer_sleeps_when_idle_and_a_publishers_ring_wakes_it(
    kafka_settings: KafkaSettings, unique: Callable[[str], str], tmp_path: Path
) -> None:
    # Looking anyway only after ten minutes: the event can only arrive through the ring.
    async with woken(kafka_settings, unique, tmp_path, 600) as (kafka, topic, consumer, handled):
        ringing = KafkaPublisher(kafka)
        await ringing.start()
        try:
            event = replace(lesson(unique("lesson")), topic=topic)
            await ringing.publish(event)
            await eventually(lambda: handled == [event.id])
            await eventually(lambda: consumer.asleep)  # and back to sleep
        finally:
            await ringing.stop()


async def test_with_wake_ups_a_sleeping_consumer_looks_anyway_for_records_nobody_rang_for(
    kafka_settings: KafkaSettings, unique: Callable[[str], str], tmp_path: Path
) -> None:
    async with woken(kafka_settings, unique, tmp_path, 0.2) as (kafka, topic, _, handled):
        event = replace(lesson(unique("lesson")), topic=topic)
        key, value, headers = encode(event)
        await send_anything(kafka, topic, key, value, list(headers))  # it does not ring
        await eventually(lambda: handled == [event.id])
