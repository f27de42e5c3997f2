"""Reading a feed: ordered by actionable time, paged by cursor, filtered by kind, status, time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from bookend.contracts.scheduler import FeedItemStatus
from services.scheduler.feed import service
from services.scheduler.feed.domain import FeedPage
from services.scheduler.sessions import service as sessions
from tests.scheduler.builders import NOW, STUDENT, TEACHER, D, feed_of, feed_request, schedule
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock


@pytest.fixture
async def store(store: FakeScheduler) -> FakeScheduler:
    for day in range(4):  # four sessions, each with four tasks: twenty items for student-1
        await schedule(store, NOW + timedelta(days=day, hours=5))
    return store


async def read(store: FakeScheduler, clock: Clock, **overrides: Any) -> FeedPage:
    query = feed_request(**overrides)
    return await service.read_feed(query, principal=STUDENT, store=store, clock=clock)


def keys(page: FeedPage) -> list[tuple[datetime, str]]:
    return [(item.actionable_at, item.item_id) for item, _ in page.items]


async def test_the_feed_is_ordered_by_actionable_time_then_id(
    store: FakeScheduler, clock: Clock
) -> None:
    page = await read(store, clock)
    assert len(page.items) == 20
    assert keys(page) == sorted(keys(page))
    assert not page.has_next_page


@pytest.mark.parametrize("size", [1, 3, 7])
async def test_cursors_walk_every_item_once_in_order(
    store: FakeScheduler, clock: Clock, size: int
) -> None:
    whole = keys(await read(store, clock, first=100))
    walked: list[tuple[datetime, str]] = []
    after = None
    while True:
        page = await read(store, clock, first=size, after=after)
        walked += keys(page)
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert walked == whole


async def test_a_status_filter_still_fills_the_page(store: FakeScheduler, clock: Clock) -> None:
    clock.now = NOW + timedelta(days=1, hours=6)  # the first session is over, its follow-up open
    page = await read(store, clock, first=2, statuses="not_started")
    assert [status for _, status in page.items] == [
        FeedItemStatus.NOT_STARTED,
        FeedItemStatus.NOT_STARTED,
    ]
    assert page.has_next_page
    rest = await read(store, clock, first=100, statuses="not_started", after=page.end_cursor)
    assert all(status is FeedItemStatus.NOT_STARTED for _, status in rest.items)
    assert not rest.has_next_page


async def test_a_page_says_when_a_status_on_it_changes_by_the_clock_alone(
    store: FakeScheduler, clock: Clock
) -> None:
    page = await read(store, clock, first=3)
    changes = [moment for item, _ in page.items if (moment := item.next_change(clock()))]
    assert changes and page.changes_at == min(changes)
    # Filtered out now, but it may join the page when it opens: its change counts too.
    clock.now = NOW + timedelta(days=1, hours=6)
    changes = [c for i in await feed_of(store, "student-1") if (c := i.next_change(clock()))]
    opened = await read(store, clock, first=100, statuses="not_started")
    assert opened.changes_at == min(changes)


async def test_kinds_and_a_time_range_narrow_the_feed(store: FakeScheduler, clock: Clock) -> None:
    sessions_only = await read(store, clock, kinds="live_session")
    assert [item.title for item, _ in sessions_only.items] == ["Fractions on a number line"] * 4
    day_two = await read(store, clock, starts=NOW + timedelta(days=1), ends=NOW + timedelta(days=2))
    assert all(
        NOW + timedelta(days=1) <= item.actionable_at < NOW + timedelta(days=2)
        for item, _ in day_two.items
    )
    assert len(day_two.items) == 3  # that day's session and its two pre-work tasks


async def test_an_empty_page_has_no_cursor(store: FakeScheduler, clock: Clock) -> None:
    page = await read(store, clock, starts=NOW + timedelta(days=30))
    assert (page.items, page.has_next_page, page.end_cursor) == ([], False, None)


async def test_a_started_session_shows_live_in_the_feed(store: FakeScheduler, clock: Clock) -> None:
    first = (await store.list_sessions(D, "sec-math"))[0]
    await sessions.start_session(first.id, principal=TEACHER, store=store, clock=clock)
    page = await read(store, clock, kinds="live_session", statuses="live")
    assert [item.item_id for item, _ in page.items] == [first.id]


async def test_a_student_enrolled_nowhere_reads_an_empty_feed_in_utc(clock: Clock) -> None:
    page = await read(FakeScheduler(), clock)
    assert (page.items, page.time_zone) == ([], "UTC")
