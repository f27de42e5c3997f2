"""Time as Bookend keeps it: aware UTC instants, at the millisecond precision MongoDB stores."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def stored_instant(moment: datetime) -> datetime:
    """UTC to the millisecond, so what a service returns equals what it later reads back."""
    if moment.tzinfo is None:
        raise ValueError("instants must be aware")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def utc_now() -> datetime:
    return stored_instant(datetime.now(UTC))
