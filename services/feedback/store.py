"""Feedback's one database: every slice's queries and writes on one store and transaction, so
a change and the events it causes commit together."""

from __future__ import annotations

from bookend.outbox import OutboxStore, OutboxTransaction
from services.feedback.live import store as live
from services.feedback.live.store import LiveQueries, LiveWrites
from services.feedback.prompts import store as prompts
from services.feedback.prompts.store import PromptQueries, PromptWrites


class FeedbackTransaction(OutboxTransaction, LiveWrites, PromptWrites):
    """Offers every slice's `Transaction` port."""


class FeedbackStore(OutboxStore[FeedbackTransaction], LiveQueries, PromptQueries):
    transaction = FeedbackTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        for collection, fields, unique in (*live.INDEXES, *prompts.INDEXES):
            await self._index(collection, fields, unique=unique)
