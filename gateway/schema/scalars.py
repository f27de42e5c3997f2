"""Conversions shared by the schema: instants from services, rendered in a viewer's zone."""

from __future__ import annotations

from datetime import datetime
from typing import overload
from zoneinfo import ZoneInfo


@overload
def instant(value: str, zone: str | None = None) -> datetime: ...
@overload
def instant(value: None, zone: str | None = None) -> None: ...
@overload
def instant(value: str | None, zone: str | None = None) -> datetime | None: ...
def instant(value: str | None, zone: str | None = None) -> datetime | None:
    """Parse a service's UTC instant; render it in `zone` when given."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(ZoneInfo(zone)) if zone else parsed
