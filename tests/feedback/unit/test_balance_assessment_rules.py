"""The balance assessment's figures, computed by hand here, and its flags with their reasons."""

from __future__ import annotations

from fractions import Fraction

from bookend.clock import IsoWeek
from bookend.contracts.feedback import (
    AttendanceMark,
    BalanceFlag,
    CheckInSignal,
    Connectivity,
    LearningPreference,
)
from services.feedback.assessment.domain import (
    AssessmentRules,
    LiveLine,
    PulseLine,
    StudentWeek,
    TaskLine,
    assess_section,
    assess_student,
)

RULES = AssessmentRules()
BALANCED, MORE_ON_DEMAND = LearningPreference.BALANCED, LearningPreference.MORE_ON_DEMAND
GOT_IT, UNSURE, LOST = CheckInSignal.GOT_IT, CheckInSignal.UNSURE, CheckInSignal.LOST
PRESENT, LATE, LEFT_EARLY, ABSENT = (
    AttendanceMark.PRESENT,
    AttendanceMark.LATE,
    AttendanceMark.LEFT_EARLY,
    AttendanceMark.ABSENT,
)

# Missed two of three sessions (absent; 20 of 50 minutes), poorly connected, and overloaded
# by a guardian's account.
KENJI = StudentWeek(
    "student-kenji",
    live=(
        LiveLine("s1", 50, ABSENT, 0),
        LiveLine("s2", 50, PRESENT, 50, (GOT_IT,)),
        LiveLine("s3", 50, LEFT_EARLY, 20),
    ),
    tasks=(TaskLine("t1", 20, True), TaskLine("t2", 30), TaskLine("t3", 10, True)),
    pulses=(
        PulseLine(by_guardian=False, connectivity=Connectivity.LIMITED, prefers=BALANCED),
        PulseLine(by_guardian=True, shared_device=True, too_much_work=True),
    ),
)
# Lost in two of the three sessions checked in to, ten of sixty on-demand minutes done.
AMARA = StudentWeek(
    "student-amara",
    live=(
        LiveLine("s1", 50, PRESENT, 50, (LOST, GOT_IT)),
        LiveLine("s2", 50, LATE, 40, (LOST,)),
        LiveLine("s3", 50, PRESENT, 50, (UNSURE,)),
    ),
    tasks=(TaskLine("t1", 20), TaskLine("t2", 30), TaskLine("t3", 10, True)),
    pulses=(PulseLine(by_guardian=False, low_wellbeing=True, prefers=MORE_ON_DEMAND),),
)
# Everything done, and would like more on-demand.
LEO = StudentWeek(
    "student-leo",
    live=tuple(LiveLine(s, 50, PRESENT, 50) for s in ("s1", "s2", "s3")),
    tasks=(TaskLine("t1", 20, True), TaskLine("t2", 30, True), TaskLine("t3", 10, True)),
    pulses=(PulseLine(by_guardian=False, prefers=MORE_ON_DEMAND),),
)
WEEK = IsoWeek(2026, 48)


def test_a_students_figures_are_sums_and_shares_of_their_lines() -> None:
    figures = assess_student(KENJI, RULES).figures
    assert (figures.planned_live_minutes, figures.attended_live_minutes) == (150, 70)
    assert (figures.assigned_on_demand_minutes, figures.completed_on_demand_minutes) == (60, 30)
    assert (figures.sessions, figures.sessions_missed) == (3, 2)
    assert figures.on_demand_share == Fraction(60, 210)
    assert figures.completion_rate == Fraction(1, 2)
    assert figures.confusion_rate == Fraction(0, 1)  # checked in once, never lost


def test_missed_sessions_with_poor_connectivity_suggest_recordings_and_name_who_said_what() -> None:
    flags = {flag.kind: flag.reason for flag in assess_student(KENJI, RULES).flags}
    assert flags == {
        BalanceFlag.OFFER_RECORDINGS: (
            "missed 2 of 3 live sessions and the student and a guardian report limited "
            "connectivity at home and a shared device → offer recordings"
        ),
        BalanceFlag.OVERLOADED: (
            "a guardian reports too much work; completed 30 of 60 on-demand minutes "
            "→ lighten the load"
        ),
    }


