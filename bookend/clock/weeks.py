"""Weeks as schools count them: ISO weeks (Monday to Sunday), on the days of a time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookend.problems import InvalidInput

_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True, slots=True)
class IsoWeek:
    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def containing(cls, moment: datetime, zone: str) -> IsoWeek:
        return cls.of(local_day(moment, zone))

    @property
    def order(self) -> tuple[int, int]:
        return (self.year, self.week)

    @classmethod
    def parse(cls, text: str, field: str = "week") -> IsoWeek:
        match = _ISO_WEEK.fullmatch(text.strip())
        refused = InvalidInput(field, "iso_week", "an ISO week, e.g. 2026-W48")
        if match is None:
            raise refused
        year, week = int(match[1]), int(match[2])
        if not 2000 <= year < 2200:
            raise InvalidInput(field, "in_range", "must be between 2000 and 2200")
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise refused from None
        return cls(year, week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    def span(self, zone: str) -> tuple[datetime, datetime]:
        """From Monday's midnight to the next Monday's, in `zone`, as UTC instants."""
        tz = ZoneInfo(zone)
        starts = datetime.combine(self.monday, time(0), tz)
        ends = datetime.combine(self.monday + timedelta(days=7), time(0), tz)
        return starts.astimezone(UTC), ends.astimezone(UTC)
