"""The outbox relay against the real embedded store and broker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession

from bookend.contracts import CloudEvent, Topic, new_event
from bookend.contracts.scheduler import SessionStarted
from bookend.eventbus import EventConsumer, KafkaPublisher, KafkaSettings, ensure_topics
from bookend.outbox import MongoSettings, MongoTransaction, OutboxRelay, connect, run_atomically
from bookend.outbox.transaction import INBOX, OUTBOX, create_delivery_indexes


def started(session_id: str) -> CloudEvent:
    payload = SessionStarted(
        district_id="district-1", session_id=session_id, section_id="section-1",
        started_at=datetime.now(UTC),
    )
    return new_event("bookend/test", payload)


async def collect(
    kafka: KafkaSettings, group: str, until: Callable[[list[CloudEvent]], bool]
) -> list[CloudEvent]:
    seen: list[CloudEvent] = []
    arrived = asyncio.Event()

    async def keep(event: CloudEvent) -> None:
        seen.append(event)
        if until(seen):
            arrived.set()

    consumer = EventConsumer(
        kafka, topics=[Topic.SCHEDULER_SESSION], handle=keep, group_id=group, dead_letters=None
    )
    await consumer.start()
    try:
        async with asyncio.timeout(20):
            await arrived.wait()
    finally:
        await consumer.stop()
    return seen


async def test_committed_events_reach_kafka_and_are_marked_sent(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> None:
    await ensure_topics(kafka_settings, [Topic.SCHEDULER_SESSION])
    client = connect(mongo_settings)
    db = client[unique("relay")]
    await create_delivery_indexes(db)
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()
    session_id = unique("session")
    event = started(session_id)

    async def work(tx: MongoTransaction) -> None:
        await tx.emit(event)

    def make(session: AsyncClientSession) -> MongoTransaction:
        return MongoTransaction(db, session)

    try:
        await run_atomically(client, make, work)
        relay = OutboxRelay(db, publisher)
        assert await relay.drain() == 1
        assert await relay.drain() == 0
        seen = await collect(
            kafka_settings, unique("group"), lambda s: any(e.id == event.id for e in s)
        )
        arrived = next(e for e in seen if e.id == event.id)
        assert arrived.type == "bookend.scheduler.session.started.v1"
        assert arrived.key == "section-1"
        assert arrived.data["session_id"] == session_id
        stored = await db[OUTBOX].find_one({"_id": event.id})
        assert stored is not None and stored["sent_at_ms"] is not None
    finally:
        await publisher.stop()
        await client.close()


async def test_an_aborted_transaction_leaves_nothing_to_send(
    mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> None:
    client = connect(mongo_settings)
    db = client[unique("relay")]
    await create_delivery_indexes(db)

    async def work(tx: MongoTransaction) -> None:
        await tx.emit(started("s"))
        await tx.first_time("consumer", "event-1")
        raise RuntimeError("the effect failed")

    try:
        with pytest.raises(RuntimeError, match="the effect failed"):
            await run_atomically(client, lambda s: MongoTransaction(db, s), work)
        assert await db[OUTBOX].count_documents({}) == 0
        assert await db[INBOX].count_documents({}) == 0
    finally:
        await client.close()


async def test_the_inbox_admits_an_event_once_per_consumer(
    mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> None:
    client = connect(mongo_settings)
    db = client[unique("inbox")]
    await create_delivery_indexes(db)

    async def mark(consumer: str) -> bool:
        async def work(tx: MongoTransaction) -> bool:
            return await tx.first_time(consumer, "event-1")

        return await run_atomically(client, lambda s: MongoTransaction(db, s), work)

    try:
        assert await mark("scheduler") is True
        assert await mark("scheduler") is False
        assert await mark("feedback") is True
    finally:
        await client.close()


async def test_only_the_relay_holding_the_lease_publishes(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> None:
    await ensure_topics(kafka_settings, [Topic.SCHEDULER_SESSION])
    client = connect(mongo_settings)
    db = client[unique("lease")]
    await create_delivery_indexes(db)
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()

    async def emit_one(tx: MongoTransaction) -> None:
        await tx.emit(started(unique("session")))

    try:
        first, second = OutboxRelay(db, publisher), OutboxRelay(db, publisher)
        await run_atomically(client, lambda s: MongoTransaction(db, s), emit_one)
        assert await first.drain() == 1
        await run_atomically(client, lambda s: MongoTransaction(db, s), emit_one)
        assert await second.drain() == 0  # the first relay's lease has not expired
        assert await first.drain() == 1
    finally:
        await publisher.stop()
        await client.close()


async def test_events_of_one_transaction_leave_in_the_order_they_were_emitted(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> None:
    await ensure_topics(kafka_settings, [Topic.SCHEDULER_SESSION])
    client = connect(mongo_settings)
    db = client[unique("order")]
    await create_delivery_indexes(db)
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()
    events = [started(unique(f"session-{n}")) for n in range(20)]

    async def emit_all(tx: MongoTransaction) -> None:
        for event in events:
            await tx.emit(event)

    try:
        await run_atomically(client, lambda s: MongoTransaction(db, s), emit_all)
        assert await OutboxRelay(db, publisher).drain() == len(events)
        wanted = {e.id for e in events}
        seen = await collect(
            kafka_settings, unique("group"), lambda s: wanted <= {e.id for e in s}
        )
        assert [e.id for e in seen if e.id in wanted] == [e.id for e in events]
    finally:
        await publisher.stop()
        await client.close()
