"""One MongoDB transaction holding a state change, its outbox records and its inbox mark."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Generic, TypeVar

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bookend.contracts import CloudEvent
from bookend.outbox.mongo import Document, write_gate

OUTBOX = "outbox"
INBOX = "inbox"
SENT = "sent_at_ms"
SEQUENCE = "sequence"

_last_sequence = 0


def _next_sequence() -> int:
    """Nanoseconds since the epoch, strictly increasing within the process.

    The relay publishes in this order, so events emitted in one transaction (a session and
    its tasks) leave in the order they were emitted; a timestamp alone ties within a
    millisecond, and a random id would then shuffle them.
    """
    global _last_sequence
    _last_sequence = max(_last_sequence + 1, time.time_ns())
    return _last_sequence

T = TypeVar("T")


class MongoTransaction:
    """Base of every service's transaction object: stores add their repositories to it."""

    def __init__(self, db: AsyncDatabase[Document], session: AsyncClientSession) -> None:
        self.db = db
        self.session = session
        self.emitted = False

    async def emit(self, event: CloudEvent) -> None:
        """Record an event to publish; it is sent only if the transaction commits."""
        await self.db[OUTBOX].insert_one(outbox_document(event), session=self.session)
        self.emitted = True

    async def first_time(self, consumer: str, event_id: str) -> bool:
        """Mark an inbound event processed; False if this consumer has processed it before.

        The unique `_id` makes a racing duplicate fail the whole transaction, effect included.
        """
        key = f"{consumer}:{event_id}"
        if await self.db[INBOX].find_one({"_id": key}, session=self.session) is not None:
            return False
        await self.db[INBOX].insert_one(
            {"_id": key, "consumer": consumer, "event_id": event_id,
             "processed_at": datetime.now(UTC)},
            session=self.session,
        )
        return True


Tx = TypeVar("Tx", bound=MongoTransaction)


async def run_atomically(
    client: AsyncMongoClient[Document],
    make: Callable[[AsyncClientSession], Tx],
    work: Callable[[Tx], Awaitable[T]],
    *,
    on_commit: Callable[[], None] | None = None,
) -> T:
    """Run `work` in a transaction, retrying it on transient errors (write conflicts, elections).

    `on_commit` runs once the transaction has committed with events in the outbox (the relay's
    wake-up), so they leave at once instead of at the next poll.
    """
    attempts: list[Tx] = []

    async def callback(session: AsyncClientSession) -> T:
        attempts.append(make(session))
        return await work(attempts[-1])

    async with write_gate(client), client.start_session() as session:
        result = await session.with_transaction(callback)
    if on_commit is not None and attempts and attempts[-1].emitted:
        on_commit()
    return result


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
        SEQUENCE: _next_sequence(),
        # Epoch milliseconds, not a date: the embedded store turns dates written with `$set`
        # into strings, which no longer compare with dates.
        SENT: None,
    }


def event_from_outbox(doc: Document) -> CloudEvent:
    return CloudEvent(
        id=doc["_id"], source=doc["source"], type=doc["type"], subject=doc["subject"],
        time=doc["time"], districtid=doc["districtid"], key=doc["key"], topic=doc["topic"],
        data=doc["data"],
    )


async def create_delivery_indexes(db: AsyncDatabase[Document]) -> None:
    await db[OUTBOX].create_index([(SENT, ASCENDING), (SEQUENCE, ASCENDING)])
    await db[INBOX].create_index(
        [("consumer", ASCENDING), ("event_id", ASCENDING)], unique=True
    )


class MongoStore(Generic[Tx]):
    """Base of every service's store: its database, and `atomically` over its transaction type.

    `on_commit` is the relay's wake-up, called after a commit that emitted events.
    """

    transaction: type[Tx]

    def __init__(
        self,
        client: AsyncMongoClient[Document],
        database: str,
        *,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.db: AsyncDatabase[Document] = client[database]
        self._on_commit = on_commit

    async def atomically(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        return await run_atomically(
            self.client, lambda session: self.transaction(self.db, session), work,
            on_commit=self._on_commit,
        )
