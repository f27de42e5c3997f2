"""The scheduler's HTTP API for calendar links: secret addresses that calendar apps poll
without a token, and the route that answers them with an iCalendar file."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from pydantic import BaseModel, Field

from bookend.contracts.scheduler import CalendarOwner
from bookend.http_contracts.paging import Page

# The route of a calendar, the same on the scheduler and on the gateway (its public address).
# Its path is a credential: request logs show only the prefix (bookend.hosting.logs).
CALENDAR_PREFIX = "/calendars/"
CALENDAR_ROUTE = CALENDAR_PREFIX + "{secret}.ics"

Id = Annotated[str, Field(min_length=1, max_length=200)]


def calendar_path(secret: str) -> str:
    """The path of the calendar a secret opens, the secret percent-encoded so it stays one
    path segment whatever a client sent."""
    return CALENDAR_ROUTE.format(secret=quote(secret, safe=""))


class CalendarLinkCreate(BaseModel):
    """Name exactly one owner: a student (their whole feed) or a section."""

    student_id: Id | None = None
    section_id: Id | None = None


class CalendarLink(BaseModel):
    """A link without its secret: the secret is shown once, when the link is created."""

    id: str
    district_id: str
    owner_kind: CalendarOwner
    owner_id: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None


class CalendarLinkCreated(CalendarLink):
    # Only in this answer: the store keeps its SHA-256 hash alone. Keep it like a password.
    secret: str
    path: str  # the calendar's path under the gateway's public address


class CalendarLinkPage(Page[CalendarLink]):
    """Live links, newest first."""
