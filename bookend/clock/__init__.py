"""Time as Bookend keeps it: aware UTC instants, at the millisecond precision MongoDB stores."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bookend.clock.weeks import IsoWeek, local_day
from bookend.clock.zones import UTC_ZONE, iana_zone

Clock = Callable[[], datetime]


def stored_instant(moment: datetime) -> datetime:
    """UTC to the millisecond, so what a service returns equals what it later reads back."""
    if moment.tzinfo is None:
        raise ValueError("instants must be aware")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def utc_now() -> datetime:
    return stored_instant(datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of time from `starts` (inclusive) to `ends` (exclusive); a missing end is open."""

    starts: datetime | None = None
    ends: datetime | None = None

    def __contains__(self, moment: datetime) -> bool:
        return (self.starts is None or moment >= self.starts) and (
            self.ends is None or moment < self.ends
        )

    @property
    def is_open(self) -> bool:
        """True when it bounds nothing: every moment is in it."""
        return self.starts is None and self.ends is None


ALL_TIME = Span()


__all__ = [
    "ALL_TIME",
    "UTC_ZONE",
    "Clock",
    "IsoWeek",
    "Span",
    "iana_zone",
    "local_day",
    "stored_instant",
    "utc_now",
]
