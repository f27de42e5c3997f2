"""Prompts' pure rules: what a teacher may ask, what a student may answer, the tally kept as
answers come, closing and revealing, and what is left to absent students (ADR 0034)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bookend.contracts.feedback import ChannelStatus, PromptKind, PromptStatus
from bookend.problems import InvalidInput
from services.feedback.live.domain import LiveChannel, SessionNotLive
from services.feedback.prompts.domain import (
    MAX_PROMPTS_PER_SESSION,
    Answer,
    Prompt,
    PromptAnswered,
    PromptAssigned,
    PromptClosed,
    PromptDraft,
    PromptNotOpen,
    PromptOpened,
    PromptRevealed,
    answer,
    left_to_absentees,
    not_answered,
    open_prompt,
)
from tests.support.fakes import counting_ids

AT = datetime(2025, 9, 1, 9, 5, tzinfo=UTC)
CLASS = tuple(f"st{n}" for n in range(1, 5))
LIVE = LiveChannel("s1", "d1", "sec1", ChannelStatus.OPEN, AT, None, CLASS)


def rules_broken(draft: PromptDraft) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as refused:
        draft.checked()
    return [(e.field, e.rule) for e in refused.value.errors]


def opened(kind: PromptKind = PromptKind.MULTIPLE_CHOICE, *options: str) -> Prompt:
    draft = PromptDraft(kind, "Which is a prime?", options or ("4", "7", "9"))
    if kind is not PromptKind.MULTIPLE_CHOICE:
        draft = PromptDraft(kind, "How sure are you?")
    prompt, _ = open_prompt(
        LIVE,
        draft,
        session_id="s1",
        opened_so_far=0,
        opened_by="t1",
        new_id=counting_ids("prompt"),
        at=AT,
    )
    return prompt


def given(
    prompt: Prompt,
    before: Answer | None,
    student: str,
    choice: int | None = None,
    text: str | None = None,
) -> tuple[Prompt, Answer, list[PromptAnswered]]:
    return answer(
        prompt, before, student_id=student, choice=choice, text=text, at=AT + timedelta(minutes=1)
    )


def test_a_multiple_choice_prompt_keeps_its_options_stripped_in_order() -> None:
    draft = PromptDraft(PromptKind.MULTIPLE_CHOICE, "  Which is a prime?\n", (" 4", "7 ", "9"))
    assert draft.checked() == PromptDraft(
        PromptKind.MULTIPLE_CHOICE, "Which is a prime?", ("4", "7", "9")
    )


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        (PromptKind.THUMBS, ("up", "down")),
        (PromptKind.UNDERSTANDING, ("1", "2", "3", "4")),
        (PromptKind.SHORT_TEXT, ()),
    ],
)
def test_the_other_kinds_have_fixed_choices(kind: PromptKind, choices: tuple[str, ...]) -> None:
    prompt = opened(kind)
    assert (prompt.choices, prompt.tally.counts) == (choices, (0,) * len(choices))


def test_every_broken_rule_of_a_draft_is_named_at_once() -> None:
    assert rules_broken(PromptDraft(PromptKind.MULTIPLE_CHOICE, "   ", ("only one",))) == [
        ("question", "not_blank"),
        ("options", "count"),
    ]
    assert rules_broken(PromptDraft(PromptKind.THUMBS, "x" * 501, ("a", "b"))) == [
        ("question", "max_length"),
        ("options", "not_allowed"),
    ]
    hostile = ("ok", "", "y" * 201, "bell\x07", "Ok")
    assert rules_broken(PromptDraft(PromptKind.MULTIPLE_CHOICE, "Pick\u200b", hostile)) == [
        ("question", "printable"),
        ("options.1", "not_blank"),
        ("options.2", "max_length"),
        ("options.3", "printable"),
        ("options", "distinct"),
    ]
    assert rules_broken(
        PromptDraft(PromptKind.MULTIPLE_CHOICE, "Pick", tuple(str(n) for n in range(10_000)))
    ) == [("options", "count")]


def test_a_question_may_run_over_lines() -> None:
    draft = PromptDraft(PromptKind.SHORT_TEXT, "Read this:\n\tx = 2\nWhat is x?")
    assert draft.checked().question == "Read this:\n\tx = 2\nWhat is x?"


def test_a_prompt_opens_only_in_a_live_session_and_up_to_the_sessions_limit() -> None:
    draft = PromptDraft(PromptKind.THUMBS, "Ready?")
    ended = LiveChannel("s1", "d1", "sec1", ChannelStatus.CLOSED, AT, AT, CLASS)
    for channel in (None, ended):
        with pytest.raises(SessionNotLive):
            open_prompt(
                channel,
                draft,
                session_id="s1",
                opened_so_far=0,
                opened_by="t1",
                new_id=counting_ids(),
                at=AT,
            )
    with pytest.raises(InvalidInput) as refused:
        open_prompt(
            LIVE,
            draft,
            session_id="s1",
            opened_so_far=MAX_PROMPTS_PER_SESSION,
            opened_by="t1",
            new_id=counting_ids(),
            at=AT,
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("session_id", "max_prompts")]
    prompt, events = open_prompt(
        LIVE, draft, session_id="s1", opened_so_far=3, opened_by="t1", new_id=counting_ids(), at=AT
    )
    assert (prompt.status, prompt.expected, events) == (
        PromptStatus.OPEN,
        4,
        [PromptOpened(prompt)],
    )


@pytest.mark.parametrize(
    ("kind", "choice", "text", "broken"),
    [
        (PromptKind.MULTIPLE_CHOICE, None, None, [("choice", "required")]),
        (PromptKind.MULTIPLE_CHOICE, 3, None, [("choice", "in_range")]),
        (PromptKind.MULTIPLE_CHOICE, -1, None, [("choice", "in_range")]),
        (PromptKind.THUMBS, 0, "up", [("text", "not_allowed")]),
        (PromptKind.UNDERSTANDING, 2**70, None, [("choice", "in_range")]),
        (PromptKind.SHORT_TEXT, None, None, [("text", "required")]),
        (PromptKind.SHORT_TEXT, 1, "  ", [("choice", "not_allowed"), ("text", "not_blank")]),
        (PromptKind.SHORT_TEXT, None, "z" * 1001, [("text", "max_length")]),
        (PromptKind.SHORT_TEXT, None, "esc\x1b[2J", [("text", "printable")]),
    ],
)
def test_an_answer_fits_its_prompt(
    kind: PromptKind, choice: int | None, text: str | None, broken: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        given(opened(kind), None, "st1", choice, text)
    assert [(e.field, e.rule) for e in refused.value.errors] == broken


def test_answers_move_the_tally_and_a_new_answer_replaces_the_students_last() -> None:
    prompt = opened()
    prompt, ana, events = given(prompt, None, "st1", 1)
    assert events == [PromptAnswered(prompt, ana)]
    prompt, _, _ = given(prompt, None, "st2", 1)
    assert (prompt.tally.counts, prompt.tally.answered, prompt.tally.revision) == ((0, 2, 0), 2, 2)
    prompt, ana, _ = given(prompt, ana, "st1", 0)
    assert (prompt.tally.counts, prompt.tally.answered, prompt.tally.revision) == ((1, 1, 0), 2, 3)


def test_the_same_answer_again_changes_nothing_and_says_nothing() -> None:
    prompt, first, _ = given(opened(PromptKind.SHORT_TEXT), None, "st1", text=" Because 7 ")
    again = given(prompt, first, "st1", text="Because 7")
    assert again == (prompt, first, [])
    assert first.text == "Because 7"
    assert (prompt.tally.counts, prompt.tally.answered) == ((), 1)


def test_a_closed_prompt_takes_answers_only_from_those_it_was_left_to() -> None:
    prompt, _ = opened(PromptKind.THUMBS).closed(AT + timedelta(minutes=2))
    with pytest.raises(PromptNotOpen):
        given(prompt, None, "st1", 0)
    [left], _ = left_to_absentees([prompt], {}, ["st3"], at=AT + timedelta(minutes=50))
    with pytest.raises(PromptNotOpen):
        given(left, None, "st1", 0)
    after, late, events = given(left, None, "st3", 1)
    assert late.late and events == [PromptAnswered(after, late)]
    # What the class saw stays: a late answer is counted apart.
    assert (after.tally.counts, after.tally.answered, after.tally.late_answered) == ((0, 0), 0, 1)
    changed, _, _ = given(after, late, "st3", 0)
    assert (changed.tally.counts, changed.tally.late_answered) == ((0, 0), 1)


def test_revealing_closes_the_prompt_first_and_both_happen_once() -> None:
    prompt = opened(PromptKind.UNDERSTANDING)
    later = AT + timedelta(minutes=3)
    shown, events = prompt.shown(later)
    assert (shown.status, shown.closed_at, shown.revealed_at) == (PromptStatus.CLOSED, later, later)
    assert events == [PromptClosed(events[0].prompt), PromptRevealed(shown)]
    assert shown.shown(later + timedelta(minutes=1)) == (shown, [])
    assert shown.closed(later + timedelta(minutes=1)) == (shown, [])
    closed, [closing] = prompt.closed(later)
    assert closing == PromptClosed(closed)
    revealed, [only] = closed.shown(later + timedelta(minutes=1))
    assert only == PromptRevealed(revealed) and revealed.closed_at == later


def test_each_prompt_is_left_to_the_absent_students_who_had_not_answered_it_once() -> None:
    first = opened()
    answered = {first.id: {"st3"}}
    changed, events = left_to_absentees(
        [first], answered, ["st3", "st4", "st4"], at=AT + timedelta(minutes=50)
    )
    assert [p.assigned_student_ids for p in changed] == [("st4",)]
    assert events == [PromptAssigned(changed[0], ("st4",), AT + timedelta(minutes=50))]
    assert left_to_absentees(changed, {}, ["st4"], at=AT) == ([], [])
    assert left_to_absentees([first], {first.id: {"st4"}}, ["st4"], at=AT) == ([], [])


def test_who_has_not_answered_is_the_expected_without_those_who_did() -> None:
    assert not_answered(["st1", "st2", "st3", "st2"], {"st2", "st9"}) == ["st1", "st3"]


def test_a_thousand_students_answering_and_changing_their_minds_leave_an_exact_tally() -> None:
    rng = random.Random(7)
    prompt = opened(PromptKind.UNDERSTANDING)
    latest: dict[str, Answer] = {}
    for _ in range(3000):
        student = f"st{rng.randrange(1000)}"
        prompt, latest[student], _ = given(prompt, latest.get(student), student, rng.randrange(4))
    expected = [sum(1 for a in latest.values() if a.choice == c) for c in range(4)]
    assert list(prompt.tally.counts) == expected
    assert prompt.tally.answered == len(latest)
