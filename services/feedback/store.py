"""Feedback's one database: every slice's queries and writes on one store and transaction, so
a change and the events it causes commit together."""

from __future__ import annotations

from bookend.outbox import OutboxStore, OutboxTransaction
from services.feedback.live import store as live
from services.feedback.live.store import LiveQueries, LiveWrites
from services.feedback.notes import store as notes
from services.feedback.notes.store import NoteQueries, NoteWrites
from services.feedback.plan import store as plan
from services.feedback.plan.store import PlanQueries, PlanWrites
from services.feedback.questions import store as questions
from services.feedback.questions.store import QuestionQueries, QuestionWrites


class FeedbackTransaction(OutboxTransaction, LiveWrites, PlanWrites, QuestionWrites, NoteWrites):
    """Offers every slice's `Transaction` port."""


class FeedbackStore(
    OutboxStore[FeedbackTransaction], LiveQueries, PlanQueries, QuestionQueries, NoteQueries
):
    transaction = FeedbackTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        for collection, fields, unique in (
            *live.INDEXES,
            *plan.INDEXES,
            *questions.INDEXES,
            *notes.INDEXES,
        ):
            await self._index(collection, fields, unique=unique)
