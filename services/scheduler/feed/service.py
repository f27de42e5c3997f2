"""Reading a student's feed: one page of the read model, each item with its status now."""

from __future__ import annotations

from datetime import datetime

from bookend.auth import Principal
from bookend.clock import Clock
from bookend.contracts.scheduler import FeedItemStatus
from services.scheduler import access
from services.scheduler.feed.domain import FeedItem, FeedPage, FeedQuery, Position
from services.scheduler.feed.ports import Store

# A student not enrolled anywhere yet has no zone of their own and no items.
FALLBACK_ZONE = "UTC"


async def read_feed(
    query: FeedQuery, *, principal: Principal, store: Store, clock: Clock
) -> FeedPage:
    """One student's page: range reads after the cursor, statuses and (for staff) sections
    filtered once read."""
    sections = await access.require_views_student(principal, query.student_id, store)
    learner = await store.get_learner(principal.district, query.student_id)
    now = clock()
    page: list[tuple[FeedItem, FeedItemStatus]] = []
    position = query.after
    batch_size = query.first + 1
    changes: list[datetime] = []
    while len(page) <= query.first:
        batch = await store.list_feed_items(principal.district, query, position, batch_size)
        for item in batch:
            if sections is not None and item.section_id not in sections:
                continue  # another teacher's or school's: not this principal's to read
            if (change := item.next_change(now)) is not None:
                changes.append(change)  # even filtered out: it may join the page then
            status = item.status(now)
            if not query.statuses or status in query.statuses:
                page.append((item, status))
        if len(batch) < batch_size:
            break
        position = Position.of(batch[-1])
    shown = page[: query.first]
    return FeedPage(
        items=shown,
        has_next_page=len(page) > query.first,
        end_cursor=Position.of(shown[-1][0]).cursor() if shown else None,
        time_zone=learner.time_zone if learner else FALLBACK_ZONE,
        changes_at=min(changes, default=None),
    )
