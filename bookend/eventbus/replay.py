"""Operator tooling: replay dead letters, or rewind a consumer group to a point in time."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from bookend.contracts import dead_letter_topic
from bookend.eventbus.deadletters import DLQ_HEADERS, REASON, is_whole, what_was_cut
from bookend.eventbus.publisher import Publisher
from bookend.eventbus.settings import KafkaSettings

log = logging.getLogger(__name__)

REPLAY_GROUP = "bookend.replay"


@dataclass
class Replay:
    """How many dead letters went back, and each one held back because it is a cut copy."""

    replayed: int = 0
    cut: list[str] = field(default_factory=list)


async def replay_dead_letters(
    settings: KafkaSettings, topic: str, *, publisher: Publisher, idle_ms: int = 2000
) -> Replay:
    """Republish every record waiting in `<topic>.dlq` when the replay began.

    The replay group commits after each record, so running it twice sends nothing twice.
    Every consumer of `topic` sees the record again and its inbox drops it where it had already
    succeeded, so only the consumer that failed applies it. A record that fails again returns
    to the dead-letter topic after the replay's end mark, for a later replay once its cause is
    fixed: the replay ends instead of chasing its own copies.

    A copy cut to fit (the record was too large to dead-letter whole) is not the event: it is
    reported, logged and passed over, never sent back as if whole. The original is gone from
    the dead-letter topic; its size and digest identify it to whoever sent it.
    """
    consumer = AIOKafkaConsumer(
        dead_letter_topic(topic),
        **settings.client_options(),
        group_id=f"{REPLAY_GROUP}.{topic}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
        rebalance_timeout_ms=settings.rebalance_timeout_ms,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
    )
    await consumer.start()
    report = Replay()
    ends: dict[TopicPartition, int] | None = None
    try:
        while batches := await consumer.getmany(timeout_ms=idle_ms):
            if ends is None:  # assigned by now: mark where the dead letters end
                ends = await consumer.end_offsets(list(consumer.assignment()))
            for partition, records in batches.items():
                for record in records:
                    if record.offset >= ends.get(partition, 0):
                        continue  # arrived after the replay began
                    if is_whole(record.headers):
                        headers = [(k, v) for k, v in record.headers if k not in DLQ_HEADERS]
                        await publisher.publish_raw(topic, record.key, record.value, headers)
                        report.replayed += 1
                    else:
                        report.cut.append(_held_back(record))
                        log.warning("dead letter not replayed: %s", report.cut[-1])
                    await consumer.commit({partition: record.offset + 1})
            if await _all_reached(consumer, ends):
                break
    finally:
        await consumer.stop()
    return report


def _held_back(record: ConsumerRecord[bytes, bytes]) -> str:
    key = (record.key or b"").decode(errors="replace")[:100]
    reason = (dict(record.headers).get(REASON) or b"?").decode(errors="replace")
    return (
        f"{record.topic}[{record.partition}]@{record.offset} key={key}: "
        f"{what_was_cut(record.headers)}; it failed with {reason}"
    )


async def _all_reached(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if end > 0 and await consumer.position(partition) < end:
            return False
    return True


async def rewind_group(
    settings: KafkaSettings,
    group_id: str,
    topic: str,
    *,
    to_time: datetime,
    wait_seconds: float = 60.0,
) -> dict[int, int]:
    """Move a stopped consumer group back to the first record at or after `to_time`.

    Its consumers then process those records again when they start; their inboxes skip what
    they had applied, so a rewind repairs what went wrong without doing anything twice.
    Returns the new committed offset of each partition.

    The tool joins the group as its only member and commits from there, which every broker
    accepts; it waits up to `wait_seconds` for the group's stopped consumers to leave.
    """
    consumer = AIOKafkaConsumer(
        topic,
        **settings.client_options(),
        group_id=group_id,
        enable_auto_commit=False,
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
        rebalance_timeout_ms=settings.rebalance_timeout_ms,
    )
    await consumer.start()
    try:
        partitions = {TopicPartition(topic, n) for n in await _partitions(consumer, topic)}
        try:
            async with asyncio.timeout(wait_seconds):
                while consumer.assignment() != partitions:
                    await consumer.getmany(timeout_ms=200)
        except TimeoutError:
            raise RuntimeError(
                f"group {group_id!r} still has members on {topic!r}: stop its consumers first"
            ) from None
        found = await consumer.offsets_for_times(
            {tp: int(to_time.timestamp() * 1000) for tp in partitions}
        )
        ends = await consumer.end_offsets(list(partitions))
        targets = {
            tp: (found[tp].offset if found.get(tp) is not None else ends[tp]) for tp in partitions
        }
        await consumer.commit(targets)
        return {tp.partition: offset for tp, offset in sorted(targets.items())}
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    partitions = consumer.partitions_for_topic(topic)
    if partitions is None:
        await consumer._client.force_metadata_update()
        partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise LookupError(f"topic {topic!r} does not exist")
    return set(partitions)
