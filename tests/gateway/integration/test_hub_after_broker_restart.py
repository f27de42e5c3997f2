"""The gateway's hub against a broker of its own that is killed and started again empty: live
subscriptions go on receiving, instead of going silent until positions on the lost log are
reached again (ADR 0014)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bookend.contracts import ALL_TOPICS, CloudEvent, EventData
from bookend.eventbus import KafkaPublisher, KafkaSettings, ensure_topics
from gateway.hub import SubscriptionHub
from tests.gateway.unit.test_broadcast import started
from tests.support.own import OwnBroker, own_broker
from tests.support.polling import eventually


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[OwnBroker]:
    with own_broker(tmp_path / "logs") as running:
        yield running


async def publish(kafka: KafkaSettings, events: list[CloudEvent]) -> None:
    # What the relays do after a loss: topics declared again first, then the events.
    await ensure_topics(kafka, ALL_TOPICS)
    publisher = KafkaPublisher(kafka)
    await publisher.start()
    try:
        for event in events:
            await publisher.publish(event)
    finally:
        await publisher.stop()


# aiokafka leaves a connection's read task failed when the broker dies under it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_live_subscription_keeps_receiving_across_a_broker_restart(
    broker: OwnBroker, kafka_settings: KafkaSettings
) -> None:
    kafka = kafka_settings.model_copy(
        update={
            "bootstrap_servers": broker.bootstrap,
            "watch_lost_log_seconds": 0.5,
            "metadata_max_age_ms": 1000,
            "request_timeout_ms": 3000,
        }
    )
    await ensure_topics(kafka, ALL_TOPICS)
    hub = SubscriptionHub(kafka, queue_size=100)
    await hub.start()
    received: list[EventData] = []
    try:
        async with hub.subscribe(lambda _: True) as subscriber:

            async def drain() -> None:
                async for payload in subscriber.events():
                    received.append(payload)

            draining = asyncio.create_task(drain())
            # Spread over every partition, so each position on the old log is past zero.
            before = [started(f"before-{n}") for n in range(12)]
            await asyncio.sleep(1)  # the group-less consumer reads from the latest offset
            await publish(kafka, before)
            await eventually(lambda: len(received) == len(before) or None, seconds=20)

            broker.kill()
            broker.start()
            after = [started(f"after-{n}") for n in range(12)]
            await publish(kafka, after)
            await eventually(lambda: len(received) == len(before + after) or None, seconds=20)
            draining.cancel()
        ids = sorted(getattr(payload, "session_id", "") for payload in received)
        assert ids == sorted(f"{kind}-{n}" for kind in ("before", "after") for n in range(12))
        assert hub.trouble() is None
    finally:
        await hub.stop()


class FakeMarker:
    """Our marker port, for a broker that loses its log when the test says so."""

    def __init__(self) -> None:
        self.held = True

    async def holds_marker(self) -> bool:
        return self.held

    async def place_marker(self) -> None:
        self.held = True


async def test_once_the_marker_is_gone_the_hub_reads_again_and_passes_on_only_what_is_new(
    kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    # Already on the (shared) broker before the hub starts, so it does not see them live:
    # as if sent again by relays after a loss the hub has not noticed yet.
    now = datetime.now(UTC)
    long_ago = replace(started(unique("long-ago")), time=now - timedelta(minutes=5))
    passed_on = started(unique("passed-on"))
    missed = started(unique("missed"))
    ours = {event.data["session_id"] for event in (long_ago, passed_on, missed)}
    await publish(kafka_settings, [long_ago, passed_on, missed])

    marker = FakeMarker()
    kafka = kafka_settings.model_copy(update={"watch_lost_log_seconds": 0.2})
    hub = SubscriptionHub(kafka, queue_size=100, marker=marker)
    losses: list[str] = []
    hub.on_start_over(lambda: losses.append("kept feed answers forgotten"))
    await hub.start()
    received: list[str] = []
    try:
        async with hub.subscribe(lambda data: getattr(data, "session_id", "") in ours) as sub:

            async def drain() -> None:
                async for payload in sub.events():
                    received.append(getattr(payload, "session_id", ""))

            draining = asyncio.create_task(drain())
            await hub.publish(passed_on)  # this one reached its subscribers before the loss
            await eventually(lambda: len(received) == 1 or None)
            marker.held = False  # the broker lost its log
            await eventually(lambda: len(received) == 2 or None, seconds=20)
            await asyncio.sleep(1)  # nothing else comes: the old one and the repeat are skipped
            draining.cancel()
        assert received == [passed_on.data["session_id"], missed.data["session_id"]]
        assert marker.held  # placed again
        assert losses == ["kept feed answers forgotten"]  # the response cache's clear, once
    finally:
        await hub.stop()
