#!/usr/bin/env python3
"""Read your district's Bookend events from Kafka: an example to copy (Python 3.11+).

Bookend writes each public event of district D to the topic `bookend.district.D.v1` as a
CloudEvent in Kafka binary mode: its attributes in `ce_*` headers, its data as a JSON object in
the value, and a section (or lesson) id as the key, so one section's events are in order. This
script checks each record's envelope, skips event ids it has already printed (delivery is at
least once: after a restart or a rebalance a record may come again), prints one JSON line per
event, and commits each record's offset once it is printed.

    pip install confluent-kafka
    python district_consumer.py --bootstrap kafka.example.org:9094 --district D

A group resumes where it last committed; `--from-beginning` only says where a group with no
commits starts (the oldest record kept, rather than the next new one). Your Kafka user may use
groups named `district-D.<anything>`. Credentials come from the environment, when set:
KAFKA_SECURITY_PROTOCOL (SASL_SSL), KAFKA_SASL_MECHANISM (SCRAM-SHA-512), KAFKA_SASL_USERNAME,
KAFKA_SASL_PASSWORD, and KAFKA_SSL_CA_LOCATION (the cluster's CA certificate, a PEM file).

Exits 1 if any record was not a valid event of the district (each one is reported on stderr,
with its reason), 2 on a Kafka error (also on stderr), else 0. A real consumer would keep the
ids it has handled in its own database, with the effect, rather than in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime

from confluent_kafka import Consumer, Message, TopicPartition

ENVIRONMENT = {
    "KAFKA_SECURITY_PROTOCOL": "security.protocol",
    "KAFKA_SASL_MECHANISM": "sasl.mechanism",
    "KAFKA_SASL_USERNAME": "sasl.username",
    "KAFKA_SASL_PASSWORD": "sasl.password",
    "KAFKA_SSL_CA_LOCATION": "ssl.ca.location",
}


def attributes(record: Message) -> dict[str, str]:
    """The record's headers as text (a header sent twice: its last value)."""
    text = {}
    for name, raw in dict(record.headers() or {}).items():
        text[name] = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw or ""
    return text


def problem(headers: dict[str, str], value: bytes | None, district: str) -> str | None:
    """Why a record is not a valid Bookend event of `district`, or None if it is one."""
    for name in ("ce_id", "ce_source", "ce_type", "ce_time"):
        if not headers.get(name):
            return f"missing header {name}"
    if headers.get("ce_specversion") != "1.0":
        return f"ce_specversion is {headers.get('ce_specversion')!r}, not '1.0'"
    if headers.get("content-type") != "application/json":
        return f"content-type is {headers.get('content-type')!r}, not 'application/json'"
    if headers.get("ce_districtid") != district:
        return f"ce_districtid is {headers.get('ce_districtid')!r}, not {district!r}"
    try:
        if datetime.fromisoformat(headers["ce_time"]).utcoffset() is None:
            return "ce_time has no UTC offset"
        data = json.loads(value or b"")
    except ValueError as bad:  # a bad time, bad JSON or bad UTF-8
        return f"unreadable: {bad}"
    return None if isinstance(data, dict) else "the value is not a JSON object"


def main() -> int:
    parser = argparse.ArgumentParser(description="Print a district's Bookend events.")
    parser.add_argument("--bootstrap", required=True, help="host:port of the Kafka listener")
    parser.add_argument("--district", required=True, help="your district's id")
    parser.add_argument("--group", help="consumer group (default: district-<district>.example)")
    parser.add_argument("--from-beginning", action="store_true")
    parser.add_argument("--max-events", type=int, help="stop after printing this many")
    parser.add_argument("--idle-seconds", type=float, help="stop after this long with nothing new")
    args = parser.parse_args()

    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group or f"district-{args.district}.example",
            "enable.auto.commit": False,  # commit each record once it is printed, not before
            "auto.offset.reset": "earliest" if args.from_beginning else "latest",
            # A group's first join waits for other members: Apache Kafka for 3 s (the broker's
            # group.initial.rebalance.delay.ms), Bookend's embedded broker (Tansu) for half the
            # session timeout, which is 45 s unless set. 10 s suits both.
            "session.timeout.ms": 10_000,
        }
        | {key: os.environ[name] for name, key in ENVIRONMENT.items() if os.environ.get(name)}
    )
    # The idle clock starts once partitions are assigned, so a slow first join is not idleness.
    last_news: float | None = None

    def assigned(_: Consumer, partitions: list[TopicPartition]) -> None:
        nonlocal last_news
        last_news = time.monotonic()

    consumer.subscribe([f"bookend.district.{args.district}.v1"], on_assign=assigned)
    seen: set[str] = set()
    printed = failed = 0
    try:
        while args.max_events is None or printed < args.max_events:
            record = consumer.poll(0.5)
            if record is None:
                idle = time.monotonic() - last_news if last_news is not None else 0.0
                if args.idle_seconds is not None and idle >= args.idle_seconds:
                    break
                continue
            if record.error():  # e.g. the topic does not exist, or you may not read it
                print(f"Kafka: {record.error()}", file=sys.stderr)
                return 2
            last_news = time.monotonic()
            headers = attributes(record)
            reason = problem(headers, record.value(), args.district)
            if reason is not None:
                failed += 1
                where = f"partition {record.partition()} offset {record.offset()}"
                print(f"invalid record at {where}: {reason}", file=sys.stderr, flush=True)
            elif headers["ce_id"] not in seen:
                seen.add(headers["ce_id"])
                printed += 1
                line = {
                    "partition": record.partition(),
                    "offset": record.offset(),
                    "key": (record.key() or b"").decode("utf-8", "replace") or None,
                    "id": headers["ce_id"],
                    "type": headers["ce_type"],
                    "subject": headers.get("ce_subject", ""),
                    "time": headers["ce_time"],
                }
                print(json.dumps(line), flush=True)
            # An invalid record is reported and passed over: reading it again would not mend it.
            consumer.commit(message=record, asynchronous=False)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