def test_lost_in_most_sessions_and_behind_on_minutes_suggest_prework_and_longer_windows() -> None:
    assessed = assess_student(AMARA, RULES)
    assert assessed.figures.confusion_rate == Fraction(2, 3)
    assert assessed.figures.completion_rate == Fraction(10, 60)
    flags = {flag.kind: flag.reason for flag in assessed.flags}
    assert flags == {
        BalanceFlag.MORE_PREWORK: (
            "said lost in 2 of 3 live sessions checked in to → more pre-work"
        ),
        BalanceFlag.FALLING_BEHIND: ("completed 10 of 60 on-demand minutes due → extend windows"),
        BalanceFlag.LOW_WELLBEING: "the student reports low wellbeing → talk with them",
    }


def test_while_the_week_runs_behind_counts_only_work_already_due() -> None:
    # Forty minutes due so far, ten done; thirty more due on Friday count as assigned only.
    week = StudentWeek(
        "s",
        tasks=(
            TaskLine("t1", 10, True),
            TaskLine("t2", 30),
            TaskLine("t3", 30, due=False),
        ),
    )
    assessed = assess_student(week, RULES)
    assert assessed.figures.assigned_on_demand_minutes == 70
    assert {flag.kind: flag.reason for flag in assessed.flags} == {
        BalanceFlag.FALLING_BEHIND: (
            "completed 10 of 40 on-demand minutes due so far → extend windows"
        ),
    }
    # Twenty minutes due so far is under the thirty a flag needs: not behind yet.
    early = StudentWeek("s", tasks=(TaskLine("t1", 20), TaskLine("t2", 30, due=False)))
    assert assess_student(early, RULES).flags == ()


def test_a_session_not_summarised_yet_is_planned_but_not_missed() -> None:
    week = StudentWeek("s", live=(LiveLine("s1", 50), LiveLine("s2", 50, ABSENT)))
    figures = assess_student(week, RULES).figures
    assert (figures.planned_live_minutes, figures.sessions_missed) == (100, 1)
    # One missed session and a good connection: nothing to flag yet.
    assert assess_student(week, RULES).flags == ()


def test_a_session_ended_early_is_not_missed_by_those_who_stayed_to_its_end() -> None:
    # Planned for fifty minutes, ended after twenty: twenty present is all of it, ten is not.
    stayed = LiveLine("s1", 50, PRESENT, 20, held_minutes=20)
    left = LiveLine("s1", 50, LEFT_EARLY, 9, held_minutes=20)
    assert (stayed.missed(RULES), left.missed(RULES)) == (False, True)
    figures = assess_student(StudentWeek("s", live=(stayed,)), RULES).figures
    assert (figures.planned_live_minutes, figures.attended_live_minutes) == (50, 20)


def test_nothing_to_divide_by_gives_no_rate_and_no_flag() -> None:
    assessed = assess_student(StudentWeek("s"), RULES)
    figures = assessed.figures
    assert (figures.on_demand_share, figures.completion_rate, figures.confusion_rate) == (
        None,
        None,
        None,
    )
    assert assessed.flags == ()


def test_a_section_totals_its_students_and_flags_what_enough_of_them_share() -> None:
    section = assess_section("d", "sec", WEEK, [LEO, KENJI, AMARA])
    assert [s.student_id for s in section.students] == [
        "student-amara",
        "student-kenji",
        "student-leo",
    ]
    figures = section.figures
    assert (figures.planned_live_minutes, figures.attended_live_minutes) == (450, 360)
    assert (figures.assigned_on_demand_minutes, figures.completed_on_demand_minutes) == (180, 100)
    assert figures.completion_rate == Fraction(100, 180)
    assert section.pulse.students_responded == 3 and section.pulse.guardians_responded == 1
    assert section.pulse.prefers == {BALANCED: 1, MORE_ON_DEMAND: 2}
    # One confused student of three is theirs to help, not the section's plan's.
    assert [(f.kind, f.reason) for f in section.flags] == [
        (
            BalanceFlag.SECTION_LESS_LIVE,
            "2 of 3 prefer more on-demand → fewer live minutes next week",
        )
    ]


def test_a_section_where_enough_students_are_lost_gets_prework() -> None:
    confused = [
        StudentWeek(f"st-{n}", live=(LiveLine("s1", 50, PRESENT, 50, (LOST,)),) * 2)
        for n in range(2)
    ]
    fine = [
        StudentWeek(f"ok-{n}", live=(LiveLine("s1", 50, PRESENT, 50, (GOT_IT,)),)) for n in range(4)
    ]
    section = assess_section("d", "sec", WEEK, [*confused, *fine])
    assert [(f.kind, f.reason) for f in section.flags] == [
        (
            BalanceFlag.SECTION_MORE_PREWORK,
            "2 of 6 students said lost in most live sessions → add pre-work to the next session",
        )
    ]
