"""Conversions shared by the schema: the services' instants, rendered in a viewer's zone."""

from __future__ import annotations

from datetime import datetime
from typing import overload
from zoneinfo import ZoneInfo


@overload
def in_zone(moment: datetime, zone: str) -> datetime: ...
@overload
def in_zone(moment: None, zone: str) -> None: ...
def in_zone(moment: datetime | None, zone: str) -> datetime | None:
    """The same moment, rendered in the IANA `zone`."""
    return moment.astimezone(ZoneInfo(zone)) if moment is not None else None
