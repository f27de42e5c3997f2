"""Questions' use cases with an in-memory store: asking before, during and after a session,
upvotes, answers and the follow-up, their bounds and refusals, and events that name no one."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts import CloudEvent, Topic
from bookend.contracts.feedback import AnswerMode, QuestionPhase, QuestionStatus
from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.contracts.scheduler import Bookend
from bookend.hosting import ServiceState
from bookend.ids import new_id
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.feedback.events import inbound
from services.feedback.plan.domain import (
    PlannedSessionNotFound,
    SessionCancelled,
    SessionNotStarted,
)
from services.feedback.questions import service
from services.feedback.questions.domain import (
    MAX_ANSWER,
    MAX_PER_SESSION,
    MAX_PER_STUDENT,
    MAX_SESSIONS_AT_ONCE,
    MAX_TEXT,
    AlreadyAnswered,
    QuestionNotFound,
    QuestionView,
)
from services.feedback.settings import FeedbackSettings
from tests.feedback import builders
from tests.feedback import question_builders as plan
from tests.feedback.fakes import FakeFeedback
from tests.feedback.question_builders import guardian, student, teacher
from tests.support.fakes import TickingClock

ALL = PageAsk()  # a first page, more than these tests list

TEXT = "Why does the rule flip for negatives?"


async def deliver(store: FakeFeedback, event: CloudEvent) -> None:
    state = ServiceState(store=store, settings=FeedbackSettings(), clock=TickingClock(), ids=new_id)
    await inbound(state)(event)


async def scheduled() -> FakeFeedback:
    store = FakeFeedback()
    await deliver(store, builders.scheduled("s1", "sec1", "d1", "school-1"))
    return store


async def ask(
    store: FakeFeedback,
    who: Principal | None = None,
    visibility: Visibility = Visibility.CLASS,
    text: str = TEXT,
    session: str = "s1",
) -> QuestionView:
    return await service.ask_question(
        session,
        text=text,
        visibility=visibility,
        principal=who or student(),
        store=store,
        clock=TickingClock(),
        ids=new_id,
    )


async def answer(
    store: FakeFeedback,
    question_id: str,
    mode: AnswerMode = AnswerMode.WRITTEN,
    text: str | None = "Multiplying by a negative mirrors the number line.",
    who: Principal | None = None,
) -> QuestionView:
    return await service.answer_question(
        question_id,
        mode=mode,
        text=text,
        principal=who or teacher(),
        store=store,
        clock=TickingClock(),
    )


def stored(store: FakeFeedback) -> int:
    return len(store.state.asked.questions)


async def test_a_question_is_asked_before_during_or_after_the_session() -> None:
    store = await scheduled()
    before = await ask(store, student("ana"))
    await deliver(store, builders.started("s1", "sec1", "d1"))
    during = await ask(store, student("ben"))
    await deliver(store, builders.ended("s1", "sec1", "d1"))
    after = await ask(store, student("cy"), Visibility.TEACHER)
    assert [v.phase for v in (before, during, after)] == [
        QuestionPhase.BEFORE,
        QuestionPhase.DURING,
        QuestionPhase.AFTER,
    ]
    assert (before.mine, before.asker_id, before.status) == (True, None, QuestionStatus.OPEN)
    asked = [e for e in store.emitted if e.topic == Topic.FEEDBACK_QUESTION.value]
    assert [(e.type, e.key) for e in asked] == [("bookend.feedback.question.asked.v1", "sec1")] * 3
    assert [e.data["visibility"] for e in asked] == ["class", "class", "teacher"]


async def test_no_question_event_names_its_asker_or_carries_text() -> None:
    store = await scheduled()
    await deliver(store, plan.task_assigned("f1", "sec1", "d1", "s1", Bookend.FOLLOW_UP))
    asked = await ask(store, student("ana-asker"))
    other = await ask(store, student("ana-asker"), Visibility.TEACHER, "Another one, please")
    await service.upvote_question(
        asked.id, principal=student("ben-voter"), store=store, clock=TickingClock()
    )
    await deliver(store, builders.started("s1", "sec1", "d1"))
    await answer(store, asked.id, AnswerMode.LIVE, "Said aloud: mirrors")
    await service.mark_for_follow_up(
        other.id, principal=teacher(), store=store, clock=TickingClock()
    )
    kinds = [e.type.split(".")[3] for e in store.emitted]
    assert kinds == ["asked", "asked", "upvoted", "answered", "marked_for_follow_up"]
    for event in store.emitted:
        data = json.dumps(event.data)
        for secret in ("ana-asker", "ben-voter", "negatives", "Another one", "mirrors"):
            assert secret not in data, (event.type, data)
            assert secret not in f"{event.subject} {event.key}"  # headers and record key
    assert store.emitted[2].data["upvotes"] == 1
    assert store.emitted[4].data["follow_up_task_id"] == "f1"


async def test_only_a_teacher_only_questions_answer_names_its_asker_and_no_event_its_text() -> None:
    """So that the gateway hands that answer to its asker alone (ADR 0039); a class question's
    asker stays anonymous in every event."""
    store = await scheduled()
    in_class = await ask(store, student("ana-asker"))
    private = await ask(store, student("ana-asker"), Visibility.TEACHER, "Another one, please")
    await answer(store, in_class.id, text="In class: mirrors")
    await answer(store, private.id, text="Privately: mirrors")
    answered = [e for e in store.emitted if e.type.endswith(".answered.v1")]
    assert [(e.subject, e.data.get("asker_id")) for e in answered] == [
        (in_class.id, None),
        (private.id, "ana-asker"),
    ]
    for event in store.emitted:
        data = json.dumps(event.data)
        assert "mirrors" not in data and "Another one" not in data and "negatives" not in data
        if event.subject != private.id or "answered" not in event.type:
            assert "ana-asker" not in data, (event.type, data)
        assert "ana-asker" not in f"{event.subject} {event.key}"  # headers and record key


async def test_the_asker_reads_the_answer_of_their_teacher_only_question_and_no_classmate() -> None:
    store = await scheduled()
    asked = await ask(store, student("ana"), Visibility.TEACHER)
    answered = await answer(store, asked.id)
    own = await service.get_question(asked.id, principal=student("ana"), reads=store)
    [listed] = (
        await service.list_session_questions("s1", ALL, principal=student("ana"), reads=store)
    ).items
    assert own == listed
    assert (own.mine, own.asker_id, own.answer) == (True, None, answered.answer)
    with pytest.raises(QuestionNotFound):
        await service.get_question(asked.id, principal=student("ben"), reads=store)
    assert (
        await service.list_session_questions("s1", ALL, principal=student("ben"), reads=store)
    ).items == []


async def test_a_question_about_a_cancelled_or_unknown_session_is_refused() -> None:
    store = await scheduled()
    await deliver(store, plan.cancelled("s1", "sec1", "d1"))
    with pytest.raises(SessionCancelled):
        await ask(store)
    with pytest.raises(PlannedSessionNotFound):
        await ask(store, session="s-unknown")
    assert (stored(store), store.emitted) == (0, [])


@pytest.mark.parametrize(
    ("text", "rule"),
    [("", "required"), ("   \n ", "required"), ("x" * (MAX_TEXT + 1), "max_length")],
    ids=["empty", "blank", "too long"],
)
async def test_a_bad_text_is_refused_naming_it(text: str, rule: str) -> None:
    store = await scheduled()
    with pytest.raises(InvalidInput) as refused:
        await ask(store, text=text)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("text", rule)]
    assert (stored(store), store.emitted) == (0, [])


async def test_the_text_is_kept_trimmed_and_at_its_bound_is_taken() -> None:
    store = await scheduled()
    view = await ask(store, text="  " + "x" * MAX_TEXT + "  ")
    assert view.text == "x" * MAX_TEXT


async def test_a_student_asks_at_most_so_many_questions_about_a_session() -> None:
    store = await scheduled()
    for n in range(MAX_PER_STUDENT):
        await ask(store, text=f"question {n}")
    with pytest.raises(InvalidInput) as refused:
        await ask(store)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("session_id", "max_questions")]
    await ask(store, student("ben"))  # another student still may
    assert stored(store) == MAX_PER_STUDENT + 1


async def test_a_session_takes_at_most_so_many_questions() -> None:
    store = await scheduled()
    asked = await ask(store)
    # The rest as the store holds them: asking each through the fake copies its state each time.
    record = store.state.asked.questions[asked.id]
    for n in range(1, MAX_PER_SESSION):
        copy = replace(record, id=f"q{n}", asker_id=f"st{n // MAX_PER_STUDENT}")
        store.state.asked.questions[copy.id] = copy
    with pytest.raises(InvalidInput) as refused:
        await ask(store, student("late"))
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("session_id", "max_session_questions")
    ]
    assert stored(store) == MAX_PER_SESSION


@pytest.mark.parametrize(
    "who",
    [
        teacher(),
        guardian("g1", "ana"),
        student("cy", sections=frozenset({"sec2"})),
        Principal("a3", "d1", frozenset({Role.DISTRICT_ADMIN})),
    ],
    ids=["the teacher", "a guardian", "a student of another section", "an admin"],
)
async def test_only_students_of_the_section_ask(who: Principal) -> None:
    store = await scheduled()
    with pytest.raises(Forbidden):
        await ask(store, who)
    assert stored(store) == 0


async def test_a_classmate_upvotes_a_class_question_once() -> None:
    store = await scheduled()
    asked = await ask(store, student("ana"))
    ben = student("ben")
    first = await service.upvote_question(
        asked.id, principal=ben, store=store, clock=TickingClock()
    )
    again = await service.upvote_question(
        asked.id, principal=ben, store=store, clock=TickingClock()
    )
    assert (first.upvotes, first.upvoted, first.mine) == (1, True, False)
    assert again == first
    await service.upvote_question(
        asked.id, principal=student("cy"), store=store, clock=TickingClock()
    )
    [listed] = (
        await service.list_session_questions("s1", ALL, principal=student("ana"), reads=store)
    ).items
    assert (listed.upvotes, listed.upvoted) == (2, False)
    assert [e.data.get("upvotes") for e in store.emitted[1:]] == [1, 2]


async def test_an_asker_may_not_upvote_their_own_question() -> None:
    store = await scheduled()
    for visibility in (Visibility.CLASS, Visibility.TEACHER):
        asked = await ask(store, student("ana"), visibility)
        with pytest.raises(InvalidInput) as refused:
            await service.upvote_question(
                asked.id, principal=student("ana"), store=store, clock=TickingClock()
            )
        assert [(e.field, e.rule) for e in refused.value.errors] == [("question_id", "not_own")]
    assert len(store.emitted) == 2  # the two asked


async def test_a_teacher_only_question_does_not_exist_for_classmates() -> None:
    store = await scheduled()
    asked = await ask(store, student("ana"), Visibility.TEACHER)
    with pytest.raises(QuestionNotFound):
        await service.upvote_question(
            asked.id, principal=student("ben"), store=store, clock=TickingClock()
        )
    with pytest.raises(Forbidden):
        await service.upvote_question(
            asked.id, principal=teacher(), store=store, clock=TickingClock()
        )


async def test_staff_answer_in_writing_and_the_asker_and_class_see_the_answer() -> None:
    store = await scheduled()
    asked = await ask(store, student("ana"))
    answered = await answer(store, asked.id)
    assert answered.status is QuestionStatus.ANSWERED
    assert answered.answer is not None
    assert (answered.answer.mode, answered.answer.answered_by) == (AnswerMode.WRITTEN, "t1")
    assert answered.asker_id == "ana"
    for reader in (student("ana"), student("ben")):
        [seen] = (
            await service.list_session_questions("s1", ALL, principal=reader, reads=store)
        ).items
        assert seen.answer == answered.answer


async def test_a_live_answer_is_given_once_the_session_started_and_needs_no_text() -> None:
    store = await scheduled()
    asked = await ask(store)
    with pytest.raises(SessionNotStarted):
        await answer(store, asked.id, AnswerMode.LIVE, None)
    await deliver(store, builders.started("s1", "sec1", "d1"))
    answered = await answer(store, asked.id, AnswerMode.LIVE, None)
    assert answered.answer is not None
    assert (answered.answer.mode, answered.answer.text) == (AnswerMode.LIVE, None)


async def test_the_same_answer_again_changes_nothing_and_another_replaces_it() -> None:
    store = await scheduled()
    asked = await ask(store)
    first = await answer(store, asked.id)
    assert await answer(store, asked.id) == first
    fixed = await answer(store, asked.id, text="Better: it mirrors the number line.")
    assert fixed.answer is not None and fixed.answer.text == "Better: it mirrors the number line."
    assert [e.type.split(".")[3] for e in store.emitted] == ["asked", "answered", "answered"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [(None, "required"), (" ", "required"), ("x" * (MAX_ANSWER + 1), "max_length")],
    ids=["none", "blank", "too long"],
)
async def test_a_written_answer_needs_its_text(text: str | None, rule: str) -> None:
    store = await scheduled()
    asked = await ask(store)
    with pytest.raises(InvalidInput) as refused:
        await answer(store, asked.id, text=text)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("text", rule)]
    [listed] = (
        await service.list_session_questions("s1", ALL, principal=teacher(), reads=store)
    ).items
    assert listed.status is QuestionStatus.OPEN


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        (teacher("t2", frozenset({"sec2"})), QuestionNotFound),
        (student("ben"), Forbidden),
        (guardian("g1", "ana"), Forbidden),
    ],
    ids=["another section's teacher", "a classmate", "a guardian"],
)
async def test_only_the_sections_staff_answer_or_leave_for_the_follow_up(
    who: Principal, refusal: type[Exception]
) -> None:
    store = await scheduled()
    asked = await ask(store)
    with pytest.raises(refusal):
        await answer(store, asked.id, who=who)
    with pytest.raises(refusal):
        await service.mark_for_follow_up(asked.id, principal=who, store=store, clock=TickingClock())
    assert len(store.emitted) == 1


async def test_a_question_left_for_the_follow_up_names_its_task_and_is_answered_there() -> None:
    store = await scheduled()
    await deliver(store, plan.task_assigned("pre", "sec1", "d1", "s1", Bookend.PRE_WORK))
    await deliver(store, plan.task_assigned("follow", "sec1", "d1", "s1", Bookend.FOLLOW_UP))
    asked = await ask(store)
    marked = await service.mark_for_follow_up(
        asked.id, principal=teacher(), store=store, clock=TickingClock()
    )
    again = await service.mark_for_follow_up(
        asked.id, principal=teacher(), store=store, clock=TickingClock()
    )
    assert marked.status is QuestionStatus.FOR_FOLLOW_UP
    assert marked.follow_up is not None and marked.follow_up.task_id == "follow"
    assert again == marked
    answered = await answer(store, asked.id)
    assert answered.status is QuestionStatus.ANSWERED
    assert answered.follow_up == marked.follow_up  # answered in the follow-up, and says so
    with pytest.raises(AlreadyAnswered):
        await service.mark_for_follow_up(
            asked.id, principal=teacher(), store=store, clock=TickingClock()
        )
    kinds = [e.type.split(".")[3] for e in store.emitted]
    assert kinds == ["asked", "marked_for_follow_up", "answered"]


async def test_a_follow_up_task_withdrawn_is_not_named() -> None:
    store = await scheduled()
    await deliver(store, plan.task_assigned("follow", "sec1", "d1", "s1", Bookend.FOLLOW_UP))
    await deliver(store, plan.task_withdrawn("follow", "sec1", "d1", "s1"))
    asked = await ask(store)
    marked = await service.mark_for_follow_up(
        asked.id, principal=teacher(), store=store, clock=TickingClock()
    )
    assert marked.follow_up is not None and marked.follow_up.task_id is None


async def test_the_questions_left_for_each_sessions_follow_up_are_read_at_once() -> None:
    store = await scheduled()
    await deliver(store, builders.scheduled("s2", "sec1", "d1", "school-1"))
    clock = TickingClock()  # one clock: asked one after another
    first, kept, later = [
        await service.ask_question(
            "s1",
            text=f"Question {n}",
            visibility=Visibility.CLASS,
            principal=student(),
            store=store,
            clock=clock,
            ids=new_id,
        )
        for n in range(3)
    ]
    other = await ask(store, session="s2")
    for question in (later, first, other):  # left in another order than asked
        await service.mark_for_follow_up(
            question.id, principal=teacher(), store=store, clock=TickingClock()
        )
    await answer(store, first.id)  # answered in the follow-up since: still listed, answered
    pages = await service.list_follow_up_questions(
        ["s2", "s1", "s2"], ALL, principal=student("ben"), reads=store
    )
    assert list(pages) == ["s2", "s1"]  # each session once, in the order asked
    listed = [q for page in pages.values() for q in page.items]
    assert [q.id for q in listed] == [other.id, first.id, later.id]
    assert [q.status for q in listed] == [
        QuestionStatus.FOR_FOLLOW_UP,
        QuestionStatus.ANSWERED,
        QuestionStatus.FOR_FOLLOW_UP,
    ]
    assert kept.id not in {q.id for q in listed}


async def test_follow_up_questions_of_too_many_sessions_at_once_are_refused_naming_the_bound() -> (
    None
):
    store = await scheduled()
    sessions = [f"s{n}" for n in range(MAX_SESSIONS_AT_ONCE + 1)]
    with pytest.raises(InvalidInput) as refused:
        await service.list_follow_up_questions(sessions, ALL, principal=teacher(), reads=store)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("session_id", "max_items")]
    pages = await service.list_follow_up_questions(
        sessions[:-1], ALL, principal=teacher(), reads=store
    )
    assert all(page.items == [] for page in pages.values())


async def test_a_students_questions_page_through_the_class_ones_and_their_own_in_order() -> None:
    """Two lists for a student, the class's questions and their own teacher-only ones, paged
    as one in the order asked; a classmate's teacher-only question is in neither."""
    store = await scheduled()
    asked = [
        await ask(store, student("ben"), Visibility.CLASS),
        await ask(store, student("ana"), Visibility.TEACHER),
        await ask(store, student("ben"), Visibility.TEACHER),
        await ask(store, student("cai"), Visibility.CLASS),
        await ask(store, student("ana"), Visibility.CLASS),
    ]
    seen: list[str] = []
    page_asked = PageAsk(2, total=True)
    while True:
        page = await service.list_session_questions(
            "s1", page_asked, principal=student("ana"), reads=store
        )
        assert page.total == 4
        seen += [q.id for q in page.items]
        if not page.more:
            break
        page_asked = PageAsk(2, page.keys[-1], total=True)
    hers = sorted((asked[n] for n in (0, 1, 3, 4)), key=lambda q: (q.asked_at, q.id))
    assert seen == [q.id for q in hers]
