"""A prompt of a live session left to the students who missed it (ADR 0034): it goes into
their feeds only, due with the section's follow-up, once however often it is told; their late
answer shows it done, and answers given in the session touch no feed."""

from __future__ import annotations

from datetime import timedelta

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.feedback import PromptAnswered, PromptAssigned, PromptResults
from bookend.contracts.scheduler import Bookend, FeedItemKind, FeedItemStatus
from tests.scheduler.builders import MONDAY, D, enrol, feed_of, schedule
from tests.scheduler.fakes import FakeScheduler
from tests.scheduler.unit.test_session_recordings import deliver
from tests.support.fakes import Clock

ENDED = MONDAY + timedelta(minutes=50)
RESULTS = PromptResults(answered=1, expected=2, counts=[1, 0], revision=1)


def assigned(session_id: str, students: list[str], prompt_id: str = "prompt-1") -> CloudEvent:
    payload = PromptAssigned(
        district_id=D,
        prompt_id=prompt_id,
        session_id=session_id,
        section_id="sec-math",
        student_ids=students,
        assigned_at=ENDED,
    )
    return new_event("bookend/feedback", payload)


def answered(session_id: str, student: str, *, late: bool) -> CloudEvent:
    payload = PromptAnswered(
        district_id=D,
        prompt_id="prompt-1",
        session_id=session_id,
        section_id="sec-math",
        student_id=student,
        late=late,
        answered_at=ENDED + timedelta(hours=1),
        results=RESULTS,
    )
    return new_event("bookend/feedback", payload)


async def prompts_of(store: FakeScheduler, student: str) -> list[tuple[str, str]]:
    return [
        (item.item_id, item.title)
        for item in await feed_of(store, student)
        if item.kind is FeedItemKind.PROMPT
    ]


async def test_a_prompt_left_to_absent_students_reaches_their_feeds_only_once(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    session = (await schedule(store, MONDAY)).session
    told = assigned(session.id, ["student-3"])
    await deliver(store, told, told, assigned(session.id, ["student-3"]))
    title = f"Check for understanding: {session.title}"
    assert await prompts_of(store, "student-3") == [("prompt-1", title)]
    assert await prompts_of(store, "student-1") == []
    [item] = [i for i in await feed_of(store, "student-3") if i.item_id == "prompt-1"]
    # Open from the end, due with the section's follow-up (two days by default).
    assert (item.opens_at, item.due_at, item.bookend) == (
        ENDED,
        ENDED + timedelta(hours=48),
        Bookend.FOLLOW_UP,
    )
    assert (item.session_id, item.lesson_id) == (session.id, session.lesson_id)
    assert item.status(ENDED + timedelta(minutes=1)) is FeedItemStatus.NOT_STARTED
    assert item.status(ENDED + timedelta(days=3)) is FeedItemStatus.OVERDUE


async def test_a_late_answer_shows_the_prompt_done_and_live_answers_change_no_feed(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    session = (await schedule(store, MONDAY)).session
    await deliver(store, assigned(session.id, ["student-3"]))
    before = list(store.emitted)
    await deliver(store, answered(session.id, "student-1", late=False))
    assert store.emitted == before  # nothing stored, nobody told
    await deliver(store, answered(session.id, "student-3", late=True))
    [item] = [i for i in await feed_of(store, "student-3") if i.item_id == "prompt-1"]
    assert item.status(ENDED + timedelta(days=3)) is FeedItemStatus.DONE
    changed = [e for e in store.emitted[len(before) :] if e.type.endswith("feed.changed.v1")]
    assert [e.data["student_ids"] for e in changed] == [["student-3"]]
    # Told twice: done stays done, and nobody is told again.
    await deliver(store, answered(session.id, "student-3", late=True))
    assert (
        len([e for e in store.emitted if e.type.endswith("feed.changed.v1")])
        == len([e for e in before if e.type.endswith("feed.changed.v1")]) + 1
    )


async def test_a_prompt_of_an_unknown_session_is_passed_by(store: FakeScheduler) -> None:
    await deliver(store, assigned("no-such-session", ["student-1"]))
    assert await prompts_of(store, "student-1") == []
