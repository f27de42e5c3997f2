"""Task windows written as local rules ("due at the end of the student's school day, the school
day after the session") and resolved for each student, in the student's own zone and by the
school's calendar. Pure rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from bookend.problems import FieldError

# A rule reaches at most this many school days from its anchor (a term's length, about).
MAX_SCHOOL_DAYS = 60
# Looking for the next school day gives up after this many calendar days (a long holiday).
MAX_DAYS_SEARCHED = 120


class Anchor(StrEnum):
    """What a rule counts from."""

    ASSIGNED = "assigned"  # when the task is assigned
    SESSION_START = "session_start"  # its session's start (a bookend's)
    SESSION_END = "session_end"  # its session's end


class TimeOfDay(StrEnum):
    SCHOOL_DAY_START = "school_day_start"
    SCHOOL_DAY_END = "school_day_end"


class Calendar(Protocol):
    """What a rule needs of the school's calendar (the roster's SchoolCalendar)."""

    def is_school_day(self, day: date) -> bool: ...

    def day_bounds(self, day: date) -> tuple[time, time] | None: ...


@dataclass(frozen=True, slots=True)
class LocalRule:
    """A moment written for every student at once: the start or end of the student's school
    day, `school_days` school days after the anchor's own date in the student's zone (0: that
    day itself, if it is a school day, else the next one)."""

    anchor: Anchor
    school_days: int
    at: TimeOfDay

    def errors(self, field: str) -> list[FieldError]:
        if 0 <= self.school_days <= MAX_SCHOOL_DAYS:
            return []
        message = f"must be between 0 and {MAX_SCHOOL_DAYS} school days"
        return [FieldError(f"{field}.school_days", "in_range", message)]

    def resolve(self, anchors: dict[Anchor, datetime], zone: str, calendar: Calendar) -> datetime:
        """The moment for a student in `zone`: the school day's local time taken in the
        student's own zone (a student abroad keeps their school's hours, in their own day)."""
        local = ZoneInfo(zone)
        day = school_day_after(anchors[self.anchor].astimezone(local).date(), self, calendar)
        bounds = calendar.day_bounds(day)
        assert bounds is not None  # school_day_after gives school days only
        at = bounds[0] if self.at is TimeOfDay.SCHOOL_DAY_START else bounds[1]
        return datetime.combine(day, at, local)


@dataclass(frozen=True, slots=True)
class WindowRules:
    """The rules a task's window was written with, kept so it can be resolved again (a student
    enrolled later, a session moved)."""

    opens: LocalRule | None = None
    due: LocalRule | None = None
    closes: LocalRule | None = None

    @property
    def anchors(self) -> set[Anchor]:
        return {rule.anchor for rule in (self.opens, self.due, self.closes) if rule is not None}


class NoSchoolDay(ValueError):
    """No school day within MAX_DAYS_SEARCHED of the anchor: the calendar has none there."""


def school_day_after(start: date, rule: LocalRule, calendar: Calendar) -> date:
    day, left = start, rule.school_days
    for _ in range(MAX_DAYS_SEARCHED):
        if calendar.is_school_day(day):
            if left == 0:
                return day
            left -= 1
        day += timedelta(days=1)
    raise NoSchoolDay(f"no school day within {MAX_DAYS_SEARCHED} days of {start}")
