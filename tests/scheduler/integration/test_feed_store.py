"""The feed store on the real embedded store: what start-up does to feeds stored before."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from pymongo import AsyncMongoClient

from bookend.clock import Span
from bookend.mongo import Document, MongoSettings
from services.scheduler.feed.domain import FeedQuery
from services.scheduler.feed.store import FEED
from services.scheduler.store import SchedulerStore
from tests.support.feed_seed import SeededFeed, seed_feed
from tests.support.find_commands import FindCommands


@pytest.fixture
def finds() -> FindCommands:
    return FindCommands()


@pytest.fixture
async def store(
    mongo_settings: MongoSettings, unique: Callable[[str], str], finds: FindCommands
) -> AsyncIterator[SchedulerStore]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        mongo_settings.uri, tz_aware=True, event_listeners=[finds]
    )
    store = SchedulerStore(client, unique("feed_store"))
    try:
        yield store
    finally:
        await client.drop_database(store.db.name)
        await client.aclose()


async def stored_without_a_feed_key(store: SchedulerStore) -> SeededFeed:
    """A feed as an earlier version wrote it: one of its items has no `feed_key`."""
    seeded = await seed_feed(store.db, rows=40, student_items=12)
    older = {"student_id": {"$eq": seeded.student_id}, "item_id": {"$eq": "task-000006"}}
    stored = await store.db[FEED].find_one_and_delete(older)
    assert stored is not None
    await store.db[FEED].insert_one({k: v for k, v in stored.items() if k != "feed_key"})
    return seeded


async def test_items_stored_before_the_feed_key_are_in_feeds_after_start_up(
    store: SchedulerStore,
) -> None:
    seeded = await stored_without_a_feed_key(store)
    after = seeded.positions[3]
    query = FeedQuery(seeded.student_id, 5, after, Span(), frozenset(), frozenset())

    await store.create_indexes()

    items = await store.list_feed_items(seeded.district_id, query, after, 5)
    assert [item.item_id for item in items] == [p.item_id for p in seeded.positions[4:9]]


async def test_only_the_first_start_up_looks_for_items_without_a_feed_key(
    store: SchedulerStore, finds: FindCommands
) -> None:
    await stored_without_a_feed_key(store)
    await store.create_indexes()
    finds.sent.clear()

    await store.create_indexes()

    assert finds.on(FEED) == [], "a later start-up must not read every feed item again"
