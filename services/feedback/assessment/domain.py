"""The balance assessment: a week of one section's live and on-demand work, what each student
did of it and said about it, turned into figures and flags with their reasons. Pure rules, no
I/O; every figure can be computed by hand from the lines it is given."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from fractions import Fraction

from bookend.clock import IsoWeek
from bookend.contracts.feedback import (
    AttendanceMark,
    BalanceFlag,
    CheckInSignal,
    Connectivity,
    LearningPreference,
)


@dataclass(frozen=True, slots=True)
class WeekSession:
    """A live session of the section planned in the week, as the scheduler announced it."""

    session_id: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class LiveLine:
    """One live session of the week for one student: planned minutes, and how they attended
    (None while its attendance is not summarised yet: it counts as planned, not as missed)."""

    session_id: str
    planned_minutes: int
    mark: AttendanceMark | None = None
    minutes_present: int = 0
    signals: tuple[CheckInSignal, ...] = ()  # the student's check-ins in it, in order
    held_minutes: int | None = None  # from its start to its end, once it took place

    def missed(self, rules: AssessmentRules) -> bool:
        """Absent, or present for less than `rules.missed_below` of it as it was held (a
        session ended early is not missed by those who stayed to its end)."""
        if self.mark is None:
            return False
        if self.mark is AttendanceMark.ABSENT:
            return True
        held = self.planned_minutes if self.held_minutes is None else self.held_minutes
        return Fraction(self.minutes_present) < rules.missed_below * held

    @property
    def lost(self) -> bool:
        return CheckInSignal.LOST in self.signals


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One on-demand task due in the week for one student; `due` once its due time has passed
    when the week is assessed (a week assessed while it runs has work not due yet)."""

    task_id: str
    minutes: int
    completed: bool = False
    due: bool = True


@dataclass(frozen=True, slots=True)
class PulseLine:
    """What one person (the student, or a guardian of theirs) said in the week's pulse, as the
    assessment reads it."""

    by_guardian: bool
    too_much_work: bool = False
    low_wellbeing: bool = False
    connectivity: Connectivity = Connectivity.GOOD
    shared_device: bool = False
    prefers: LearningPreference | None = None

    @property
    def poorly_connected(self) -> bool:
        return self.connectivity != Connectivity.GOOD or self.shared_device


@dataclass(frozen=True, slots=True)
class StudentWeek:
    student_id: str
    live: tuple[LiveLine, ...] = ()
    tasks: tuple[TaskLine, ...] = ()
    pulses: tuple[PulseLine, ...] = ()


@dataclass(frozen=True, slots=True)
class AssessmentRules:
    """Where a figure becomes a flag; the defaults are the design's, a district may tune them."""

    missed_below: Fraction = Fraction(1, 2)  # of a session's minutes present
    lost_share: Fraction = Fraction(1, 2)  # of the sessions checked in to
    lost_min_sessions: int = 2
    behind_below: Fraction = Fraction(1, 2)  # of the on-demand minutes due, completed
    behind_min_minutes: int = 30
    section_share: Fraction = Fraction(1, 3)  # of the students, for a section's flag
    section_min_students: int = 2


@dataclass(frozen=True, slots=True)
class Figures:
    """Minutes and rates of a week; a rate is None when there is nothing to divide by."""

    planned_live_minutes: int
    attended_live_minutes: int
    assigned_on_demand_minutes: int
    completed_on_demand_minutes: int
    sessions: int
    sessions_missed: int
    sessions_checked_in: int
    sessions_lost: int

    @property
    def on_demand_share(self) -> Fraction | None:
        total = self.planned_live_minutes + self.assigned_on_demand_minutes
        return Fraction(self.assigned_on_demand_minutes, total) if total else None

    @property
    def completion_rate(self) -> Fraction | None:
        due = self.assigned_on_demand_minutes
        return Fraction(self.completed_on_demand_minutes, due) if due else None

    @property
    def confusion_rate(self) -> Fraction | None:
        """Of the sessions the student checked in to, the share in which they said "lost"."""
        checked = self.sessions_checked_in
        return Fraction(self.sessions_lost, checked) if checked else None

    @classmethod
    def total(cls, parts: Iterable[Figures]) -> Figures:
        parts = list(parts)
        return cls(*(sum(getattr(p, f.name) for p in parts) for f in fields(cls)))


def rounded(rate: Fraction | None) -> float | None:
    """A rate as readers take it: a float to four places (none stays none)."""
    return None if rate is None else round(float(rate), 4)


@dataclass(frozen=True, slots=True)
class Flag:
    kind: BalanceFlag
    reason: str


