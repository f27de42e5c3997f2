"""The inbox: each consumer applies an inbound event once, in the transaction of its effect."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bookend.mongo import Document

INBOX = "inbox"


async def mark_processed(
    db: AsyncDatabase[Document], session: AsyncClientSession | None, consumer: str, event_id: str
) -> bool:
    """Mark an inbound event processed; False if this consumer has processed it before.

    The unique `_id` makes a racing duplicate fail the whole transaction, effect included.
    """
    key = f"{consumer}:{event_id}"
    if await db[INBOX].find_one({"_id": key}, session=session) is not None:
        return False
    await db[INBOX].insert_one(
        {
            "_id": key,
            "consumer": consumer,
            "event_id": event_id,
            "processed_at": datetime.now(UTC),
        },
        session=session,
    )
    return True


async def create_inbox_indexes(db: AsyncDatabase[Document]) -> None:
    await db[INBOX].create_index([("consumer", ASCENDING), ("event_id", ASCENDING)], unique=True)
