"""Times as the public API writes and reads them (ADR 0045): an instant in ISO 8601 with the
viewer's offset, to the millisecond; a day or a time of day as it is, never shifted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from graphql.pyutils import AwaitableOrValue
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from bookend.clock import UTC_ZONE
from gateway.context import Context
from gateway.schema.errors import Unreadable

T = TypeVar("T")

EXAMPLE = "2026-11-24T09:30:00.000-06:00"

# The zone instants are written in while an operation executes. Serializing a value knows
# nothing of the request, so the zone travels beside it: set by `InViewersZone` around each
# execution alone, and UTC anywhere else.
VIEWERS_ZONE: ContextVar[ZoneInfo] = ContextVar("viewers_zone", default=UTC_ZONE)


def write_instant(value: object) -> str:
    """The DateTime scalar's output: `instant_in` the zone of the operation running."""
    return instant_in(value, VIEWERS_ZONE.get())


def instant_in(value: object, zone: ZoneInfo) -> str:
    """An aware datetime in `zone`, to the millisecond (`2026-11-24T09:30:00.000-06:00`),
    whatever zone it came in. A naive one is our bug, not the client's: it is refused loudly
    (the field fails, masked, and the server logs it) rather than sent as if it were UTC."""
    if not isinstance(value, datetime):
        raise TypeError(f"a DateTime is written from a datetime, not from {type(value).__name__}")
    if value.utcoffset() is None:
        raise ValueError(f"the naive datetime {value.isoformat()} cannot be a DateTime: no offset")
    return value.astimezone(zone).isoformat(timespec="milliseconds")


def read_instant(value: object) -> datetime:
    """ISO 8601 with an offset (`Z` or `±hh:mm`, any fraction of a second), in the offset it
    was given; one without an offset names no instant and is refused."""
    parsed = _parsed(value, datetime.fromisoformat, "DateTime", EXAMPLE)
    if parsed.utcoffset() is None:
        raise Unreadable(f"a DateTime needs an offset (Z or ±hh:mm), as in {EXAMPLE}")
    return parsed


def write_day(value: object) -> str:
    """A calendar day as `YYYY-MM-DD`. An instant is not a day: which day it falls on depends
    on a zone, so it must be made a day where its zone is known."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"a Date is written from a date, not from {type(value).__name__}")
    return value.isoformat()


def read_day(value: object) -> date:
    return _parsed(value, date.fromisoformat, "Date", "2026-11-24")


def write_time_of_day(value: object) -> str:
    """A wall-clock time as `HH:MM:SS` (with a fraction only when it has one); it has no
    offset: its zone is the one the field names."""
    if not isinstance(value, time):
        raise TypeError(f"a Time is written from a time, not from {type(value).__name__}")
    if value.tzinfo is not None:
        raise ValueError(f"the time {value.isoformat()} has an offset: a Time is a wall time")
    return value.isoformat()


def read_time_of_day(value: object) -> time:
    return _parsed(value, time.fromisoformat, "Time", "09:30")


def _parsed(value: object, parse: Callable[[str], T], scalar: str, example: str) -> T:
    if isinstance(value, str):
        try:
            return parse(value)
        except ValueError:
            pass
    raise Unreadable(f"a {scalar} is a string in ISO 8601, as in {example}")


class InViewersZone(StrawberryGraphQLCoreExecutionContext):
    """Executes each operation, and each event of a subscription, with the caller's zone as
    the one instants are written in; without a caller (none has authenticated), UTC."""

    def execute_operation(self, serially: bool | None = None) -> AwaitableOrValue[Any]:
        context = self.context_value
        zone = context.zone if isinstance(context, Context) else UTC_ZONE
        token = VIEWERS_ZONE.set(zone)
        try:
            result = super().execute_operation(serially)
        finally:
            VIEWERS_ZONE.reset(token)
        # Fields still to complete are completed where the result is awaited: the zone is set
        # there too, in that task's own context.
        return _in_zone(zone, result) if self.is_awaitable(result) else result


async def _in_zone(zone: ZoneInfo, pending: Awaitable[T]) -> T:
    token = VIEWERS_ZONE.set(zone)
    try:
        return await pending
    finally:
        VIEWERS_ZONE.reset(token)
