"""Pulse surveys: one short check-in a week about each student, from the student and from each
of their guardians, editable while its week lasts; and a section's week of them summed up for
its staff. Pure rules, no I/O (ADR 0036)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from bookend.clock import IsoWeek
from bookend.contracts.feedback import (
    Connectivity,
    LearningPreference,
    PulseRespondent,
    Wellbeing,
    Workload,
)
from bookend.ids import IdFactory
from bookend.problems import FieldError, InvalidInput, too_long

MAX_COMMENT_LENGTH = 1000

# Every local calendar on Earth runs between these two offsets. A week is open from its Monday
# midnight in the first place to begin it (UTC+14) until its next Monday midnight in the last
# place to end it (UTC-12): whatever the respondent's zone, their own week is open while it
# lasts for them. (The POSIX names' signs are inverted: Etc/GMT-14 is UTC+14.)
FIRST_ZONE = "Etc/GMT-14"
LAST_ZONE = "Etc/GMT+12"

E = TypeVar("E", bound=StrEnum)


def week_is_open(week: IsoWeek, at: datetime) -> bool:
    return week.span(FIRST_ZONE)[0] <= at < week.span(LAST_ZONE)[1]


def open_week(text: str, at: datetime) -> IsoWeek:
    """The week named, if a pulse may be given or changed in it at `at`: a past week is
    refused (its pulses are final), and so is one that has not begun anywhere."""
    week = IsoWeek.parse(text)
    if at < week.span(FIRST_ZONE)[0]:
        raise InvalidInput("week", "current_week", f"{week} has not begun: answer it in its week")
    if not week_is_open(week, at):
        message = f"{week} is over: a pulse is given or changed only in its own week"
        raise InvalidInput("week", "current_week", message)
    return week


def week_errors(text: str, at: datetime) -> list[FieldError]:
    try:
        open_week(text, at)
    except InvalidInput as refused:
        return list(refused.errors)
    return []


@dataclass(frozen=True, slots=True)
class PulseAnswers:
    """What the respondent says about the student's week. The comment is their own words: it
    never leaves the service in an event or a log."""

    workload: Workload
    wellbeing: Wellbeing
    connectivity: Connectivity
    shared_device: bool
    preference: LearningPreference
    comment: str | None = None

    def errors(self) -> list[FieldError]:
        return too_long("comment", (self.comment or "").strip(), MAX_COMMENT_LENGTH)

    def tidied(self) -> PulseAnswers:
        """The comment without surrounding blanks; a blank one is none."""
        comment = self.comment.strip() if self.comment is not None else None
        return replace(self, comment=comment or None)

    @property
    def has_comment(self) -> bool:
        return self.comment is not None

    # How the balance assessment reads an answer (services/feedback/assessment: PulseLine).
    @property
    def too_much_work(self) -> bool:
        return self.workload is Workload.TOO_MUCH

    @property
    def low_wellbeing(self) -> bool:
        return self.wellbeing in (Wellbeing.VERY_LOW, Wellbeing.LOW)

    @property
    def poorly_connected(self) -> bool:
        return self.connectivity is not Connectivity.GOOD or self.shared_device


@dataclass(frozen=True, slots=True)
class Pulse:
    """One respondent's answer about one student for one week: the student's own, or a
    guardian's. `section_ids` are the student's sections as feedback knows them (ADR 0036):
    what a section's week of pulses is read by."""

    id: str
    district_id: str
    week: str
    student_id: str
    respondent_id: str
    respondent: PulseRespondent
    answers: PulseAnswers
    section_ids: tuple[str, ...]
    first_submitted_at: datetime
    submitted_at: datetime  # the latest revision's
    revision: int = 1

    @property
    def by_guardian(self) -> bool:
        return self.respondent is PulseRespondent.GUARDIAN


@dataclass(frozen=True, slots=True)
class PulseSubmitted:
    """Domain event: a pulse was given, or changed."""

    pulse: Pulse


