"""Feed pages as the scheduler answers them, for tests of the gateway over stubbed services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bookend.contracts.scheduler import FeedItemKind, FeedItemStatus
from bookend.http_contracts.paging import PageInfo
from bookend.http_contracts.scheduler import Feed, FeedItem

DUE = datetime(2026, 3, 3, 15, tzinfo=UTC)


def a_task(**changes: Any) -> FeedItem:
    """An upcoming 20-minute task due at DUE; `changes` set any other field."""
    task = FeedItem(
        item_id="t1",
        kind=FeedItemKind.TASK,
        section_id="sec-1",
        session_id=None,
        lesson_id="l1",
        title="Read chapter 3",
        bookend=None,
        minutes=20,
        status=FeedItemStatus.UPCOMING,
        starts_at=None,
        ends_at=None,
        opens_at=DUE - timedelta(days=1),
        due_at=DUE,
        actionable_at=DUE,
        rule_time_zone="America/New_York",
        cursor="c1",
    )
    return task.model_copy(update=changes)


def a_page(*items: FeedItem) -> Feed:
    """One last page of `items` in the viewer's zone (Chicago)."""
    page = PageInfo(has_next_page=False, end_cursor=items[-1].cursor)
    return Feed(items=list(items), page_info=page, time_zone="America/Chicago")
