"""Prompts' use cases and the session end's part in them, with an in-memory store: who may
open, answer, close, reveal and read; what each reader sees; the events and what they never
carry; and what an ended session leaves to absent students (ADR 0034)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts import CloudEvent, Topic
from bookend.contracts.feedback import Presence, PromptKind, PromptStatus
from bookend.hosting import ServiceState
from bookend.ids import new_id
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.feedback.events import inbound
from services.feedback.live.domain import (
    Attendee,
    ChannelNotFound,
    PresenceReport,
    SessionNotLive,
)
from services.feedback.prompts import service
from services.feedback.prompts.domain import PromptDraft, PromptNotFound, PromptNotOpen
from services.feedback.prompts.service import PromptView
from services.feedback.settings import FeedbackSettings
from tests.feedback import builders
from tests.feedback.fakes import FakeFeedback
from tests.support.fakes import Clock, TickingClock

ALL = PageAsk()  # a first page, more than these tests list

CLASS = ["ana", "ben", "cai"]
TEACHER = Principal("t1", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec1"}))
OTHER_TEACHER = Principal("t2", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec2"}))
SCHOOL_ADMIN = Principal("a1", "d1", frozenset({Role.SCHOOL_ADMIN}), school="school-1")
OTHER_DISTRICT_ADMIN = Principal("a9", "d2", frozenset({Role.DISTRICT_ADMIN}))
GUARDIAN = Principal("g1", "d1", frozenset({Role.GUARDIAN}), children=frozenset({"ana"}))
# One clock for every write here, so prompts open one after another.
CLOCK = TickingClock()
CHOICE = PromptDraft(PromptKind.MULTIPLE_CHOICE, "Which is a prime?", ("4", "7", "9"))


def student(subject: str, sections: frozenset[str] = frozenset({"sec1"})) -> Principal:
    return Principal(subject, "d1", frozenset({Role.STUDENT}), sections=sections)


async def deliver(store: FakeFeedback, event: CloudEvent) -> None:
    state = ServiceState(
        store=store,
        settings=FeedbackSettings(),
        clock=Clock(builders.END + timedelta(seconds=3)),
        ids=new_id,
    )
    await inbound(state)(event)


async def live_store() -> FakeFeedback:
    """Session s1 of section sec1 (school-1), started expecting ana, ben and cai."""
    store = FakeFeedback()
    await deliver(store, builders.scheduled("s1", "sec1", "d1", "school-1"))
    await deliver(store, builders.started("s1", "sec1", "d1", expected=CLASS))
    return store


async def open_one(
    store: FakeFeedback, draft: PromptDraft = CHOICE, who: Principal = TEACHER
) -> PromptView:
    return await service.open_session_prompt(
        "s1", draft, principal=who, store=store, clock=CLOCK, ids=new_id
    )


async def answer(
    store: FakeFeedback,
    prompt_id: str,
    who: Principal,
    choice: int | None = None,
    text: str | None = None,
) -> service.AnswerView:
    return await service.answer_prompt(
        prompt_id, choice=choice, text=text, principal=who, store=store, clock=CLOCK
    )


def types(events: list[CloudEvent]) -> list[str]:
    return [e.type.removeprefix("bookend.feedback.prompt.") for e in events]


async def test_a_teacher_opens_a_prompt_and_students_answers_aggregate_live() -> None:
    store = await live_store()
    view = await open_one(store)
    prompt = view.prompt
    assert (prompt.status, prompt.choices, prompt.expected) == (
        PromptStatus.OPEN,
        CHOICE.options,
        3,
    )
    assert view.not_answered == CLASS
    [opened] = store.emitted
    assert (opened.type, opened.topic, opened.key, opened.subject) == (
        "bookend.feedback.prompt.opened.v1",
        Topic.FEEDBACK_PROMPT.value,
        "sec1",
        prompt.id,
    )
    assert opened.data["choice_count"] == 3
    assert "prime" not in str(opened.data)  # the question stays here

    await answer(store, prompt.id, student("ana"), 1)
    await answer(store, prompt.id, student("ben"), 1)
    await answer(store, prompt.id, student("ana"), 0)  # changed her mind while it was open
    staff = await service.get_prompt(prompt.id, principal=TEACHER, store=store)
    assert (staff.prompt.tally.counts, staff.prompt.tally.answered) == ((1, 1, 0), 2)
    assert staff.not_answered == ["cai"]
    answered = [e for e in store.emitted if e.type.endswith("answered.v1")]
    assert [(e.data["student_id"], e.data["results"]["counts"]) for e in answered] == [
        ("ana", [0, 1, 0]),
        ("ben", [0, 2, 0]),
        ("ana", [1, 1, 0]),
    ]
    assert [e.data["results"]["revision"] for e in answered] == [1, 2, 3]
    assert all("choice" not in e.data and e.data["late"] is False for e in answered)


async def test_a_retried_answer_changes_nothing_and_tells_nobody() -> None:
    store = await live_store()
    prompt = (await open_one(store, PromptDraft(PromptKind.SHORT_TEXT, "Why?"))).prompt
    first = await answer(store, prompt.id, student("ana"), text="Because it divides")
    sent = len(store.emitted)
    again = await answer(store, prompt.id, student("ana"), text="Because it divides")
    assert (again.repeated, again.answer) == (True, first.answer)
    assert len(store.emitted) == sent
    [answered] = [e for e in store.emitted if e.type.endswith("answered.v1")]
    assert "divides" not in str(answered.data)  # the student's words stay here


async def test_a_student_sees_their_own_answer_and_the_results_only_once_revealed() -> None:
    store = await live_store()
    prompt = (await open_one(store)).prompt
    await answer(store, prompt.id, student("ana"), 1)
    await answer(store, prompt.id, student("ben"), 2)
    [mine] = (
        await service.list_session_prompts("s1", ALL, principal=student("ana"), store=store)
    ).items
    assert (mine.shows_results, mine.not_answered, mine.own) == (
        False,
        None,
        (await store.get_answer("d1", prompt.id, "ana")),
    )
    assert not mine.assigned
    revealed = await service.reveal_results(
        prompt.id, principal=TEACHER, store=store, clock=TickingClock()
    )
    assert revealed.prompt.status is PromptStatus.CLOSED and revealed.prompt.revealed
    assert types(store.emitted)[-2:] == ["closed.v1", "revealed.v1"]
    assert store.emitted[-1].data["results"]["counts"] == [0, 1, 1]
    ben = await service.get_prompt(prompt.id, principal=student("ben"), store=store)
    assert ben.shows_results and ben.own is not None and ben.own.choice == 2
    # Revealed is final: no one answers it any more.
    with pytest.raises(PromptNotOpen):
        await answer(store, prompt.id, student("cai"), 0)


async def test_closing_and_revealing_again_change_nothing() -> None:
    store = await live_store()
    prompt = (await open_one(store)).prompt
    for change in (service.close_prompt, service.close_prompt, service.reveal_results):
        await change(prompt.id, principal=TEACHER, store=store, clock=TickingClock())
    await service.reveal_results(prompt.id, principal=SCHOOL_ADMIN, store=store, clock=Clock())
    assert types(store.emitted) == ["opened.v1", "closed.v1", "revealed.v1"]


async def test_an_answer_to_a_closed_prompt_is_refused_and_nothing_is_stored() -> None:
    store = await live_store()
    prompt = (await open_one(store)).prompt
    await service.close_prompt(prompt.id, principal=TEACHER, store=store, clock=TickingClock())
    sent = len(store.emitted)
    with pytest.raises(PromptNotOpen):
        await answer(store, prompt.id, student("ana"), 0)
    assert (await store.list_answers("d1", prompt.id), len(store.emitted)) == ([], sent)


async def test_a_prompt_is_opened_only_while_the_session_is_live() -> None:
    store = await live_store()
    await deliver(store, builders.ended("s1", "sec1", "d1", CLASS))
    with pytest.raises(SessionNotLive):
        await open_one(store)
    with pytest.raises(SessionNotLive):
        await open_one(FakeFeedback())
    assert await store.list_prompts("d1", "s1") == []


async def test_a_bad_prompt_names_every_field_and_stores_nothing() -> None:
    store = await live_store()
    with pytest.raises(InvalidInput) as refused:
        await open_one(store, PromptDraft(PromptKind.MULTIPLE_CHOICE, "", ("a",) * 11))
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("question", "not_blank"),
        ("options", "count"),
    ]
    assert (await store.list_prompts("d1", "s1"), store.emitted) == ([], [])


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        (student("ana"), Forbidden),
        (GUARDIAN, Forbidden),
        (OTHER_TEACHER, Forbidden),
        (Principal("a2", "d1", frozenset({Role.SCHOOL_ADMIN}), school="school-2"), Forbidden),
    ],
    ids=["student", "guardian", "teacher of another section", "admin of another school"],
)
async def test_only_the_sections_staff_open_prompts(
    who: Principal, refusal: type[Exception]
) -> None:
    store = await live_store()
    with pytest.raises(refusal):
        await open_one(store, who=who)
    assert await store.list_prompts("d1", "s1") == []


async def test_a_school_admin_of_the_sections_school_runs_prompts() -> None:
    store = await live_store()
    view = await open_one(store, who=SCHOOL_ADMIN)
    assert view.prompt.opened_by == "a1"


@pytest.mark.parametrize(
    "who",
    [student("zed", frozenset({"sec2"})), OTHER_TEACHER, OTHER_DISTRICT_ADMIN],
    ids=["student of another section", "teacher of another section", "another district"],
)
async def test_outside_the_section_a_prompt_does_not_exist(who: Principal) -> None:
    store = await live_store()
    prompt = (await open_one(store)).prompt
    with pytest.raises(PromptNotFound):
        await service.get_prompt(prompt.id, principal=who, store=store)
    with pytest.raises(PromptNotFound):
        await service.close_prompt(prompt.id, principal=who, store=store, clock=Clock())
    with pytest.raises((PromptNotFound, Forbidden)):
        await answer(store, prompt.id, who, 0)
    assert (await store.get_prompt("d1", prompt.id)) == prompt


async def test_students_may_not_close_or_read_who_answered_what() -> None:
    store = await live_store()
    prompt = (await open_one(store)).prompt
    with pytest.raises(Forbidden):
        await service.close_prompt(prompt.id, principal=student("ana"), store=store, clock=Clock())
    with pytest.raises(Forbidden):
        await service.reveal_results(
            prompt.id, principal=student("ana"), store=store, clock=Clock()
        )
    with pytest.raises(Forbidden):
        await service.list_prompt_answers(prompt.id, ALL, principal=student("ana"), store=store)
    with pytest.raises(Forbidden):
        await answer(store, prompt.id, TEACHER, 0)


async def test_staff_read_each_students_answer_with_its_text() -> None:
    store = await live_store()
    prompt = (await open_one(store, PromptDraft(PromptKind.SHORT_TEXT, "Why?"))).prompt
    await answer(store, prompt.id, student("ben"), text="no idea")
    await answer(store, prompt.id, student("ana"), text="it divides")
    answers = await service.list_prompt_answers(prompt.id, ALL, principal=TEACHER, store=store)
    assert [(a.student_id, a.text) for a in answers.items] == [
        ("ana", "it divides"),
        ("ben", "no idea"),
    ]


async def test_the_session_prompts_of_an_unknown_session_are_not_found() -> None:
    with pytest.raises(ChannelNotFound):
        await service.list_session_prompts("s1", ALL, principal=TEACHER, store=FakeFeedback())


async def test_the_end_closes_open_prompts_and_leaves_each_to_the_absent_who_had_not_answered() -> (
    None
):
    store = await live_store()
    first = (await open_one(store)).prompt
    second = (await open_one(store, PromptDraft(PromptKind.THUMBS, "Ready?"))).prompt
    await answer(store, first.id, student("ana"), 1)
    await answer(store, first.id, student("cai"), 1)  # answered, though she never joined
    await service.close_prompt(first.id, principal=TEACHER, store=store, clock=TickingClock())
    # Ana joined; Ben and Cai never did.
    joined = PresenceReport("ana-1", Presence.JOINED, builders.START)
    await store.atomically(
        lambda tx: tx.save_attendee(Attendee("d1", "s1", "sec1", "ana", (joined,)))
    )
    before = len(store.emitted)
    end = builders.ended("s1", "sec1", "d1", CLASS)
    await deliver(store, end)
    await deliver(store, end)  # heard again: nothing more
    told = store.emitted[before:]
    assert [e.type.rsplit(".", 3)[-3:] for e in told] == [
        ["prompt", "closed", "v1"],
        ["checkin", "summarized", "v1"],
        ["attendance", "summarized", "v1"],
        ["prompt", "assigned", "v1"],
        ["prompt", "assigned", "v1"],
    ]
    assert told[0].data["prompt_id"] == second.id
    assert [(e.data["prompt_id"], e.data["student_ids"]) for e in told[3:]] == [
        (first.id, ["ben"]),
        (second.id, ["ben", "cai"]),
    ]
    # Ben answers both later, as on-demand work; Ana, who was there, may not.
    late = await answer(store, second.id, student("ben"), 0)
    assert late.answer.late
    with pytest.raises(PromptNotOpen):
        await answer(store, second.id, student("ana"), 0)
    [ben_view] = [
        v
        for v in (
            await service.list_session_prompts("s1", ALL, principal=student("ben"), store=store)
        ).items
        if v.prompt.id == second.id
    ]
    assert ben_view.assigned and ben_view.own == late.answer
    staff = await service.get_prompt(second.id, principal=TEACHER, store=store)
    assert (staff.prompt.tally.answered, staff.prompt.tally.late_answered) == (0, 1)
    assert staff.not_answered == ["ana", "cai"]
    assert store.emitted[-1].data["late"] is True
