"""docs/examples/district_consumer.py, the consumer districts copy, run as a district would run
it, against the real embedded broker: it prints each event of its district once, in order per
section, none of another district's, reports records that are not valid events, and commits."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bookend.contracts import CloudEvent, district_topic
from bookend.eventbus import KafkaPublisher, KafkaSettings, encode, ensure_topics
from tests.integrations.builders import cancelled, scheduled

SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "examples" / "district_consumer.py"


def relayed(event: CloudEvent) -> CloudEvent:
    """The event as the integrations component writes it: on its district's topic."""
    return replace(event, topic=district_topic(event.districtid))


async def consume(kafka: KafkaSettings, district: str) -> tuple[int, list[dict[str, str]], str]:
    """Run the example as its docstring says; its exit status, JSON lines and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        *("--bootstrap", kafka.bootstrap_servers, "--district", district),
        *("--from-beginning", "--idle-seconds", "3"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        # No credentials: the embedded broker takes plain connections.
        env={name: value for name, value in os.environ.items() if not name.startswith("KAFKA_")},
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, [json.loads(line) for line in out.splitlines()], err.decode()


async def test_the_example_prints_its_districts_events_once_in_order_and_reports_bad_records(
    kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    ours, theirs = unique("district_a"), unique("district_b")
    kafka = kafka_settings.model_copy(update={"topic_partitions": 3})
    await ensure_topics(kafka, [district_topic(ours), district_topic(theirs)], dead_letters=False)
    events = [
        relayed(scheduled(ours, "section-1", "session-1")),
        relayed(scheduled(ours, "section-2", "session-2")),
        relayed(cancelled(ours, "section-1", "session-1")),
        relayed(scheduled(ours, "section-2", "session-3")),
        relayed(cancelled(ours, "section-2", "session-2")),
        relayed(scheduled(ours, "section-1", "session-4")),
    ]
    naive_time = encode(relayed(scheduled(ours, "section-1", "session-5")))
    other_district = encode(relayed(scheduled(theirs, "section-1", "session-6")))
    publisher = KafkaPublisher(kafka)
    await publisher.start()
    try:
        for event in events:
            await publisher.publish(event)
        await publisher.publish(events[2])  # sent again, as at-least-once delivery may
        await publisher.publish(relayed(scheduled(theirs, "section-1", "session-7")))
        key, value, headers = naive_time
        headers = [(n, v) for n, v in headers if n != "ce_time"] + [
            ("ce_time", b"2026-11-30T09:00")
        ]
        await publisher.publish_raw(district_topic(ours), key, value, headers)
        await publisher.publish_raw(district_topic(ours), *other_district)
    finally:
        await publisher.stop()

    status, lines, errors = await consume(kafka, ours)

    assert sorted(line["id"] for line in lines) == sorted(event.id for event in events)
    for section in ("section-1", "section-2"):
        printed = [line["id"] for line in lines if line["key"] == section]
        assert printed == [event.id for event in events if event.key == section]
    by_id = {event.id: event for event in events}
    for line in lines:
        event = by_id[line["id"]]
        assert (line["type"], line["subject"]) == (event.type, event.subject)
        assert datetime.fromisoformat(line["time"]) == event.time
    assert "ce_time has no UTC offset" in errors
    assert f"ce_districtid is '{theirs}'" in errors
    assert errors.count("invalid record") == 2
    assert status == 1

    # Every record was committed once printed (or reported): the group resumes after them all.
    status, lines, errors = await consume(kafka, ours)
    assert (status, lines, errors) == (0, [], "")
