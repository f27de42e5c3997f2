"""Every slice's storage ports as one, as `store.py` composes their stores: what the inbound
handlers need, since one event (a session's end) changes several slices at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from services.feedback.assessment import ports as assessment
from services.feedback.live import ports as live
from services.feedback.notes import ports as notes
from services.feedback.plan.ports import PlanWrites
from services.feedback.progress import ports as progress
from services.feedback.prompts import ports as prompts
from services.feedback.pulse import ports as pulse
from services.feedback.questions import ports as questions

T = TypeVar("T")


class Transaction(
    live.Transaction,
    prompts.Transaction,
    progress.Transaction,
    pulse.Transaction,
    PlanWrites,
    questions.Transaction,
    notes.Transaction,
    assessment.Transaction,
    Protocol,
):
    """Offers every slice's `Transaction` port."""


class Store(
    live.Reads, prompts.Reads, progress.Reads, pulse.Reads, questions.Reads, notes.Reads, Protocol
):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