@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answers about whom: a student about themself, or a guardian about a child."""

    district_id: str
    respondent_id: str
    kind: PulseRespondent
    student_id: str


def submit(
    before: Pulse | None,
    *,
    who: Respondent,
    week: IsoWeek,
    answers: PulseAnswers,
    section_ids: Iterable[str],
    new_id: IdFactory,
    at: datetime,
) -> tuple[Pulse, list[PulseSubmitted]]:
    """The respondent's pulse for the week: new, or the one before with these answers (an
    edit). The same answers again change nothing and record no event."""
    sections = tuple(sorted(set(section_ids)))
    if before is not None:
        if before.answers == answers:
            return _with_sections(before, sections), []
        edited = replace(before, answers=answers, submitted_at=at, revision=before.revision + 1)
        edited = _with_sections(edited, sections)
        return edited, [PulseSubmitted(edited)]
    pulse = Pulse(
        id=new_id(),
        district_id=who.district_id,
        week=str(week),
        student_id=who.student_id,
        respondent_id=who.respondent_id,
        respondent=who.kind,
        answers=answers,
        section_ids=sections,
        first_submitted_at=at,
        submitted_at=at,
    )
    return pulse, [PulseSubmitted(pulse)]


def _with_sections(pulse: Pulse, sections: tuple[str, ...]) -> Pulse:
    return pulse if pulse.section_ids == sections else replace(pulse, section_ids=sections)


def sections_of_guardians(pulses: Iterable[Pulse], own: Pulse) -> list[Pulse]:
    """A week's guardian pulses about the student that should now carry the sections the
    student's own pulse names (a guardian may have answered first)."""
    return [
        replace(p, section_ids=own.section_ids)
        for p in pulses
        if p.by_guardian and p.section_ids != own.section_ids
    ]


def student_id_errors(student_id: str) -> list[FieldError]:
    if 0 < len(student_id) <= 200 and student_id.isprintable():
        return []
    return [FieldError("student_id", "valid_id", "must be 1 to 200 printable characters")]


# --- a section's week, for its staff ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    """How many students, and how many guardians, gave one answer."""

    students: int = 0
    guardians: int = 0


@dataclass(frozen=True, slots=True)
class SectionPulse:
    """A section's week of pulses: who answered, how many gave each answer (students' and
    guardians' counted apart), and every answer with its comment, for the section's staff."""

    section_id: str
    week: str
    students_responded: int  # students who answered themselves
    guardians_responded: int  # guardian pulses (a child may have two guardians answering)
    students_heard_from: int  # students with any pulse, their own or a guardian's
    workload: dict[Workload, Tally]
    wellbeing: dict[Wellbeing, Tally]
    connectivity: dict[Connectivity, Tally]
    shared_device: Tally
    preference: dict[LearningPreference, Tally]
    pulses: tuple[Pulse, ...]  # ordered by student, the student's own first


def summarize(section_id: str, week: IsoWeek, pulses: Sequence[Pulse]) -> SectionPulse:
    ordered = tuple(sorted(pulses, key=lambda p: (p.student_id, p.by_guardian, p.respondent_id)))

    def tallies(kind: type[E], answer: Callable[[PulseAnswers], E]) -> dict[E, Tally]:
        counted = Counter((answer(p.answers), p.by_guardian) for p in ordered)
        return {value: Tally(counted[value, False], counted[value, True]) for value in kind}

    shared = Counter(p.by_guardian for p in ordered if p.answers.shared_device)
    return SectionPulse(
        section_id=section_id,
        week=str(week),
        students_responded=sum(not p.by_guardian for p in ordered),
        guardians_responded=sum(p.by_guardian for p in ordered),
        students_heard_from=len({p.student_id for p in ordered}),
        workload=tallies(Workload, lambda a: a.workload),
        wellbeing=tallies(Wellbeing, lambda a: a.wellbeing),
        connectivity=tallies(Connectivity, lambda a: a.connectivity),
        shared_device=Tally(shared[False], shared[True]),
        preference=tallies(LearningPreference, lambda a: a.preference),
        pulses=ordered,
    )
