"""School calendars: terms with their school weekdays, day times and blackout dates, and the
calendar the sessions slice reads to place recurring sessions and local-rule windows. Pure rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, time

from bookend.problems import FieldError, refuse_if, too_long
from services.scheduler.roster.rules import MAX_TEXT, text_errors

# A term longer than two years is a typing mistake.
MAX_TERM_DAYS = 731
# ISO weekdays, Monday = 1.
SCHOOL_WEEK = (1, 2, 3, 4, 5)
# A school day when nothing says otherwise: a school without terms, or a term without times.
SCHOOL_DAY = (time(8, 0), time(15, 0))


@dataclass(frozen=True, slots=True)
class Blackout:
    """A day of a term without school (a holiday, a training day), with why if told."""

    on: date
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    """A stretch of a school's year (a term, a semester, the school year itself) with its school
    days: which weekdays, from when to when in the school's zone, and the blackout dates.

    A term without a school (`school_id` None) is the district's: every school keeps it.
    """

    id: str
    district_id: str
    school_id: str | None
    name: str
    starts_on: date
    ends_on: date  # inclusive
    weekdays: tuple[int, ...] = SCHOOL_WEEK
    day_starts: time = SCHOOL_DAY[0]
    day_ends: time = SCHOOL_DAY[1]
    blackouts: tuple[Blackout, ...] = ()

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def blacks_out(self, day: date) -> bool:
        return any(blackout.on == day for blackout in self.blackouts)

    def with_blackouts(self, more: Iterable[Blackout]) -> Term:
        """These blackouts as well as its own; a date given again takes the new reason."""
        by_day = {b.on: b for b in self.blackouts} | {b.on: b for b in more}
        return replace(self, blackouts=tuple(by_day[day] for day in sorted(by_day)))


@dataclass(frozen=True, slots=True)
class TermDraft:
    """A term as an admin or the district's files describe it, before it is checked."""

    school_id: str | None
    name: str
    starts_on: date
    ends_on: date
    weekdays: Sequence[int] = SCHOOL_WEEK
    day_starts: time = SCHOOL_DAY[0]
    day_ends: time = SCHOOL_DAY[1]
    blackouts: Sequence[Blackout] = ()


def new_term(term_id: str, draft: TermDraft, *, district_id: str) -> Term:
    """A term, or InvalidInput naming every broken rule."""
    refuse_if(term_errors(draft))
    blackouts = sorted(draft.blackouts, key=lambda b: b.on)
    return Term(
        id=term_id,
        district_id=district_id,
        school_id=draft.school_id,
        name=draft.name.strip(),
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        weekdays=tuple(sorted(set(draft.weekdays))),
        day_starts=draft.day_starts,
        day_ends=draft.day_ends,
        blackouts=tuple(Blackout(b.on, (b.reason or "").strip() or None) for b in blackouts),
    )


def term_errors(draft: TermDraft) -> list[FieldError]:
    errors = text_errors([("name", draft.name)], limit=MAX_TEXT)
    if draft.ends_on < draft.starts_on:
        errors.append(FieldError("ends_on", "not_before_start", "must not be before starts_on"))
    elif (draft.ends_on - draft.starts_on).days >= MAX_TERM_DAYS:
        errors.append(
            FieldError("ends_on", "max_span", f"a term spans at most {MAX_TERM_DAYS} days")
        )
    if not draft.weekdays:
        message = "a term has at least one school weekday"
        errors.append(FieldError("weekdays", "not_empty", message))
    if any(not 1 <= day <= 7 for day in draft.weekdays):
        errors.append(
            FieldError("weekdays", "iso_weekday", "weekdays are 1 (Monday) to 7 (Sunday)")
        )
    if draft.day_ends <= draft.day_starts:
        errors.append(FieldError("day_ends", "after_start", "the school day ends after it starts"))
    return errors + blackout_errors(draft)


def blackout_errors(draft: TermDraft) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(draft.blackouts) > MAX_TERM_DAYS // 2:
        errors.append(
            FieldError("blackouts", "max_items", f"at most {MAX_TERM_DAYS // 2} blackout dates")
        )
    seen: set[date] = set()
    for n, blackout in enumerate(draft.blackouts):
        if not draft.starts_on <= blackout.on <= draft.ends_on:
            message = f"{blackout.on} is not within the term ({draft.starts_on} to {draft.ends_on})"
            errors.append(FieldError(f"blackouts.{n}.on", "within_term", message))
        if blackout.on in seen:
            errors.append(
                FieldError(f"blackouts.{n}.on", "unique", f"{blackout.on} is given twice")
            )
        seen.add(blackout.on)
        errors += too_long(f"blackouts.{n}.reason", blackout.reason or "", MAX_TEXT)
    return errors


@dataclass(frozen=True, slots=True)
class SchoolCalendar:
    """A school's days in its zone: its own terms and the district's.

    Terms may nest (a school year and its semesters): the narrowest term holding a day decides
    its weekdays and times, and a blackout of any term holding it makes it no school day. A
    school without terms keeps every Monday to Friday as a school day from 08:00 to 15:00.
    """

    school_id: str
    time_zone: str
    terms: tuple[Term, ...]

    def term_on(self, day: date) -> Term | None:
        """The narrowest term holding `day` (the later-starting of two as narrow, then by id)."""
        holding = [term for term in self.terms if term.holds(day)]
        return min(
            holding,
            key=lambda t: (t.ends_on - t.starts_on, -t.starts_on.toordinal(), t.id),
            default=None,
        )

    def is_blackout(self, day: date) -> bool:
        """A blackout date of a term holding `day`."""
        return any(term.holds(day) and term.blacks_out(day) for term in self.terms)

    def is_school_day(self, day: date) -> bool:
        """In a term, a school weekday, not a blackout (without terms: Monday to Friday)."""
        if not self.terms:
            return day.isoweekday() in SCHOOL_WEEK
        term = self.term_on(day)
        return term is not None and day.isoweekday() in term.weekdays and not self.is_blackout(day)

    def day_bounds(self, day: date) -> tuple[time, time] | None:
        """The local start and end of that school day, None if it is not one."""
        if not self.is_school_day(day):
            return None
        term = self.term_on(day)
        return SCHOOL_DAY if term is None else (term.day_starts, term.day_ends)


def calendar_of(school_id: str, time_zone: str, terms: Iterable[Term]) -> SchoolCalendar:
    """A school's calendar from the district's terms: its own and those of no school."""
    kept = sorted(
        (t for t in terms if t.school_id in (None, school_id)), key=lambda t: (t.starts_on, t.id)
    )
    return SchoolCalendar(school_id, time_zone, tuple(kept))
