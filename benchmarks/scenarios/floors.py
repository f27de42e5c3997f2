"""The floors under the live rows: the bare parts a check-in and its frames pass through, timed
on this machine in the same run, with none of Bookend's work in them.

- one HTTP hop: httpx to a bare endpoint served by uvicorn (`benchmarks.floor_app`);
- the store: a transaction of three inserts, and one read by id, on the stack's own store;
- the broker: a record sent with acks=all until a consumer (fetch wait as the stack's) has it;
- the fan-out: one pre-encoded frame from a bare WebSocket endpoint to as many subscribers as
  the fan-out row, read by the same client.

A check-in's frame cannot come sooner than the sum of the parts it needs: three HTTP hops (app
→ gateway → feedback, and the gateway fetching the note with the teacher's rights, ADR 0018),
the transaction, the relay's read of the outbox, the broker, and the read of the check-in."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from benchmarks.figures import Runs, percentile
from benchmarks.harness import Bench
from benchmarks.scenarios import Row, fanout
from benchmarks.subscriber import ws_url
from bookend.ids import new_id
from devstack.processes import free_port, http_ok, uvicorn_app

SAMPLES = 200  # per part and run
TOPIC = "bench.floor"
FETCH_WAIT_MS = 5  # as the embedded stack's consumers (devstack/stack.py)


@dataclass
class Part:
    name: str
    p50s: list[float]  # ms, one per run
    p99s: list[float]

    def show(self) -> str:
        return (
            f"{self.name} p50 {Runs.of(self.p50s).show(' ms')} p99 {Runs.of(self.p99s).show(' ms')}"
        )


async def measure(bench: Bench, subscribers: int) -> Row:
    base = _start_floor_app(bench)
    hop = Part("HTTP hop", [], [])
    txn = Part("transaction of 3 inserts", [], [])
    read = Part("read by id", [], [])
    broker = Part("broker send → consumer", [], [])
    async with _Kafka(bench.stack.kafka_bootstrap) as kafka:
        store: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(bench.stack.mongo_uri)
        try:
            for run in range(bench.runs):
                _add(hop, await _times(partial(bench.http.get, f"{base}/hop")))
                _add(txn, await _times(partial(_transaction, store)))
                _add(read, await _times(partial(_read, store)))
                _add(broker, await _times(kafka.round_trip))
                print(
                    f"  run {run + 1}: "
                    + "; ".join(
                        f"{p.name} p50 {p.p50s[-1]:.2f} ms" for p in (hop, txn, read, broker)
                    )
                )
        finally:
            await store.drop_database("bench_floor")
            await store.close()
    path = [(3, hop), (1, txn), (2, read), (1, broker)]
    least = [sum(n * part.p50s[run] for n, part in path) for run in range(bench.runs)]
    print(
        "  a check-in's path at the floor (3 hops, 1 transaction, 2 reads, 1 broker trip):"
        f" p50 {Runs.of(least).show(' ms')}"
    )
    async with fanout.subscribed(
        ws_url(f"{base}/graphql"), ["floor"] * subscribers, "session-floor"
    ) as subs:
        spread = await fanout.deliveries(bench, subs, partial(_broadcast, bench, base))
    parts = "; ".join(part.show() for _, part in path)
    return Row(
        "floors: the bare parts, same run",
        f"a check-in's path {Runs.of(least).show(' ms')} p50 ({parts});"
        f" bare fan-out to {len(subs):,}: {spread.show()}",
        "none: the live rows cannot beat these here",
    )


def _add(part: Part, samples: list[float]) -> None:
    part.p50s.append(percentile(samples, 50))
    part.p99s.append(percentile(samples, 99))


async def _times(call: Callable[[], Awaitable[object]]) -> list[float]:
    await call()  # warm: connections made, caches filled
    samples = []
    for _ in range(SAMPLES):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


async def _transaction(store: AsyncMongoClient[dict[str, object]]) -> None:
    db = store["bench_floor"]
    async with store.start_session() as session:
        await session.start_transaction()
        for collection in ("check_ins", "outbox", "replies"):
            await db[collection].insert_one({"_id": new_id()}, session=session)
        await session.commit_transaction()


async def _read(store: AsyncMongoClient[dict[str, object]]) -> None:
    await store["bench_floor"]["check_ins"].find_one({"_id": "absent"})


async def _broadcast(bench: Bench, base: str) -> str:
    check_in_id = new_id()
    response = await bench.http.post(f"{base}/broadcast", params={"id": check_in_id})
    response.raise_for_status()
    return check_in_id


class _Kafka:
    """A producer and a consumer of one topic of the stack's broker."""

    def __init__(self, bootstrap: str) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=False
        )
        self._consumer = AIOKafkaConsumer(
            TOPIC,
            bootstrap_servers=bootstrap,
            group_id=f"bench-floor-{new_id()}",
            fetch_max_wait_ms=FETCH_WAIT_MS,
            auto_offset_reset="latest",
        )
        self._sent = 0

    async def __aenter__(self) -> _Kafka:
        await self._producer.start()
        await self._producer.send_and_wait(TOPIC, b"first")  # the topic exists
        await self._consumer.start()
        # Until the consumer has joined its group and found where "latest" is, a record sent
        # may go unseen: send until one is seen.
        for attempt in range(60):
            marker = f"warm-{attempt}".encode()
            await self._producer.send_and_wait(TOPIC, marker)
            batches = await self._consumer.getmany(timeout_ms=500)
            if any(r.value == marker for records in batches.values() for r in records):
                return self
        raise RuntimeError(f"a consumer of {TOPIC} never saw what was sent")

    async def __aexit__(self, *_: object) -> None:
        await self._consumer.stop()
        await self._producer.stop()

    async def round_trip(self) -> None:
        self._sent += 1
        value = str(self._sent).encode()
        await self._producer.send_and_wait(TOPIC, value)
        while (await self._consumer.getone()).value != value:
            pass


def _start_floor_app(bench: Bench) -> str:
    port = free_port()
    child = bench.processes.start("floor", uvicorn_app("benchmarks.floor_app:create_app", port))
    base = f"http://127.0.0.1:{port}"
    bench.processes.wait_until(child, partial(http_ok, f"{base}/hop"), timeout=30)
    return base
