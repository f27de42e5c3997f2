"""The outbox: events written in the transaction of the change that caused them."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bookend.contracts import CloudEvent
from bookend.mongo import Document

OUTBOX = "outbox"
# Events that can never be published, set aside with the reason for an operator.
PARKED = "outbox_parked"
SENT = "sent_at_ms"
SEQUENCE = "sequence"

_last_sequence = 0


def next_sequence() -> int:
    """Nanoseconds since the epoch, strictly increasing within the process.

    The relay publishes in this order, so events emitted in one transaction (a session and
    its tasks) leave in the order they were emitted; a timestamp alone ties within a
    millisecond, and a random id would then shuffle them.
    """
    global _last_sequence
    _last_sequence = max(_last_sequence + 1, time.time_ns())
    return _last_sequence


async def write_outbox(
    db: AsyncDatabase[Document], session: AsyncClientSession | None, events: list[CloudEvent]
) -> None:
    """Record events to publish; they are sent only if the transaction commits."""
    if events:
        await db[OUTBOX].insert_many([outbox_document(e) for e in events], session=session)


def outbox_document(event: CloudEvent) -> Document:
    return {
        "_id": event.id,
        "topic": event.topic,
        "key": event.key,
        "type": event.type,
        "source": event.source,
        "subject": event.subject,
        "time": event.time,
        "districtid": event.districtid,
        "data": event.data,
        "created_at": datetime.now(UTC),
        SEQUENCE: next_sequence(),
        # Epoch milliseconds, not a date: the embedded store turns dates written with `$set`
        # into strings, which no longer compare with dates.
        SENT: None,
    }


def event_from_outbox(doc: Document) -> CloudEvent:
    return CloudEvent(
        id=doc["_id"],
        source=doc["source"],
        type=doc["type"],
        subject=doc["subject"],
        time=doc["time"],
        districtid=doc["districtid"],
        key=doc["key"],
        topic=doc["topic"],
        data=doc["data"],
    )


async def create_outbox_indexes(db: AsyncDatabase[Document]) -> None:
    await db[OUTBOX].create_index([(SENT, ASCENDING), (SEQUENCE, ASCENDING)])
