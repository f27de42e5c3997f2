"""Operator tooling: send dead-lettered records back to their topic once the cause is fixed."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer

from services.contracts import dead_letter_topic
from services.eventbus.publisher import Publisher
from services.eventbus.settings import KafkaSettings

_DLQ_HEADERS = ("dlq_reason", "dlq_topic", "dlq_partition", "dlq_offset", "dlq_consumer_group")
REPLAY_GROUP = "bookend.replay"


async def replay_dead_letters(
    settings: KafkaSettings, topic: str, *, publisher: Publisher, idle_ms: int = 2000
) -> int:
    """Republish every record waiting in `<topic>.dlq` to `topic`; return how many.

    The replay group commits after each record, so running it twice sends nothing twice.
    Every consumer of `topic` sees the record again and its inbox drops it where it had already
    succeeded, so only the consumer that failed applies it.
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
    replayed = 0
    try:
        while batches := await consumer.getmany(timeout_ms=idle_ms):
            for partition, records in batches.items():
                for record in records:
                    headers = [(k, v) for k, v in record.headers if k not in _DLQ_HEADERS]
                    await publisher.publish_raw(topic, record.key, record.value, headers)
                    await consumer.commit({partition: record.offset + 1})
                    replayed += 1
    finally:
        await consumer.stop()
    return replayed
