"""Records stored before their lists were paged get their order key at the first start-up
that knows it, and are paged with the others (ADR 0044); later start-ups read one document."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from bookend.contracts.feedback import (
    CheckInSignal,
    Connectivity,
    LearningPreference,
    PromptKind,
    PromptStatus,
    PulseRespondent,
    Wellbeing,
    Workload,
)
from bookend.mongo import MIGRATIONS
from bookend.paging import PageAsk
from services.feedback.live.domain import CheckIn
from services.feedback.live.store import CHECK_INS, check_in_document
from services.feedback.prompts.domain import Prompt, Tally
from services.feedback.prompts.store import PROMPTS, prompt_document
from services.feedback.pulse.domain import Pulse, PulseAnswers
from services.feedback.pulse.store import ORDER, SECTION_PULSES
from services.feedback.store import FeedbackStore, FeedbackTransaction
from tests.support.find_commands import FindCommands
from tests.support.query_plans import watched_database

if TYPE_CHECKING:  # the root conftest is not imported at run time
    from tests.conftest import Embedded

D = "district-1"
AT = datetime(2026, 1, 5, 14, tzinfo=UTC)
WEEK = "2026-W02"
ANSWERS = PulseAnswers(
    Workload.ABOUT_RIGHT, Wellbeing.GOOD, Connectivity.GOOD, False, LearningPreference.BALANCED
)


@pytest.fixture
async def store(embedded: Embedded) -> AsyncIterator[tuple[FeedbackStore, FindCommands]]:
    async with watched_database(embedded, "feedback_paged_list_keys") as watched:
        yield FeedbackStore(watched.client, watched.database), watched.finds


def prompt(n: int) -> Prompt:
    return Prompt(
        id=f"p{n}",
        district_id=D,
        session_id="s",
        section_id="sec",
        kind=PromptKind.SHORT_TEXT,
        question="Why?",
        choices=(),
        status=PromptStatus.CLOSED,
        opened_by="teacher-1",
        opened_at=AT - timedelta(minutes=n),  # later ones opened earlier
        expected=3,
        tally=Tally.empty(0),
    )


def pulse(student: str) -> Pulse:
    respondent = PulseRespondent.STUDENT
    return Pulse(
        f"pulse-{student}", D, WEEK, student, student, respondent, ANSWERS, ("sec",), AT, AT
    )


async def test_records_stored_before_paging_get_their_keys_once_and_are_paged(
    store: tuple[FeedbackStore, FindCommands],
) -> None:
    feedback, finds = store
    check_ins = [
        CheckIn(
            f"c{n}", D, "s", "sec", "ana", CheckInSignal.GOT_IT, None, AT - timedelta(minutes=n)
        )
        for n in (1, 2)
    ]
    await feedback.create_indexes()

    async def pulses(tx: FeedbackTransaction) -> None:
        for student in ("zoe", "amy"):
            await tx.save_pulse(pulse(student))

    await feedback.atomically(pulses)
    await feedback.db[SECTION_PULSES].update_many({}, {"$unset": {ORDER: ""}})
    for collection, doc in [
        *((CHECK_INS, check_in_document(item)) for item in check_ins),
        *((PROMPTS, prompt_document(prompt(n))) for n in (1, 2)),
    ]:
        del doc["order"]  # as they were stored before their lists were paged
        await feedback.db[collection].insert_one(doc)
    await feedback.db[MIGRATIONS].delete_many({})  # and before the start-ups that add them

    await feedback.create_indexes()  # what a start-up does

    asked = PageAsk(1)
    assert (await feedback.page_check_ins(D, "s", asked)).items == [check_ins[1]]
    assert (await feedback.page_prompts(D, "s", asked)).items == [prompt(2)]
    week = await feedback.page_section_pulses(D, "sec", WEEK, asked)
    assert (week.items, week.more) == ([pulse("amy")], True)

    finds.sent.clear()
    await feedback.create_indexes()  # a later start-up
    assert {find["find"] for find in finds.sent} == {MIGRATIONS}
