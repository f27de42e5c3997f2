"""The feed store on the real embedded store: what start-up does to feeds stored before."""

from __future__ import annotations

from collections.abc import Callable

from bookend.clock import Span
from bookend.mongo import MongoSettings, connect
from services.scheduler.feed.domain import FeedQuery
from services.scheduler.feed.store import FEED
from services.scheduler.store import SchedulerStore
from tests.support.feed_seed import seed_feed


async def test_items_stored_before_the_feed_key_are_in_feeds_after_start_up(
    mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> None:
    client = connect(mongo_settings)
    store = SchedulerStore(client, unique("feed_store"))
    try:
        await store.create_indexes()
        seeded = await seed_feed(store.db, rows=40, student_items=12)
        older = {"student_id": {"$eq": seeded.student_id}, "item_id": {"$eq": "task-000006"}}
        stored = await store.db[FEED].find_one_and_delete(older)
        assert stored is not None
        await store.db[FEED].insert_one({k: v for k, v in stored.items() if k != "feed_key"})
        after = seeded.positions[3]
        query = FeedQuery(seeded.student_id, 5, after, Span(), frozenset(), frozenset())

        await store.create_indexes()

        items = await store.list_feed_items(seeded.district_id, query, after, 5)
        assert [item.item_id for item in items] == [p.item_id for p in seeded.positions[4:9]]
    finally:
        await client.drop_database(store.db.name)
        await client.aclose()
