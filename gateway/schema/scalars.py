"""Conversions shared by the schema: instants from services, rendered in a viewer's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def instant(value: str | None, zone: str | None = None) -> datetime | None:
    """Parse a service's UTC instant; render it in `zone` when given."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(ZoneInfo(zone)) if zone else parsed
