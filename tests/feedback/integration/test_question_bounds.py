"""A student's bound of questions about a session holds when their asks arrive all at once,
against the real embedded broker and store: exactly the bound is taken, every other ask is
refused naming the field and the rule, and each taken ask is counted in its tallies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bookend.outbox.emit import OUTBOX
from services.feedback.questions.domain import MAX_PER_STUDENT
from services.feedback.questions.store import QUESTIONS, TALLIES
from tests.feedback.integration.conftest import Feedback
from tests.feedback.integration.test_question_flow import ask, known_session


async def test_three_times_a_students_bound_asked_at_once_take_exactly_the_bound(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    session = unique("session")
    await known_session(feedback, session)
    askers = ("student-ana", "student-ben")
    answers = await asyncio.gather(
        *(
            ask(feedback, session, who, {"text": f"Question {n} of {who}", "visibility": "class"})
            for n in range(3 * MAX_PER_STUDENT)
            for who in askers
        )
    )

    taken = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert len(taken) == 2 * MAX_PER_STUDENT, [a.text for a in refused if a.status_code != 422]
    assert {a.status_code for a in refused} == {422}
    assert {tuple((e["field"], e["rule"]) for e in a.json()["errors"]) for a in refused} == {
        (("session_id", "max_questions"),)
    }
    db = feedback.store.db
    for who in askers:
        mine = await db[QUESTIONS].count_documents({"session_id": session, "asker_id": who})
        assert mine == MAX_PER_STUDENT
    tallies = await db[TALLIES].find({"session_id": session}, {"_id": 0}).to_list()
    assert sorted((t["scope"], t["asker_id"], t["asked"]) for t in tallies) == [
        ("asker", "student-ana", MAX_PER_STUDENT),
        ("asker", "student-ben", MAX_PER_STUDENT),
        ("session", "", 2 * MAX_PER_STUDENT),
    ]
    # Only the questions taken left an event.
    asked = {a.json()["id"] for a in taken}
    events = await db[OUTBOX].find({"data.session_id": session}).to_list()
    assert sorted(e["subject"] for e in events) == sorted(asked)

    # The bound is the student's: a classmate still asks.
    late = await ask(feedback, session, "student-cy", {"text": "And mine?"})
    assert late.status_code == 201, late.text
