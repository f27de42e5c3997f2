"""The integrations component when the embedded broker is killed and restarted empty: the
district's topic is declared again and holds every event once more (the outbox sends again
what it had sent), and each webhook still gets each event once (ADR 0014, ADR 0050).

The broker is this test's own, so killing it troubles no other test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bookend.contracts import ALL_TOPICS, district_topic
from bookend.eventbus import KafkaPublisher, ensure_topics
from gateway.integrations.app import create_app
from tests.integrations.builders import scheduled
from tests.integrations.component import deliveries, manager, register, settings
from tests.support.own import OwnBroker, own_broker
from tests.support.polling import eventually
from tests.support.running import Fresh, watching
from tests.support.webhooks import Receiver, receiver_at


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[OwnBroker]:
    with own_broker(tmp_path / "logs") as running:
        yield running


async def publish(kafka: Any, district: str, sessions: range) -> list[str]:
    publisher = KafkaPublisher(kafka)
    await ensure_topics(kafka, ALL_TOPICS)
    await publisher.start()
    try:
        events = [scheduled(district, "section-a", f"s-{n}") for n in sessions]
        for event in events:
            await publisher.publish(event)
        return [e.id for e in events]
    finally:
        await publisher.stop()


# aiokafka leaves a connection's read task failed when the broker dies under it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_after_a_broker_restart_the_district_topic_and_webhooks_have_every_event_once(
    fresh: Fresh, broker: OwnBroker
) -> None:
    kafka = fresh.kafka.model_copy(
        update={
            "bootstrap_servers": f"127.0.0.1:{broker.port}",
            "watch_lost_log_seconds": 0.5,
            "metadata_max_age_ms": 1000,
            "request_timeout_ms": 3000,
        }
    )
    isolated = Fresh(kafka, fresh.mongo, fresh.auth, fresh.unique)
    district = fresh.unique("district")
    receiver = Receiver()
    with receiver_at(receiver) as url:
        async with isolated.serve(create_app, settings(isolated), "integrations") as served:
            endpoint, secret = await register(served, district, url)
            before = await publish(kafka, district, range(3))
            await eventually(lambda: len(receiver.received) >= 3 or None)
            broker.kill()
            broker.start()  # empty: the in-memory log is gone
            after = await publish(kafka, district, range(3, 6))

            async def delivered() -> list[dict[str, Any]] | None:
                found = await deliveries(served, district, endpoint)
                done = len(found) == 6 and all(d["status"] == "delivered" for d in found)
                return found if done else None

            await eventually(delivered, seconds=60)
            group = fresh.unique("watch")
            async with watching(kafka, [district_topic(district)], group) as seen:
                wanted = set(before + after)
                await eventually(lambda: wanted <= {e.id for e in seen} or None, seconds=60)
            replayed = await served.http.get("/events", headers=manager(district))
        bodies = receiver.verified(secret)
    assert Counter(b["id"] for b in bodies) == Counter(before + after)
    assert [e["id"] for e in replayed.json()["items"]] == before + after
