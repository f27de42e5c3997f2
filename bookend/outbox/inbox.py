"""The inbox: each consumer applies an inbound event once, in the transaction of its effect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bookend.mongo import Document

INBOX = "inbox"
# Far longer than any redelivery: Kafka keeps records 7 days, dead letters are replayed within
# days, and a rewind reaches back at most the topic's retention (ADR 0012).
INBOX_RETENTION = timedelta(days=30)


async def mark_processed(
    db: AsyncDatabase[Document], session: AsyncClientSession | None, consumer: str, event_id: str
) -> bool:
    """Mark an inbound event processed; False if this consumer has processed it before.

    The unique `_id` makes a racing duplicate fail the whole transaction, effect included.
    """
    key = f"{consumer}:{event_id}"
    now = datetime.now(UTC)
    if await db[INBOX].find_one({"_id": key}, session=session) is not None:
        return False
    await db[INBOX].insert_one(
        {
            "_id": key,
            "consumer": consumer,
            "event_id": event_id,
            "processed_at": now,
            # A number for pruning: the embedded store compares numbers reliably (ADR 0007).
            "processed_at_ms": int(now.timestamp() * 1000),
        },
        session=session,
    )
    return True


async def create_inbox_indexes(db: AsyncDatabase[Document]) -> None:
    await db[INBOX].create_index([("consumer", ASCENDING), ("event_id", ASCENDING)], unique=True)


async def forget_processed(db: AsyncDatabase[Document], before_ms: int) -> None:
    await db[INBOX].delete_many({"processed_at_ms": {"$lt": before_ms}})
