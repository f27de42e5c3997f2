"""Pulse surveys' use cases with an in-memory store: one pulse a person, student and week,
edited in its week, refused after it; who may give, read and sum them up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts import Topic
from bookend.contracts.feedback import (
    Connectivity,
    LearningPreference,
    PulseRespondent,
    Wellbeing,
    Workload,
)
from bookend.ids import new_id
from bookend.problems import InvalidInput
from services.feedback.pulse import service
from services.feedback.pulse.domain import MAX_COMMENT_LENGTH, PulseAnswers, Tally
from tests.feedback.fakes import FakeFeedback as FakePulses
from tests.support.fakes import Clock

WEEK = "2026-W48"
WEDNESDAY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
KENJI, AMARA = "student-kenji", "student-amara"

KENJI_AS_STUDENT = Principal(
    KENJI, "d1", frozenset({Role.STUDENT}), sections=frozenset({"ela-8", "math-7"})
)
AMARA_AS_STUDENT = Principal(AMARA, "d1", frozenset({Role.STUDENT}), sections=frozenset({"ela-8"}))
KENJIS_GUARDIAN = Principal(
    "guardian-1", "d1", frozenset({Role.GUARDIAN}), children=frozenset({KENJI})
)
ELA_TEACHER = Principal("t1", "d1", frozenset({Role.TEACHER}), sections=frozenset({"ela-8"}))
ART_TEACHER = Principal("t2", "d1", frozenset({Role.TEACHER}), sections=frozenset({"art-8"}))
SCHOOL_ADMIN = Principal("a1", "d1", frozenset({Role.SCHOOL_ADMIN}), school="school-1")
OTHER_DISTRICT_TEACHER = Principal(
    "t9", "d2", frozenset({Role.TEACHER}), sections=frozenset({"ela-8"})
)

OVERLOADED = PulseAnswers(
    Workload.TOO_MUCH,
    Wellbeing.LOW,
    Connectivity.LIMITED,
    True,
    LearningPreference.MORE_ON_DEMAND,
    "Our internet drops every evening.",
)
FINE = PulseAnswers(
    Workload.ABOUT_RIGHT, Wellbeing.GOOD, Connectivity.GOOD, False, LearningPreference.BALANCED
)


@pytest.fixture
def store() -> FakePulses:
    return FakePulses()


@pytest.fixture
def clock() -> Clock:
    return Clock(WEDNESDAY)


async def give(
    store: FakePulses,
    clock: Clock,
    principal: Principal,
    answers: PulseAnswers = FINE,
    *,
    week: str = WEEK,
    student_id: str | None = None,
) -> service.Submitted:
    return await service.submit_pulse(
        week,
        student_id=student_id,
        answers=answers,
        principal=principal,
        store=store,
        clock=clock,
        ids=new_id,
    )


async def test_a_student_gives_the_weeks_pulse_and_its_event_carries_no_comment(
    store: FakePulses, clock: Clock
) -> None:
    given = await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)

    assert (given.created, given.changed) == (True, True)
    pulse = given.pulse
    assert (pulse.week, pulse.student_id, pulse.respondent_id) == (WEEK, KENJI, KENJI)
    assert (pulse.respondent, pulse.revision) == (PulseRespondent.STUDENT, 1)
    assert pulse.section_ids == ("ela-8", "math-7")
    assert pulse.answers == OVERLOADED
    (event,) = store.emitted
    assert (event.topic, event.key, event.subject) == (Topic.FEEDBACK_PULSE, KENJI, pulse.id)
    assert event.data["workload"] == "too_much"
    assert event.data["connectivity"] == "limited"
    assert event.data["has_comment"] is True
    assert "internet" not in str(event.data)


async def test_giving_it_again_in_the_same_week_edits_it(store: FakePulses, clock: Clock) -> None:
    first = (await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)).pulse
    clock.advance(days=2)  # Friday

    edited = await give(store, clock, KENJI_AS_STUDENT, FINE)

    assert (edited.created, edited.changed) == (False, True)
    assert (edited.pulse.id, edited.pulse.revision) == (first.id, 2)
    assert edited.pulse.answers == FINE
    assert edited.pulse.first_submitted_at == WEDNESDAY
    assert edited.pulse.submitted_at == clock.now
    assert list(store.state.pulses.values()) == [edited.pulse]
    assert [e.data["revision"] for e in store.emitted] == [1, 2]
    assert store.emitted[-1].data["has_comment"] is False


async def test_the_same_answers_again_change_nothing_and_record_no_event(
    store: FakePulses, clock: Clock
) -> None:
    first = (await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)).pulse
    clock.advance(hours=1)

    again = await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)

    assert (again.created, again.changed, again.pulse) == (False, False, first)
    assert len(store.emitted) == 1


async def test_a_pulse_for_a_week_that_is_over_is_refused_and_nothing_is_kept(
    store: FakePulses, clock: Clock
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await give(store, clock, KENJI_AS_STUDENT, week="2026-W47")

    assert [(e.field, e.rule) for e in refused.value.errors] == [("week", "current_week")]
    assert store.state.pulses == {} and store.emitted == []


async def test_last_weeks_pulse_cannot_be_edited_once_the_week_is_over(
    store: FakePulses, clock: Clock
) -> None:
    await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)
    clock.now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # Sunday is over everywhere

    with pytest.raises(InvalidInput):
        await give(store, clock, KENJI_AS_STUDENT, FINE)
    next_week = await give(store, clock, KENJI_AS_STUDENT, FINE, week="2026-W49")

    assert next_week.created
    kept = {p.week: p.answers for p in store.state.pulses.values()}
    assert kept == {WEEK: OVERLOADED, "2026-W49": FINE}


async def test_every_broken_rule_is_named_at_once_and_nothing_is_kept(
    store: FakePulses, clock: Clock
) -> None:
    long_comment = replace(FINE, comment="x" * (MAX_COMMENT_LENGTH + 1))

    with pytest.raises(InvalidInput) as refused:
        await give(store, clock, KENJIS_GUARDIAN, long_comment, week="2026-W99")

    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("week", "iso_week"),
        ("student_id", "required"),
        ("comment", "max_length"),
    ]
    assert store.state.pulses == {} and store.emitted == []


async def test_a_blank_comment_is_no_comment(store: FakePulses, clock: Clock) -> None:
    given = await give(store, clock, KENJI_AS_STUDENT, replace(FINE, comment="  \n "))
    padded = await give(store, clock, AMARA_AS_STUDENT, replace(FINE, comment=" Tired. "))

    assert (given.pulse.answers.comment, given.pulse.answers.has_comment) == (None, False)
    assert padded.pulse.answers.comment == "Tired."


async def test_a_guardian_answers_about_their_child_beside_the_childs_own_pulse(
    store: FakePulses, clock: Clock
) -> None:
    own = (await give(store, clock, KENJI_AS_STUDENT, FINE)).pulse
    theirs = (await give(store, clock, KENJIS_GUARDIAN, OVERLOADED, student_id=KENJI)).pulse

    assert (theirs.respondent, theirs.respondent_id) == (PulseRespondent.GUARDIAN, "guardian-1")
    assert theirs.id != own.id
    # The guardian's token names no sections: the child's own pulse does.
    assert theirs.section_ids == own.section_ids
    assert len(store.state.pulses) == 2


async def test_a_guardian_who_answers_first_gets_the_sections_when_the_child_answers(
    store: FakePulses, clock: Clock
) -> None:
    theirs = (await give(store, clock, KENJIS_GUARDIAN, OVERLOADED, student_id=KENJI)).pulse
    assert theirs.section_ids == ()

    await give(store, clock, KENJI_AS_STUDENT, FINE)

    kept = await store.get_pulse("d1", KENJI, WEEK, "guardian-1")
    assert kept is not None
    assert (kept.section_ids, kept.revision, kept.answers) == (("ela-8", "math-7"), 1, OVERLOADED)
    assert len(store.emitted) == 2  # the sections are not something anyone said


@pytest.mark.parametrize(
    ("principal", "student_id"),
    [
        (KENJIS_GUARDIAN, AMARA),  # not their child
        (AMARA_AS_STUDENT, KENJI),  # a classmate
        (ELA_TEACHER, KENJI),  # staff do not answer for students
        (ELA_TEACHER, None),
    ],
    ids=["guardian of another", "classmate", "teacher for a student", "teacher"],
)
async def test_no_one_answers_for_a_student_but_the_student_and_their_guardians(
    store: FakePulses, clock: Clock, principal: Principal, student_id: str | None
) -> None:
    with pytest.raises(Forbidden):
        await give(store, clock, principal, student_id=student_id)
    assert store.state.pulses == {} and store.emitted == []


async def test_a_guardian_names_the_child_the_pulse_is_about(
    store: FakePulses, clock: Clock
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await give(store, clock, KENJIS_GUARDIAN)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("student_id", "required")]


async def test_each_person_reads_only_their_own_pulses(store: FakePulses, clock: Clock) -> None:
    await give(store, clock, KENJI_AS_STUDENT, FINE)
    await give(store, clock, KENJIS_GUARDIAN, OVERLOADED, student_id=KENJI)
    await give(store, clock, AMARA_AS_STUDENT, OVERLOADED)

    kenji = await service.my_pulses(WEEK, principal=KENJI_AS_STUDENT, store=store)
    guardian = await service.my_pulses(WEEK, principal=KENJIS_GUARDIAN, store=store)
    last_week = await service.my_pulses("2026-W47", principal=KENJI_AS_STUDENT, store=store)

    assert [(p.student_id, p.respondent_id, p.answers) for p in kenji] == [(KENJI, KENJI, FINE)]
    assert [(p.student_id, p.respondent_id) for p in guardian] == [(KENJI, "guardian-1")]
    assert last_week == []


async def test_a_sections_staff_read_its_week_summed_up_with_comments(
    store: FakePulses, clock: Clock
) -> None:
    clock.advance(days=-7)
    await give(store, clock, AMARA_AS_STUDENT, OVERLOADED, week="2026-W47")  # another week
    clock.now = WEDNESDAY
    await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)
    await give(store, clock, KENJIS_GUARDIAN, OVERLOADED, student_id=KENJI)
    await give(store, clock, AMARA_AS_STUDENT, FINE)

    summary = await service.section_pulse("ela-8", WEEK, principal=ELA_TEACHER, store=store)

    assert (summary.students_responded, summary.guardians_responded) == (2, 1)
    assert summary.students_heard_from == 2
    assert summary.workload == {
        Workload.TOO_LITTLE: Tally(0, 0),
        Workload.ABOUT_RIGHT: Tally(1, 0),
        Workload.TOO_MUCH: Tally(1, 1),
    }
    assert summary.wellbeing[Wellbeing.LOW] == Tally(1, 1)
    assert summary.connectivity[Connectivity.GOOD] == Tally(1, 0)
    assert summary.shared_device == Tally(1, 1)
    assert summary.preference[LearningPreference.MORE_ON_DEMAND] == Tally(1, 1)
    # Amara first, then Kenji's own pulse before his guardian's; comments are the staff's to read.
    assert [(p.student_id, p.respondent) for p in summary.pulses] == [
        (AMARA, PulseRespondent.STUDENT),
        (KENJI, PulseRespondent.STUDENT),
        (KENJI, PulseRespondent.GUARDIAN),
    ]
    assert summary.pulses[1].answers.comment == "Our internet drops every evening."


async def test_a_school_admin_reads_the_pulse_of_a_section_of_their_school(
    store: FakePulses, clock: Clock
) -> None:
    store.state.section_schools[("d1", "ela-8")] = "school-1"
    await give(store, clock, AMARA_AS_STUDENT, FINE)

    summary = await service.section_pulse("ela-8", WEEK, principal=SCHOOL_ADMIN, store=store)

    assert summary.students_responded == 1


@pytest.mark.parametrize(
    "principal",
    [ART_TEACHER, KENJI_AS_STUDENT, KENJIS_GUARDIAN, SCHOOL_ADMIN],
    ids=["teacher of another section", "student", "guardian", "admin of another school"],
)
async def test_no_one_but_the_sections_staff_reads_its_pulse(
    store: FakePulses, clock: Clock, principal: Principal
) -> None:
    await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)
    with pytest.raises(Forbidden):
        await service.section_pulse("ela-8", WEEK, principal=principal, store=store)


async def test_a_teacher_of_another_district_reads_none_of_its_pulses(
    store: FakePulses, clock: Clock
) -> None:
    await give(store, clock, KENJI_AS_STUDENT, OVERLOADED)

    summary = await service.section_pulse(
        "ela-8", WEEK, principal=OTHER_DISTRICT_TEACHER, store=store
    )

    assert (summary.pulses, summary.students_heard_from) == ((), 0)