@dataclass(frozen=True, slots=True)
class PulseSummary:
    """How many answered, and how many said each thing (the student's own answer and their
    guardians' counted apart)."""

    students_responded: int = 0
    guardians_responded: int = 0
    too_much_work: int = 0
    low_wellbeing: int = 0
    poorly_connected: int = 0
    prefers: dict[LearningPreference, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StudentAssessment:
    student_id: str
    figures: Figures
    pulse: PulseSummary
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class SectionAssessment:
    district_id: str
    section_id: str
    week: IsoWeek
    figures: Figures
    pulse: PulseSummary
    flags: tuple[Flag, ...]
    students: tuple[StudentAssessment, ...]
    assessed_at: datetime | None = None  # when it was published, if it was
    id: str = ""  # the published one's

    def of_student(self, student_id: str) -> StudentAssessment | None:
        return next((s for s in self.students if s.student_id == student_id), None)


def figures_of(week: StudentWeek, rules: AssessmentRules) -> Figures:
    return Figures(
        planned_live_minutes=sum(line.planned_minutes for line in week.live),
        attended_live_minutes=sum(line.minutes_present for line in week.live),
        assigned_on_demand_minutes=sum(task.minutes for task in week.tasks),
        completed_on_demand_minutes=sum(task.minutes for task in week.tasks if task.completed),
        sessions=len(week.live),
        sessions_missed=sum(line.missed(rules) for line in week.live),
        sessions_checked_in=sum(bool(line.signals) for line in week.live),
        sessions_lost=sum(line.lost for line in week.live),
    )


def pulse_of(pulses: Sequence[PulseLine]) -> PulseSummary:
    prefers = Counter(p.prefers for p in pulses if p.prefers is not None)
    return PulseSummary(
        students_responded=sum(not p.by_guardian for p in pulses),
        guardians_responded=sum(p.by_guardian for p in pulses),
        too_much_work=sum(p.too_much_work for p in pulses),
        low_wellbeing=sum(p.low_wellbeing for p in pulses),
        poorly_connected=sum(p.poorly_connected for p in pulses),
        prefers=dict(sorted(prefers.items())),
    )


def _reports(pulses: Iterable[PulseLine]) -> str:
    """Who said it: "the student reports", "a guardian reports", or both "report"."""
    said = {"a guardian" if p.by_guardian else "the student" for p in pulses}
    if len(said) == 2:
        return "the student and a guardian report"
    return f"{said.pop()} reports"


def _connection(pulses: Sequence[PulseLine]) -> str:
    said = {p.connectivity for p in pulses}
    parts = []
    if Connectivity.NONE in said:
        parts.append("no connectivity at home")
    elif Connectivity.LIMITED in said:
        parts.append("limited connectivity at home")
    if any(p.shared_device for p in pulses):
        parts.append("a shared device")
    return " and ".join(parts)


def student_flags(week: StudentWeek, figures: Figures, rules: AssessmentRules) -> list[Flag]:
    """Each flag names the figures and answers it comes from, and what it suggests."""
    flags: list[Flag] = []
    missed, sessions = figures.sessions_missed, figures.sessions
    poorly = [p for p in week.pulses if p.poorly_connected]
    if missed and (poorly or missed >= 2):
        because = f"missed {missed} of {sessions} live sessions"
        if poorly:
            because += f" and {_reports(poorly)} {_connection(poorly)}"
        flags.append(Flag(BalanceFlag.OFFER_RECORDINGS, f"{because} → offer recordings"))
    overloaded = [p for p in week.pulses if p.too_much_work]
    if overloaded:
        because = f"{_reports(overloaded)} too much work"
        if figures.completion_rate is not None:
            because += (
                f"; completed {figures.completed_on_demand_minutes} of "
                f"{figures.assigned_on_demand_minutes} on-demand minutes"
            )
        flags.append(Flag(BalanceFlag.OVERLOADED, f"{because} → lighten the load"))
    confusion = figures.confusion_rate
    if (
        confusion is not None
        and figures.sessions_lost >= rules.lost_min_sessions
        and confusion >= rules.lost_share
    ):
        because = (
            f"said lost in {figures.sessions_lost} of {figures.sessions_checked_in} live "
            "sessions checked in to"
        )
        flags.append(Flag(BalanceFlag.MORE_PREWORK, f"{because} → more pre-work"))
    # Behind counts only work already due: mid-week, what is due on Friday is not late yet.
    due = [task for task in week.tasks if task.due]
    due_minutes = sum(task.minutes for task in due)
    done_minutes = sum(task.minutes for task in due if task.completed)
    if due_minutes >= rules.behind_min_minutes and Fraction(done_minutes, due_minutes) < (
        rules.behind_below
    ):
        so_far = " so far" if len(due) < len(week.tasks) else ""
        because = f"completed {done_minutes} of {due_minutes} on-demand minutes due{so_far}"
        flags.append(Flag(BalanceFlag.FALLING_BEHIND, f"{because} → extend windows"))
    low = [p for p in week.pulses if p.low_wellbeing]
    if low:
        because = f"{_reports(low)} low wellbeing"
        flags.append(Flag(BalanceFlag.LOW_WELLBEING, f"{because} → talk with them"))
    return flags


def assess_student(week: StudentWeek, rules: AssessmentRules) -> StudentAssessment:
    figures = figures_of(week, rules)
    flags = tuple(student_flags(week, figures, rules))
    return StudentAssessment(week.student_id, figures, pulse_of(week.pulses), flags)


def assess_section(
    district_id: str,
    section_id: str,
    week: IsoWeek,
    students: Iterable[StudentWeek],
    rules: AssessmentRules = AssessmentRules(),
) -> SectionAssessment:
    """Every student's assessment, the section's totals, and the section's own flags: when
    enough of its students share a flag, the remedy is the section's plan, not theirs."""
    weeks = sorted(students, key=lambda s: s.student_id)
    assessed = tuple(assess_student(student, rules) for student in weeks)
    pulses = [pulse for student in weeks for pulse in student.pulses]
    flags: list[Flag] = []
    counted = len(assessed)

    def enough(kind: BalanceFlag) -> int:
        flagged = sum(any(f.kind is kind for f in a.flags) for a in assessed)
        if flagged >= rules.section_min_students and flagged >= rules.section_share * counted:
            return flagged
        return 0

    if lost := enough(BalanceFlag.MORE_PREWORK):
        because = f"{lost} of {counted} students said lost in most live sessions"
        flags.append(
            Flag(BalanceFlag.SECTION_MORE_PREWORK, f"{because} → add pre-work to the next session")
        )
    overloaded = enough(BalanceFlag.OVERLOADED)
    want_less_live = sum(
        any(
            p.prefers is LearningPreference.MORE_ON_DEMAND and not p.by_guardian
            for p in student.pulses
        )
        for student in weeks
    )
    if overloaded or (
        want_less_live >= rules.section_min_students
        and Fraction(want_less_live) >= rules.section_share * counted
    ):
        said = []
        if overloaded:
            said.append(f"{overloaded} of {counted} students report too much work")
        if want_less_live >= rules.section_min_students:
            said.append(f"{want_less_live} of {counted} prefer more on-demand")
        flags.append(
            Flag(
                BalanceFlag.SECTION_LESS_LIVE,
                f"{' and '.join(said)} → fewer live minutes next week",
            )
        )
    return SectionAssessment(
        district_id,
        section_id,
        week,
        Figures.total(a.figures for a in assessed),
        pulse_of(pulses),
        tuple(flags),
        assessed,
    )


@dataclass(frozen=True, slots=True)
class Assessed:
    """Domain event: a section's week was assessed and published."""

    assessment: SectionAssessment


# --- the admins' report: a week's published assessments across sections ---------------------


@dataclass(frozen=True, slots=True)
class SectionLine:
    """A section's published week as a report lists it: its figures and flags, and how many of
    its students were assessed and flagged (per flag kind), without who they are."""

    section_id: str
    school_id: str | None
    figures: Figures
    flags: tuple[Flag, ...]
    students: int
    students_flagged: int
    student_flags: dict[BalanceFlag, int]
    assessed_at: datetime | None


def line_of(assessment: SectionAssessment, school_id: str | None) -> SectionLine:
    kinds = Counter(kind for s in assessment.students for kind in {f.kind for f in s.flags})
    return SectionLine(
        section_id=assessment.section_id,
        school_id=school_id,
        figures=assessment.figures,
        flags=assessment.flags,
        students=len(assessment.students),
        students_flagged=sum(bool(s.flags) for s in assessment.students),
        student_flags={kind: kinds[kind] for kind in BalanceFlag if kind in kinds},
        assessed_at=assessment.assessed_at,
    )


@dataclass(frozen=True, slots=True)
class FlagCount:
    """How many sections carry a flag of this kind, and how many students."""

    kind: BalanceFlag
    sections: int
    students: int


@dataclass(frozen=True, slots=True)
class ReportTotals:
    """A week across the sections of a report: sums, rates of the sums, and flags counted."""

    sections: int
    sections_flagged: int
    students: int
    students_flagged: int
    figures: Figures
    flags: tuple[FlagCount, ...]


def totals_of(lines: Iterable[SectionLine]) -> ReportTotals:
    lines = list(lines)
    sections = Counter(kind for line in lines for kind in {f.kind for f in line.flags})
    students: Counter[BalanceFlag] = Counter()
    for line in lines:
        students.update(line.student_flags)
    kinds = [kind for kind in BalanceFlag if kind in sections or kind in students]
    return ReportTotals(
        sections=len(lines),
        sections_flagged=sum(bool(line.flags) for line in lines),
        students=sum(line.students for line in lines),
        students_flagged=sum(line.students_flagged for line in lines),
        figures=Figures.total(line.figures for line in lines),
        flags=tuple(FlagCount(kind, sections[kind], students[kind]) for kind in kinds),
    )
