"""The transaction and store every service derives from: emit to the outbox, check the inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession

from bookend.contracts import CloudEvent
from bookend.mongo import MongoClient, MongoStore, MongoTransaction
from bookend.outbox.emit import create_outbox_indexes, write_outbox
from bookend.outbox.inbox import create_inbox_indexes, mark_processed


class Outbox(Protocol):
    """What every service's transaction port offers beside its own writes."""

    async def emit(self, *events: CloudEvent) -> None:
        """Record events to publish; they leave only if the transaction commits."""
        ...

    async def first_time(self, consumer: str, event_id: str) -> bool:
        """Mark an inbound event processed; False if `consumer` has processed it before."""
        ...


def _no_wake() -> None:
    """Without a relay to wake (tools, tests), committed events wait for the next poll."""


class OutboxTransaction(MongoTransaction):
    # Set by the store that begins the transaction: the relay's wake-up.
    wake: Callable[[], None] = staticmethod(_no_wake)

    async def emit(self, *events: CloudEvent) -> None:
        await write_outbox(self.db, self.session, list(events))
        if events:
            # After the commit, so the relay finds them; not at all if it aborts.
            self.after_commit(self.wake)

    async def first_time(self, consumer: str, event_id: str) -> bool:
        return await mark_processed(self.db, self.session, consumer, event_id)


OutboxTx = TypeVar("OutboxTx", bound=OutboxTransaction)


class OutboxStore(MongoStore[OutboxTx]):
    """A service's store: its transactions emit events, and `wake` tells the relay at once."""

    def __init__(
        self, client: MongoClient, database: str, wake: Callable[[], None] = _no_wake
    ) -> None:
        super().__init__(client, database)
        self._wake = wake

    def begin(self, session: AsyncClientSession) -> OutboxTx:
        tx = super().begin(session)
        tx.wake = self._wake
        return tx

    async def create_indexes(self) -> None:
        await super().create_indexes()
        await create_outbox_indexes(self.db)
        await create_inbox_indexes(self.db)
