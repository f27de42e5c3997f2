"""Asks that arrive at once, in a store whose transactions behave as on a MongoDB replica set:
each reads the state as it was when it began, so two asks can both count one under a bound.
Every ask writes its session's and its asker's tallies, so the second to commit conflicts
and runs again, and the bounds hold (ADR 0039)."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.ids import new_id
from bookend.problems import InvalidInput
from services.feedback.questions import service
from services.feedback.questions.domain import (
    MAX_PER_SESSION,
    MAX_PER_STUDENT,
    Question,
    QuestionView,
)
from tests.feedback import builders
from tests.feedback.fakes import FakeFeedback, FakeFeedbackTransaction
from tests.feedback.question_builders import student
from tests.feedback.unit.test_question_use_cases import deliver
from tests.support.fakes import TickingClock

T = TypeVar("T")


class ReplicaSetFeedback(FakeFeedback):
    """Snapshot isolation with write conflicts on the tallies, as a replica set has them
    (the only writes asks share): a transaction works on a copy of the state it began from;
    at its commit, if another transaction committed a tally it wrote since, it is aborted
    and run again (as `with_transaction` does on a WriteConflict); otherwise its questions,
    tallies and events join what others committed meanwhile (asks are all that run at once
    here)."""

    conflicts = 0

    async def atomically(self, work: Callable[[FakeFeedbackTransaction], Awaitable[T]]) -> T:
        while True:
            begun = self.state
            draft = copy.deepcopy(begun)
            await asyncio.sleep(0)  # every ask at once begins from the same state
            result = await work(self.transaction(draft))
            before, now = begun.asked.tallies, self.state.asked.tallies
            written = [k for k, n in draft.asked.tallies.items() if before.get(k) != n]
            if any(now.get(k) != before.get(k) for k in written):
                self.conflicts += 1
                continue
            if self.state is begun:  # no one committed meanwhile
                self.state = draft
                return result
            merged = copy.deepcopy(self.state)
            merged.asked.questions.update(
                (k, q) for k, q in draft.asked.questions.items() if k not in begun.asked.questions
            )
            merged.asked.tallies.update((k, draft.asked.tallies[k]) for k in written)
            merged.outbox.extend(draft.outbox[len(begun.outbox) :])
            self.state = merged
            return result


async def scheduled() -> ReplicaSetFeedback:
    store = ReplicaSetFeedback()
    await deliver(store, builders.scheduled("s1", "sec1", "d1", "school-1"))
    return store


async def ask(store: FakeFeedback, who: str, n: int) -> QuestionView | InvalidInput:
    try:
        return await service.ask_question(
            "s1",
            text=f"Question {n}",
            visibility=Visibility.TEACHER,
            principal=student(who),
            store=store,
            clock=TickingClock(),
            ids=new_id,
        )
    except InvalidInput as refused:
        return refused


def refusals(answers: list[QuestionView | InvalidInput]) -> set[tuple[tuple[str, str], ...]]:
    return {
        tuple((e.field, e.rule) for e in a.errors) for a in answers if isinstance(a, InvalidInput)
    }


async def test_a_students_asks_at_once_take_exactly_their_bound() -> None:
    store = await scheduled()
    answers = await asyncio.gather(*(ask(store, "ana", n) for n in range(3 * MAX_PER_STUDENT)))
    taken = [a for a in answers if isinstance(a, QuestionView)]
    assert len(taken) == MAX_PER_STUDENT
    assert refusals(answers) == {(("session_id", "max_questions"),)}
    assert len(store.state.asked.questions) == len(store.emitted) == MAX_PER_STUDENT
    assert store.state.asked.tallies[("d1", "s1", "asker", "ana")] == MAX_PER_STUDENT
    assert store.conflicts > 0  # they did meet


async def test_a_sessions_last_places_go_to_as_many_asks_at_once() -> None:
    store = await scheduled()
    first = await ask(store, "ana", 0)
    assert isinstance(first, QuestionView)
    # All but three places taken, as the store would hold them.
    record = store.state.asked.questions[first.id]
    for n in range(1, MAX_PER_SESSION - 3):
        copied = replace(record, id=f"q{n}", asker_id=f"st{n // MAX_PER_STUDENT}")
        store.state.asked.questions[copied.id] = copied
    store.state.asked.tallies[("d1", "s1", "session", "")] = MAX_PER_SESSION - 3

    answers = await asyncio.gather(*(ask(store, f"late-{n}", n) for n in range(12)))
    assert sum(isinstance(a, QuestionView) for a in answers) == 3
    assert refusals(answers) == {(("session_id", "max_session_questions"),)}
    assert len(store.state.asked.questions) == MAX_PER_SESSION


async def test_without_the_tallies_asks_at_once_would_pass_the_bound() -> None:
    """What the tallies are for: the same asks, their tallies' writes undone, all commit."""
    store = await scheduled()

    class Untallied(FakeFeedbackTransaction):
        async def add_question(self, question: Question) -> None:
            kept = dict(self.state.asked.tallies)
            await super().add_question(question)
            self.state.asked.tallies = kept

    store.transaction = Untallied
    answers = await asyncio.gather(*(ask(store, "ana", n) for n in range(3 * MAX_PER_STUDENT)))
    assert all(isinstance(a, QuestionView) for a in answers)
    assert store.conflicts == 0
