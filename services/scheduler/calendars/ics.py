"""Feed items as an iCalendar (RFC 5545) file, written with the `icalendar` library.

Each event is a small function of one feed item and its status, so what the feed gains (a join
link, a cancelled session) is a line or two here. Every event is a VEVENT: calendar apps show
few VTODOs, or none (Google Calendar ignores them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
from icalendar import Calendar, Event, vDuration

from bookend.contracts.scheduler import Bookend, FeedItemKind, FeedItemStatus, SessionStatus
from services.scheduler.feed.domain import FeedItem

PRODID = "-//Bookend//Scheduler calendars//EN"
# Bumped when the rendering changes, so every calendar's ETag changes with it.
RENDERING = 2

# A session only moves forward through these; each step is a change a calendar app should pick
# up, so its SEQUENCE grows with it, on top of the item's revision (each move or cancellation
# of the plan). A session is moved or cancelled only while scheduled, so the sum only grows.
SEQUENCE = {
    SessionStatus.SCHEDULED: 0,
    SessionStatus.LIVE: 1,
    SessionStatus.ENDED: 2,
    SessionStatus.CANCELLED: 0,
}

BOOKEND_NAME = {Bookend.PRE_WORK: "Pre-work", Bookend.FOLLOW_UP: "Follow-up"}


@dataclass(frozen=True, slots=True)
class CalendarContent:
    """What one calendar shows: its name, the zone it is shown in, its items with statuses."""

    name: str
    time_zone: str
    items: Sequence[tuple[FeedItem, FeedItemStatus]]

    def fingerprint(self) -> str:
        """Changes whenever the file would, but for its DTSTAMP: the ETag."""
        # orjson writes the items (dataclasses, enums, instants) as they are, fast.
        encoded = orjson.dumps([RENDERING, self.name, self.time_zone, self.items])
        return hashlib.sha256(encoded).hexdigest()[:32]


def event_of(
    item: FeedItem, status: FeedItemStatus, *, uid_domain: str, zone: ZoneInfo, stamp: datetime
) -> Event:
    """A live session from its start to its end; an on-demand task at its due time, as a
    moment that blocks no time (its window, often two days, would cover the calendar)."""
    event = Event()
    event.add("uid", f"{item.item_id}@{uid_domain}")
    event.add("dtstamp", stamp.astimezone(UTC))
    is_session = item.kind is FeedItemKind.LIVE_SESSION
    event.add("summary", item.title if is_session else f"Due: {item.title}")
    event.add("description", description(item, status, zone))
    event.add("categories", [category(item)])
    cancelled = item.session_status is SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if item.join_url is not None:
        event.add("url", item.join_url)
        event.add("location", item.join_url)
    if item.starts_at is not None and item.ends_at is not None:
        event.add("dtstart", item.starts_at.astimezone(UTC))
        event.add("dtend", item.ends_at.astimezone(UTC))
        event.add("transp", "OPAQUE")
    else:
        # No DTEND: a DATE-TIME start without an end is a moment (RFC 5545 3.6.1).
        event.add("dtstart", item.actionable_at.astimezone(UTC))
        event.add("transp", "TRANSPARENT")
    step = SEQUENCE[item.session_status] if item.session_status else 0
    event.add("sequence", item.revision + step)
    return event


def category(item: FeedItem) -> str:
    if item.kind is FeedItemKind.LIVE_SESSION:
        return "Live session"
    return BOOKEND_NAME[item.bookend] if item.bookend else "On-demand"


def description(item: FeedItem, status: FeedItemStatus, zone: ZoneInfo) -> str:
    lines = [f"{category(item)}, {item.minutes} minutes. Status: {status.value.replace('_', ' ')}."]
    if item.opens_at is not None and item.due_at is not None:
        lines.append(f"Opens {when(item.opens_at, zone)}, due {when(item.due_at, zone)}.")
    lines.append(f"Lesson: {item.lesson_id}")
    return "\n".join(lines)


def when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b %Y %H:%M} ({zone.key})"


def calendar_file(
    content: CalendarContent, *, uid_domain: str, stamp: datetime, refresh: timedelta
) -> bytes:
    """The whole file; times in UTC, the calendar's zone named for apps that show it."""
    zone = ZoneInfo(content.time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", content.name)
    calendar.add("x-wr-timezone", content.time_zone)
    # How often to look again: RFC 7986's property, and the one Outlook and Apple read.
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    for item, status in content.items:
        event = event_of(item, status, uid_domain=uid_domain, zone=zone, stamp=stamp)
        calendar.add_component(event)
    written: bytes = calendar.to_ical()
    return written
