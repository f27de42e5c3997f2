"""IANA time zones by name: the one check of a zone that a person, a file or a token names."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

UTC_ZONE = ZoneInfo("UTC")


@cache
def _names() -> frozenset[str]:
    # The zone database's names, read once. `localtime` is this server's own zone, which the
    # system's zone folder may list beside them: a name that meant whatever the machine is set
    # to would make the same input mean different moments on different servers.
    return frozenset(available_timezones() - {"localtime"})


def iana_zone(name: str) -> ZoneInfo | None:
    """The zone of the IANA time zone database called `name` (e.g. `America/Chicago`), or None
    for anything else: a misspelt name, a path, an empty string."""
    return ZoneInfo(name) if name in _names() else None
