"""A section's week gathered from what feedback keeps (the plan's sessions, attendance, check-ins,
tasks due and progress, pulses), assessed, and published as BalanceAssessed: the figures here
are computed by hand from the week below."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts.feedback import (
    AttendanceMark,
    BalanceAssessed,
    BalanceFlag,
    CheckInSignal,
    Connectivity,
    LearningPreference,
    PulseRespondent,
    TaskProgress,
    Wellbeing,
    Workload,
)
from bookend.problems import InvalidInput
from services.feedback.assessment import service
from services.feedback.assessment.domain import AssessmentRules, WeekSession
from services.feedback.assessment.week import assess_after_session
from services.feedback.live.domain import AttendanceSummary, CheckIn, StudentAttendance
from services.feedback.progress.domain import KnownTask, Progress, ProgressLog
from services.feedback.pulse.domain import Pulse, PulseAnswers
from tests.feedback.fakes import FakeFeedback
from tests.support.fakes import Clock, counting_ids

D, SECTION, ZONE = "d1", "ela-8", "America/Chicago"
TEACHER = Principal("teacher-1", D, frozenset({Role.TEACHER}), sections=frozenset({SECTION}))
STUDENT = Principal("kenji", D, frozenset({Role.STUDENT}), sections=frozenset({SECTION}))
MONDAY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 08:00 in Chicago, week 2026-W48
NOW = MONDAY + timedelta(days=4, hours=4)  # Friday, after the week's third session began
RULES = AssessmentRules()


def session(n: int) -> WeekSession:
    starts = MONDAY + timedelta(days=2 * n)
    return WeekSession(f"s{n}", starts, starts + timedelta(minutes=50))


def summary(n: int, *lines: tuple[str, AttendanceMark, int]) -> AttendanceSummary:
    s = session(n)
    return AttendanceSummary(
        s.session_id,
        D,
        SECTION,
        s.starts_at,
        s.ends_at,
        tuple(StudentAttendance(who, mark, minutes) for who, mark, minutes in lines),
        s.ends_at,
    )


def task(task_id: str, minutes: int, due: datetime) -> KnownTask:
    return KnownTask(task_id, D, SECTION, f"c-{task_id}", minutes, MONDAY, due, ZONE, MONDAY)


def completed(task_id: str, student: str) -> ProgressLog:
    progress = Progress(TaskProgress.COMPLETED, MONDAY, MONDAY, None, 600)
    return ProgressLog(D, task_id, SECTION, student, progress, ())


def pulse(student: str, by: str, answers: PulseAnswers) -> Pulse:
    respondent = PulseRespondent.STUDENT if by == student else PulseRespondent.GUARDIAN
    return Pulse(f"p-{by}", D, "2026-W48", student, by, respondent, answers, (SECTION,), NOW, NOW)


def answers(**more: object) -> PulseAnswers:
    fields: dict[str, object] = {
        "workload": Workload.ABOUT_RIGHT,
        "wellbeing": Wellbeing.GOOD,
        "connectivity": Connectivity.GOOD,
        "shared_device": False,
        "preference": LearningPreference.BALANCED,
    }
    return PulseAnswers(**(fields | more))  # type: ignore[arg-type]


@pytest.fixture
def store() -> FakeFeedback:
    """Kenji missed Monday, left Wednesday early, did no work and is poorly connected; Amara
    was lost in both sessions she checked in to and did twenty of fifty minutes."""
    store = FakeFeedback()
    state = store.state
    state.week_sessions[(D, SECTION)] = [session(0), session(1), session(2)]
    for n, lines in (
        (0, [("kenji", AttendanceMark.ABSENT, 0), ("amara", AttendanceMark.PRESENT, 50)]),
        (1, [("kenji", AttendanceMark.LEFT_EARLY, 20), ("amara", AttendanceMark.LATE, 40)]),
    ):
        state.summaries[(D, f"s{n}")] = summary(n, *lines)
    for n in (0, 1):
        lost = CheckIn(f"c{n}", D, f"s{n}", SECTION, "amara", CheckInSignal.LOST, None, MONDAY)
        state.check_ins[lost.id] = lost
    for t in (
        task("t1", 20, MONDAY + timedelta(days=1)),
        task("t2", 30, MONDAY + timedelta(days=3)),
        task("t3", 45, MONDAY + timedelta(days=8)),  # next week's
    ):
        state.progress.tasks[t.task_id] = t
    state.progress.logs[(D, "t1", "amara")] = completed("t1", "amara")
    limited = answers(connectivity=Connectivity.LIMITED)
    overloaded = answers(shared_device=True, workload=Workload.TOO_MUCH)
    for p in (pulse("kenji", "kenji", limited), pulse("kenji", "guardian-k", overloaded)):
        state.pulses[(D, p.student_id, p.week, p.respondent_id)] = p
    return store


async def test_a_week_is_gathered_and_assessed_as_computed_by_hand(store: FakeFeedback) -> None:
    assessed = await service.read_assessment(
        SECTION, "2026-W48", principal=TEACHER, reads=store, rules=RULES, clock=Clock(NOW)
    )
    kenji, amara = assessed.of_student("kenji"), assessed.of_student("amara")
    assert kenji is not None and amara is not None
    # Three sessions of fifty minutes planned; 0 + 20 attended (the third not summarised).
    k = kenji.figures
    assert (k.planned_live_minutes, k.attended_live_minutes, k.sessions_missed) == (150, 20, 2)
    assert (k.assigned_on_demand_minutes, k.completed_on_demand_minutes) == (50, 0)
    assert {f.kind for f in kenji.flags} == {
        BalanceFlag.OFFER_RECORDINGS,
        BalanceFlag.OVERLOADED,
        BalanceFlag.FALLING_BEHIND,
    }
    a = amara.figures
    assert (a.attended_live_minutes, a.sessions_checked_in, a.sessions_lost) == (90, 2, 2)
    assert (a.completed_on_demand_minutes, a.assigned_on_demand_minutes) == (20, 50)
    assert {f.kind for f in amara.flags} == {BalanceFlag.MORE_PREWORK, BalanceFlag.FALLING_BEHIND}
    assert assessed.flags == ()  # one student of two with each flag is theirs, not the plan's
    assert assessed.pulse.students_responded == 1 and assessed.pulse.guardians_responded == 1
    assert store.emitted == []  # reading publishes nothing


async def test_publishing_keeps_the_week_and_tells_the_scheduler(store: FakeFeedback) -> None:
    published = await service.publish_assessment(
        SECTION,
        "2026-W48",
        principal=TEACHER,
        store=store,
        rules=RULES,
        clock=Clock(NOW),
        ids=counting_ids("assessment"),
    )
    [event] = store.emitted
    payload = BalanceAssessed.model_validate(event.data)
    assert (payload.week, payload.assessment_id) == ("2026-W48", published.id)
    by_student = {s.student_id: s for s in payload.students}
    assert by_student["kenji"].figures.completion_rate == 0.0
    assert by_student["amara"].figures.completion_rate == 0.4
    reasons = [f.reason for f in by_student["kenji"].flags]
    assert (
        "missed 2 of 3 live sessions and the student and a guardian report limited " in (reasons[0])
    )
    assert await store.get_assessment(D, SECTION, "2026-W48") == published


async def test_only_the_sections_staff_read_it_and_a_week_to_come_is_refused(
    store: FakeFeedback,
) -> None:
    with pytest.raises(Forbidden):
        await service.read_assessment(
            SECTION, None, principal=STUDENT, reads=store, rules=RULES, clock=Clock(NOW)
        )
    with pytest.raises(InvalidInput) as refused:
        await service.read_assessment(
            SECTION, "2026-W49", principal=TEACHER, reads=store, rules=RULES, clock=Clock(NOW)
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("week", "not_begun")]


async def test_mid_week_work_not_due_yet_is_assigned_but_not_behind(store: FakeFeedback) -> None:
    wednesday = MONDAY + timedelta(days=2, hours=2)  # t1 (Tuesday) due, t2 (Thursday) not
    assessed = await service.read_assessment(
        SECTION, None, principal=TEACHER, reads=store, rules=RULES, clock=Clock(wednesday)
    )
    kenji = assessed.of_student("kenji")
    assert kenji is not None
    assert kenji.figures.assigned_on_demand_minutes == 50
    # Twenty minutes due so far: under the thirty that make "behind".
    assert BalanceFlag.FALLING_BEHIND not in {f.kind for f in kenji.flags}


async def test_a_session_end_publishes_the_week_when_its_flags_change(store: FakeFeedback) -> None:
    ends = session(1).ends_at
    ids = counting_ids("assessment")

    async def after_session() -> list[str]:
        made = await store.atomically(
            lambda tx: assess_after_session(tx, D, SECTION, ends, rules=RULES, now=NOW, ids=ids)
        )
        return [a.assessment.id for a in made]

    [first] = await after_session()
    kept = await store.get_assessment(D, SECTION, "2026-W48")
    assert kept is not None and kept.id == first and kept.assessed_at == NOW
    assert await after_session() == []  # the same flags: nothing new to tell
    # Kenji's guardian takes back "too much work": his flags change, so the week goes again.
    state = store.state
    key = (D, "kenji", "2026-W48", "guardian-k")
    state.pulses[key] = replace(state.pulses[key], answers=answers())
    [second] = await after_session()
    assert second != first


async def test_a_session_end_with_nothing_flagged_publishes_nothing() -> None:
    store = FakeFeedback()
    store.state.week_sessions[(D, SECTION)] = [session(0)]
    store.state.summaries[(D, "s0")] = summary(0, ("leo", AttendanceMark.PRESENT, 50))
    made = await store.atomically(
        lambda tx: assess_after_session(
            tx, D, SECTION, session(0).ends_at, rules=RULES, now=NOW, ids=counting_ids()
        )
    )
    assert made == [] and await store.get_assessment(D, SECTION, "2026-W48") is None
