"""The outbox relay against the real embedded store and broker."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bookend.contracts import CloudEvent, Topic, new_event
from bookend.contracts.scheduler import SessionStarted
from bookend.eventbus import KafkaPublisher, KafkaSettings
from bookend.mongo import MongoSettings, connect
from bookend.outbox import (
    LostLogWatch,
    OutboxRelay,
    OutboxStore,
    OutboxTransaction,
    parked_events,
)
from bookend.outbox.emit import OUTBOX
from bookend.outbox.inbox import INBOX
from bookend.outbox.relay import LEASE
from tests.support.polling import eventually
from tests.support.running import watching


class Store(OutboxStore[OutboxTransaction]):
    transaction = OutboxTransaction


@pytest.fixture
async def store(
    mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> AsyncIterator[Store]:
    """A bare outbox store on a database of its own."""
    client = connect(mongo_settings)
    store = Store(client, unique("outbox"))
    await store.create_indexes()
    try:
        yield store
    finally:
        await client.close()


def started(session_id: str) -> CloudEvent:
    payload = SessionStarted(
        district_id="district-1",
        session_id=session_id,
        section_id="section-1",
        started_at=datetime.now(UTC),
    )
    return new_event("bookend/test", payload)


async def collect(
    kafka: KafkaSettings, group: str, until: Callable[[list[CloudEvent]], bool]
) -> list[CloudEvent]:
    """What reaches the session topic, from its beginning, until `until` holds."""
    async with watching(kafka, [Topic.SCHEDULER_SESSION], group) as seen:
        await eventually(lambda: until(seen))
    return seen


async def test_committed_events_reach_kafka_and_are_marked_sent(
    store: Store,
    publisher: KafkaPublisher,
    kafka_settings: KafkaSettings,
    unique: Callable[[str], str],
) -> None:
    session_id = unique("session")
    event = started(session_id)
    woken: list[str] = []
    store = Store(store.client, store.db.name, lambda: woken.append("relay"))

    async def work(tx: OutboxTransaction) -> None:
        await tx.emit(event)

    await store.atomically(work)
    assert woken == ["relay"]  # once committed, the relay is told at once
    relay = OutboxRelay(store.db, publisher)
    assert await relay.drain() == 1
    assert await relay.drain() == 0
    seen = await collect(
        kafka_settings, unique("group"), lambda s: any(e.id == event.id for e in s)
    )
    arrived = next(e for e in seen if e.id == event.id)
    assert arrived.type == "bookend.scheduler.session.started.v1"
    assert arrived.key == "section-1"
    assert arrived.data["session_id"] == session_id
    stored = await store.db[OUTBOX].find_one({"_id": event.id})
    assert stored is not None and stored["sent_at_ms"] is not None


async def test_an_aborted_transaction_leaves_nothing_to_send_and_wakes_no_relay(
    store: Store,
) -> None:
    woken: list[str] = []
    store = Store(store.client, store.db.name, lambda: woken.append("relay"))

    async def work(tx: OutboxTransaction) -> None:
        await tx.emit(started("s"))
        await tx.first_time("consumer", "event-1")
        raise RuntimeError("the effect failed")

    with pytest.raises(RuntimeError, match="the effect failed"):
        await store.atomically(work)
    assert await store.db[OUTBOX].count_documents({}) == 0
    assert await store.db[INBOX].count_documents({}) == 0
    assert woken == []


async def test_the_inbox_admits_an_event_once_per_consumer(store: Store) -> None:
    async def mark(consumer: str) -> bool:
        async def work(tx: OutboxTransaction) -> bool:
            return await tx.first_time(consumer, "event-1")

        return await store.atomically(work)

    assert await mark("scheduler") is True
    assert await mark("scheduler") is False
    assert await mark("feedback") is True


async def test_only_the_relay_holding_the_lease_publishes(
    store: Store, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    async def emit_one(tx: OutboxTransaction) -> None:
        await tx.emit(started(unique("session")))

    first, second = OutboxRelay(store.db, publisher), OutboxRelay(store.db, publisher)
    await store.atomically(emit_one)
    assert await first.drain() == 1
    await store.atomically(emit_one)
    assert await second.drain() == 0  # the first relay's lease has not expired
    assert await first.drain() == 1


async def test_a_relay_that_stops_hands_its_lease_to_the_next_at_once(
    store: Store, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    """A restart or a rolling deploy does not hold events for the rest of the old lease."""

    async def emit_one(tx: OutboxTransaction) -> None:
        await tx.emit(started(unique("session")))

    first, second = OutboxRelay(store.db, publisher), OutboxRelay(store.db, publisher)
    await store.atomically(emit_one)
    assert await first.drain() == 1
    await first.stop()
    await store.atomically(emit_one)
    assert await second.drain() == 1


async def test_events_of_one_transaction_leave_in_the_order_they_were_emitted(
    store: Store,
    publisher: KafkaPublisher,
    kafka_settings: KafkaSettings,
    unique: Callable[[str], str],
) -> None:
    events = [started(unique(f"session-{n}")) for n in range(20)]

    async def emit_all(tx: OutboxTransaction) -> None:
        for event in events[:10]:
            await tx.emit(event)
        await tx.emit(*events[10:])

    await store.atomically(emit_all)
    assert await OutboxRelay(store.db, publisher).drain() == len(events)
    wanted = {e.id for e in events}
    seen = await collect(kafka_settings, unique("group"), lambda s: wanted <= {e.id for e in s})
    assert [e.id for e in seen if e.id in wanted] == [e.id for e in events]


async def test_an_event_too_large_for_the_broker_is_set_aside_and_the_rest_flow(
    store: Store,
    publisher: KafkaPublisher,
    kafka_settings: KafkaSettings,
    unique: Callable[[str], str],
) -> None:
    """One unpublishable record must not hold back every event after it, across restarts."""
    huge = replace(started(unique("huge")), data={"blob": "x" * 2_000_000})
    after = started(unique("after"))

    async def emit_both(tx: OutboxTransaction) -> None:
        await tx.emit(huge, after)

    await store.atomically(emit_both)
    relay = OutboxRelay(store.db, publisher)
    assert await relay.drain() == 1
    assert await relay.drain() == 0  # set aside, not retried
    seen = await collect(
        kafka_settings, unique("group"), lambda s: any(e.id == after.id for e in s)
    )
    assert huge.id not in {e.id for e in seen}
    [parked] = await parked_events(store.db)
    assert (parked.event_id, parked.type) == (huge.id, huge.type)
    assert "too large" in parked.reason.lower() or "TooLarge" in parked.reason
    assert await store.db[OUTBOX].count_documents({"_id": huge.id}) == 0


class SlowPublisher:
    """Our publisher port, taking its time per event as a busy broker would."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.sent: list[str] = []

    async def publish(self, event: CloudEvent) -> None:
        await asyncio.sleep(self.seconds)
        self.sent.append(event.id)

    async def publish_raw(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        raise AssertionError("the relay publishes events, not raw records")


async def test_a_relay_draining_a_long_backlog_keeps_its_lease_so_no_other_interleaves(
    store: Store, unique: Callable[[str], str]
) -> None:
    events = [started(unique(f"s{n}")) for n in range(8)]

    async def emit_all(tx: OutboxTransaction) -> None:
        await tx.emit(*events)

    await store.atomically(emit_all)
    slow, other = SlowPublisher(0.25), SlowPublisher(0)
    first = OutboxRelay(store.db, slow, batch_size=1, lease_seconds=0.6)
    second = OutboxRelay(store.db, other, batch_size=1, lease_seconds=0.6)
    draining = asyncio.create_task(first.drain())
    await asyncio.sleep(1.2)  # twice the lease: it would have expired without renewal
    assert await second.drain() == 0
    assert await draining == len(events)
    assert (slow.sent, other.sent) == ([e.id for e in events], [])


async def test_the_inbox_forgets_what_is_older_than_its_retention(store: Store) -> None:
    async def mark(tx: OutboxTransaction) -> None:
        await tx.first_time("scheduler", "old")
        await tx.first_time("scheduler", "recent")

    await store.atomically(mark)
    old = datetime.now(UTC) - timedelta(days=60)
    await store.db[INBOX].update_one({"event_id": "old"}, {"$set": {"processed_at_ms": 0}})
    relay = OutboxRelay(store.db, SlowPublisher(0), inbox_retention=timedelta(days=30))
    await relay.housekeeping()
    assert [d["event_id"] async for d in store.db[INBOX].find({})] == ["recent"]
    assert old < datetime.now(UTC)


class FakeMarker:
    """Our marker port: a broker that holds the marker until it `loses` its log."""

    def __init__(self) -> None:
        self.held = False
        self.placed = 0

    async def holds_marker(self) -> bool:
        return self.held

    async def place_marker(self) -> None:
        self.held = True
        self.placed += 1


async def test_a_relay_whose_broker_lost_its_log_sends_every_retained_event_again_once(
    store: Store, unique: Callable[[str], str]
) -> None:
    events = [started(unique(f"s{n}")) for n in range(3)]

    async def emit_all(tx: OutboxTransaction) -> None:
        await tx.emit(*events)

    await store.atomically(emit_all)
    marker, calls = FakeMarker(), []

    async def restore() -> None:
        calls.append("restore")

    async def started_over() -> None:
        calls.append("started over")

    publisher = SlowPublisher(0)
    watch = LostLogWatch(every=0, marker=marker, restore_topics=restore, started_over=started_over)
    relay = OutboxRelay(store.db, publisher, watch=watch, lease_seconds=0.2)
    assert await relay.drain() == 3
    assert (marker.placed, calls) == (1, [])  # a new outbox places its marker, nothing lost
    assert await relay.drain() == 0  # the marker is there: nothing again

    marker.held = False  # the broker came back without its log
    assert await relay.drain() == 3
    assert calls == ["restore", "started over"]
    assert publisher.sent == [e.id for e in events] * 2  # in order, each once more
    assert await relay.drain() == 0

    # A relay starting on an outbox that had placed its marker, with the broker now without
    # it (the launcher restarted the whole stack), sends everything again as well.
    marker.held = False
    await asyncio.sleep(0.3)  # the first relay's lease lapses, as when its process died
    restarted = OutboxRelay(store.db, publisher, watch=watch, lease_seconds=0.2)
    assert await restarted.drain() == 3
    assert marker.placed == 3


class AwayPublisher(SlowPublisher):
    """Our publisher port while the broker is away: every publish fails until it is back."""

    def __init__(self) -> None:
        super().__init__(0)
        self.back = False
        self.refused = 0

    async def publish(self, event: CloudEvent) -> None:
        if not self.back:
            self.refused += 1
            raise ConnectionError("broker away")
        await super().publish(event)


def relay_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bookend.outbox.relay"]


async def test_a_relay_whose_broker_is_away_says_so_once_then_sends_everything_when_it_returns(
    store: Store, unique: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    event = started(unique("s"))

    async def emit(tx: OutboxTransaction) -> None:
        await tx.emit(event)

    await store.atomically(emit)
    away = AwayPublisher()
    relay = OutboxRelay(store.db, away, poll_interval=0.01)
    await relay.start()
    try:
        await eventually(lambda: away.refused >= 20)
        away.back = True
        await eventually(lambda: away.sent == [event.id])
        # The pass that sent it says so once it has marked it sent: a stop before then (a
        # loaded machine) would cut the line off, as it did once in CI.
        await eventually(lambda: len(relay_records(caplog)) >= 2)
    finally:
        await relay.stop()
    relay_lines = relay_records(caplog)
    assert [r.exc_info is not None for r in relay_lines] == [True, False]
    assert "after" in relay_lines[-1].getMessage()


async def test_a_lease_whose_holder_died_on_this_host_is_taken_at_once(
    store: Store, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> None:
    """A relay killed mid-batch: its replacement sends without waiting out the lease."""

    async def emit_one(tx: OutboxTransaction) -> None:
        await tx.emit(started(unique("session")))

    gone = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await gone.wait()
    alive = os.getppid()
    for holder, taken in ((alive, False), (gone.pid, True)):
        a_minute_on = int(datetime.now(UTC).timestamp() * 1000) + 60_000
        await store.db[LEASE].replace_one(
            {"_id": "relay"},
            {
                "_id": "relay",
                "holder": f"{socket.gethostname()}:{holder}:1",
                "until_ms": a_minute_on,
            },
            upsert=True,
        )
        await store.atomically(emit_one)
        # The live holder's lease holds; the dead one's is taken, and both events leave.
        assert await OutboxRelay(store.db, publisher).drain() == (2 if taken else 0)
