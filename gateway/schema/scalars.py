"""The schema's own scalars, mapped in its config (`StrawberryConfig.scalar_map`)."""

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from gateway.schema.errors import Unreadable
from gateway.schema.times import (
    EXAMPLE,
    read_day,
    read_instant,
    read_time_of_day,
    write_day,
    write_instant,
    write_time_of_day,
)

# GraphQL's Int stops at 2^31 - 1: a long video is larger than that.
Bytes = NewType("Bytes", int)


def _size(value: object) -> int:
    """A whole number, as JSON gives it: not text, not a fraction, not true or false."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Unreadable("a size is a whole number of bytes")


# A JSON object passed through as it is: a district event's `data` (ADR 0050), the payload the
# district's topic and webhooks carry, with the services' own ids and times in it.
JSONObject = NewType("JSONObject", dict[str, object])


def _read_object(value: object) -> dict[str, object]:
    """An object, as JSON gives it: not a list, text or number."""
    if isinstance(value, Mapping):
        return dict(value)
    raise Unreadable("a JSONObject is a JSON object ({...})")


def _write_object(value: object) -> object:
    """As it is; anything but an object is our bug, refused loudly (masked, and logged)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"a JSONObject is written from a mapping, not {type(value).__name__}")
    return value


SCALARS: dict[object, ScalarDefinition] = {
    Bytes: strawberry.scalar(
        name="Bytes",
        description="A size in bytes, as a JSON number (exact up to 2^53).",
        serialize=int,
        parse_value=_size,
    ),
    JSONObject: strawberry.scalar(
        name="JSONObject",
        description=(
            "A JSON object, given as it is: its fields are not part of this schema, and its "
            "ids and instants are as its source wrote them (the services' raw ids; instants "
            "not shifted to the viewer's zone)."
        ),
        serialize=_write_object,
        parse_value=_read_object,
    ),
    # One time format in queries, mutations and subscriptions alike (ADR 0045).
    datetime: strawberry.scalar(
        name="DateTime",
        description=(
            "An instant, in ISO 8601 with an offset. Answers give it in the viewer's zone (the "
            "bearer token's `zoneinfo` claim, else UTC) to the millisecond, as in "
            f"{EXAMPLE}. Inputs need an offset (`Z` or ±hh:mm), at any precision."
        ),
        serialize=write_instant,
        parse_value=read_instant,
    ),
    date: strawberry.scalar(
        name="Date",
        description=(
            "A calendar day, YYYY-MM-DD (ISO 8601): the day where it applies (a school's, a "
            "student's), never shifted to the viewer's zone."
        ),
        serialize=write_day,
        parse_value=read_day,
    ),
    time: strawberry.scalar(
        name="Time",
        description=(
            "A wall-clock time of day, HH:MM[:SS] (ISO 8601), without an offset: in the zone "
            "its field names, never shifted to the viewer's zone."
        ),
        serialize=write_time_of_day,
        parse_value=read_time_of_day,
    ),
}
