"""Input rules every part of the scheduler checks the same way: zones, blank and long text."""

from __future__ import annotations

from collections.abc import Iterable

from bookend.clock import iana_zone
from bookend.problems import FieldError, too_long

# Free text a person or an admin types (names, reasons): bounded, so no record grows unbounded.
MAX_TEXT = 200
MAX_NAME = 100


def zone_errors(time_zone: str, field_name: str = "time_zone") -> list[FieldError]:
    if iana_zone(time_zone) is None:
        message = f"{time_zone[:64]!r} is not an IANA time zone"
        return [FieldError(field_name, "iana_zone", message)]
    return []


def blank_errors(values: Iterable[tuple[str, str]]) -> list[FieldError]:
    return [
        FieldError(field, "not_blank", "must not be blank")
        for field, value in values
        if not value.strip()
    ]


def text_errors(values: Iterable[tuple[str, str]], *, limit: int) -> list[FieldError]:
    """Not blank, and at most `limit` characters."""
    given = list(values)
    return blank_errors(given) + [e for name, value in given for e in too_long(name, value, limit)]
