"""Feedback's one database: every slice's queries and writes on one store and transaction, so
a change and the events it causes commit together."""

from __future__ import annotations

from bookend.outbox import OutboxStore, OutboxTransaction
from services.feedback.assessment import store as assessment
from services.feedback.assessment.store import AssessmentQueries, AssessmentWrites
from services.feedback.live import store as live
from services.feedback.live.store import LiveQueries, LiveWrites
from services.feedback.notes import store as notes
from services.feedback.notes.store import NoteQueries, NoteWrites
from services.feedback.plan import store as plan
from services.feedback.plan.store import PlanQueries, PlanWrites
from services.feedback.progress import store as progress
from services.feedback.progress.store import ProgressQueries, ProgressWrites
from services.feedback.prompts import store as prompts
from services.feedback.prompts.store import PromptQueries, PromptWrites
from services.feedback.pulse import store as pulse
from services.feedback.pulse.store import PulseQueries, PulseWrites
from services.feedback.questions import store as questions
from services.feedback.questions.store import QuestionQueries, QuestionWrites


class FeedbackTransaction(
    OutboxTransaction,
    LiveWrites,
    PromptWrites,
    ProgressWrites,
    PulseWrites,
    AssessmentWrites,
    PlanWrites,
    QuestionWrites,
    NoteWrites,
):
    """Offers every slice's `Transaction` port."""


class FeedbackStore(
    OutboxStore[FeedbackTransaction],
    LiveQueries,
    PromptQueries,
    ProgressQueries,
    PulseQueries,
    AssessmentQueries,
    PlanQueries,
    QuestionQueries,
    NoteQueries,
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
            *plan.INDEXES,
            *questions.INDEXES,
            *notes.INDEXES,
        ):
            await self._index(collection, fields, unique=unique)
        await self.add_report_lines()
        await self.add_check_in_order()
        await self.add_prompt_order()
        await self.add_section_pulse_order()
