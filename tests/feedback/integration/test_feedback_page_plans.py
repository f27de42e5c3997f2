"""Every page of feedback's lists that grow is one range of an index on the embedded store, in
the list's order and no further than the page (ADR 0044), the first page and one after a
cursor alike; the plans are taken as the feed's are (ADR 0007, tests/support/query_plans.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bookend.clock import IsoWeek
from bookend.contracts.feedback import (
    CheckInSignal,
    Connectivity,
    LearningPreference,
    PromptKind,
    PromptStatus,
    PulseRespondent,
    QuestionPhase,
    TaskProgress,
    Wellbeing,
    Workload,
)
from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.paging import PageAsk
from services.feedback.assessment.domain import Figures, PulseSummary, SectionAssessment
from services.feedback.live.domain import CheckIn, SectionSchool
from services.feedback.progress.domain import Progress, ProgressLog
from services.feedback.prompts.domain import Answer, Prompt, Tally
from services.feedback.pulse.domain import Pulse, PulseAnswers
from services.feedback.questions.domain import FollowUp, Question
from services.feedback.store import FeedbackStore, FeedbackTransaction
from tests.support.query_plans import (
    Paged,
    Seeded,
    one_index_range,
    replay,
    watched_database,
)

if TYPE_CHECKING:  # the root conftest is not imported at run time
    from tests.conftest import Embedded

D = "district-1"
ROWS = 120  # of each list, and a third as many of another session, prompt, task or section
AT = datetime(2026, 1, 5, 14, tzinfo=UTC)
WEEK = "2026-W02"


def student(n: int) -> str:
    return f"student-{n:04d}"


async def seed(tx: FeedbackTransaction) -> None:
    """A session's check-ins, prompts and questions, a prompt's answers, a task's progress and
    a section's week of pulses; and fewer of each around them, of another scope."""
    for scope, rows in (("ours", ROWS), ("theirs", ROWS // 3)):
        for n in range(rows):
            at = AT + timedelta(seconds=n)
            await tx.add_check_in(
                CheckIn(
                    f"{scope}-c{n}",
                    D,
                    scope,
                    "sec",
                    student(n % 20),
                    CheckInSignal.GOT_IT,
                    None,
                    at,
                )
            )
            prompt = Prompt(
                id=f"{scope}-p{n}",
                district_id=D,
                session_id=scope,
                section_id="sec",
                kind=PromptKind.SHORT_TEXT,
                question="Why?",
                choices=(),
                status=PromptStatus.CLOSED,
                opened_by="teacher-1",
                opened_at=at,
                expected=rows,
                tally=Tally.empty(0),
            )
            await tx.save_prompt(prompt)
            await tx.save_answer(Answer(scope, D, "s", "sec", student(n), None, "because", at))
            await tx.add_question(
                Question(
                    id=f"{scope}-q{n}",
                    district_id=D,
                    session_id=scope,
                    section_id="sec",
                    asker_id=student(n % 40),
                    text="Why?",
                    visibility=Visibility.CLASS if n % 4 else Visibility.TEACHER,
                    phase=QuestionPhase.DURING,
                    asked_at=at,
                    follow_up=FollowUp("teacher-1", at, None) if n % 3 == 0 else None,
                )
            )
            progress = Progress(TaskProgress.STARTED, at, None, None, 60)
            await tx.save_progress_log(ProgressLog(D, scope, "sec", student(n), progress, ()))
            answers = PulseAnswers(
                Workload.ABOUT_RIGHT,
                Wellbeing.GOOD,
                Connectivity.GOOD,
                False,
                LearningPreference.BALANCED,
            )
            await tx.save_pulse(
                Pulse(
                    f"{scope}-pulse{n}",
                    D,
                    WEEK,
                    student(n),
                    student(n),
                    PulseRespondent.STUDENT,
                    answers,
                    (scope,),
                    at,
                    at,
                )
            )
            section = f"{scope}-sec{n:04d}"
            await tx.save_section_school(SectionSchool(section, D, scope))
            await tx.save_assessment(
                SectionAssessment(
                    D, section, IsoWeek.parse(WEEK), Figures(50, 50, 20, 10, 1, 0, 0, 0),
                    PulseSummary(), (), (), at, f"a-{section}",
                )
            )  # fmt: skip


@pytest.fixture(scope="module")
async def seeded(embedded: Embedded) -> AsyncIterator[Seeded[FeedbackStore]]:
    async with watched_database(embedded, "feedback_paged_list_plans") as watched:
        store = FeedbackStore(watched.client, watched.database)
        await store.create_indexes()
        await store.atomically(seed)
        yield Seeded(store, watched.finds, watched.db_file)


PAGED: dict[str, Paged[FeedbackStore]] = {
    "check-ins of a session": Paged(lambda s, a: s.page_check_ins(D, "ours", a), "checkins", 2),
    "a student's check-ins": Paged(
        lambda s, a: s.page_check_ins(D, "ours", a, student_id=student(7)), "checkins", 3
    ),
    "prompts of a session": Paged(lambda s, a: s.page_prompts(D, "ours", a), "prompts", 2),
    "answers to a prompt": Paged(lambda s, a: s.page_answers(D, "ours", a), "prompt_answers", 2),
    "questions of a session": Paged(lambda s, a: s.page_questions(D, "ours", a), "questions", 2),
    "class questions of a session": Paged(
        lambda s, a: s.page_questions(D, "ours", a, visibility=Visibility.CLASS), "questions", 3
    ),
    "a student's own questions": Paged(
        lambda s, a: s.page_questions(
            D, "ours", a, asker_id=student(0), visibility=Visibility.TEACHER
        ),
        "questions",
        3,  # the asker's range; their visibility checked on its rows (at most 10)
    ),
    # Left for the follow-up: checked on the rows of the session's range (at most 500).
    "questions left for the follow-up": Paged(
        lambda s, a: s.page_questions(D, "ours", a, follow_up=True), "questions", 2
    ),
    "progress on a task": Paged(
        lambda s, a: s.page_task_progress(D, "ours", a), "progress_logs", 2
    ),
    "a week's report of the district": Paged(
        lambda s, a: s.page_report_lines(D, WEEK, a), "balance_assessments", 2
    ),
    "a week's report of a school": Paged(
        lambda s, a: s.page_report_lines(D, WEEK, a, school_id="ours"), "balance_assessments", 3
    ),
    "a section's week of pulses": Paged(
        lambda s, a: s.page_section_pulses(D, "ours", WEEK, a), "section_pulses", 3
    ),
}


@pytest.mark.parametrize("name", PAGED)
@pytest.mark.parametrize("deep", [False, True], ids=["first page", "deep page"])
async def test_a_page_is_one_index_range_read_with_its_order_and_limit(
    seeded: Seeded[FeedbackStore], tmp_path: Path, name: str, deep: bool
) -> None:
    await one_index_range(seeded, PAGED[name], tmp_path / "snapshot.db", first=5, deep=deep)


async def test_a_count_reads_ids_from_the_lists_own_range(
    seeded: Seeded[FeedbackStore], tmp_path: Path
) -> None:
    """`totalCount` costs one more read of the same index range, ids only."""
    seeded.finds.sent.clear()
    page = await seeded.store.page_check_ins(D, "ours", PageAsk(5, total=True))
    assert page.total == ROWS
    _, count = seeded.finds.on("checkins")
    assert count["projection"] == {"_id": 1}
    found, [statement] = replay(seeded.db_file, tmp_path / "snapshot.db", count)
    assert len(found) == ROWS
    [read] = [step for step in statement.plan if " checkins " in f"{step} "]
    assert read.startswith("SEARCH checkins USING INDEX ") and "(<expr>=? AND <expr>=?)" in read
