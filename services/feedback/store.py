"""Feedback's one database: every slice's queries and writes on one store and transaction, so
a change and the events it causes commit together."""

from __future__ import annotations

from bookend.outbox import OutboxStore, OutboxTransaction
from services.feedback.assessment import store as assessment
from services.feedback.assessment.store import AssessmentQueries, AssessmentWrites
from services.feedback.live import store as live
from services.feedback.live.store import LiveQueries, LiveWrites
from services.feedback.progress import store as progress
from services.feedback.progress.store import ProgressQueries, ProgressWrites
from services.feedback.prompts import store as prompts
from services.feedback.prompts.store import PromptQueries, PromptWrites
from services.feedback.pulse import store as pulse
from services.feedback.pulse.store import PulseQueries, PulseWrites


class FeedbackTransaction(
    OutboxTransaction, LiveWrites, PromptWrites, ProgressWrites, PulseWrites, AssessmentWrites
):
    """Offers every slice's `Transaction` port."""


class FeedbackStore(
    OutboxStore[FeedbackTransaction],
    LiveQueries,
    PromptQueries,
    ProgressQueries,
    PulseQueries,
    AssessmentQueries,
):
    transaction = FeedbackTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        for collection, fields, unique in (
            *live.INDEXES,
            *prompts.INDEXES,
            *progress.INDEXES,
            *pulse.INDEXES,
            *assessment.INDEXES,
        ):
            await self._index(collection, fields, unique=unique)
