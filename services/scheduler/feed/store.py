"""The feed read model's MongoDB access: one document per student and session or task.
`services/scheduler/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from bookend.contracts.scheduler import SessionStatus
from bookend.mongo import Document, Queries, exact, from_document, order_key, to_document
from services.scheduler.feed.domain import FeedItem, FeedQuery, Position

FEED = "feed_items"
# The feed's order, (actionable_at, item_id), as one string beside the item's own fields: a
# page's span and cursor are then one range on it, which both stores read from the index
# below (ADR 0007 item 8).
FEED_KEY = "feed_key"
FEED_ORDER = [(FEED_KEY, 1)]
# Data changes a start-up makes once per database, each recorded by name when done.
MIGRATIONS = "migrations"
FEED_KEYS_ADDED = "feed_keys_added"

# (collection, fields, unique): a student's page is a range read on the first.
INDEXES: list[tuple[str, list[str], bool]] = [
    (FEED, ["district_id", "student_id", FEED_KEY], False),
    (FEED, ["student_id", "item_id"], True),
    (FEED, ["item_id"], False),
]


def feed_key(moment: datetime, item_id: str = "") -> str:
    """An item's place in the feed order, or with no item_id the place where `moment` begins."""
    return order_key(moment, item_id)


def feed_document(item: FeedItem) -> Document:
    return to_document(item) | {FEED_KEY: feed_key(item.actionable_at, item.item_id)}


class FeedQueries(Queries):
    async def list_feed_items(
        self, district_id: str, query: FeedQuery, after: Position | None, limit: int
    ) -> list[FeedItem]:
        # One range on (district_id, student_id, feed_key): pages cost the same however deep.
        place: Document = {}
        if query.span.starts is not None:
            place["$gte"] = feed_key(query.span.starts)
        if query.span.ends is not None:
            place["$lt"] = feed_key(query.span.ends)
        if after is not None:
            place["$gt"] = feed_key(after.actionable_at, after.item_id)
        found: Document = {"district_id": district_id, "student_id": query.student_id}
        if place:
            found[FEED_KEY] = place
        if query.kinds:
            found["kind"] = {"$in": sorted(kind.value for kind in query.kinds)}
        if query.sections:
            # Checked after the index's range, as kinds are (ADR 0007 item 8).
            found["section_id"] = {"$in": sorted(query.sections)}
        return await self._list(FeedItem, FEED, found, FEED_ORDER, limit=limit)

    async def students_with_item(self, district_id: str, item_id: str) -> list[str]:
        query = {"item_id": item_id, "district_id": district_id}
        return sorted(doc["student_id"] for doc in await self._many(FEED, query))

    async def add_missing_feed_keys(self) -> None:
        """Give items stored before `feed_key` existed theirs, at the first start-up with it: a
        feed read finds only items that have one. Finding them reads every item (no index
        starts with `feed_key`), so it is recorded as done and later start-ups read one
        document instead. `$set` of a string is safe on the embedded store."""
        if await self._one(MIGRATIONS, {"_id": FEED_KEYS_ADDED}) is not None:
            return
        for doc in await self._many(FEED, {FEED_KEY: {"$exists": False}}):
            key = feed_key(from_document(FeedItem, doc).actionable_at, doc["item_id"])
            await self.db[FEED].update_one(
                exact({"_id": doc["_id"]}), {"$set": {FEED_KEY: key}}, session=self.session
            )
        # Another replica starting at the same time may have done the same and said so first.
        with contextlib.suppress(DuplicateKeyError):
            await self.db[MIGRATIONS].insert_one({"_id": FEED_KEYS_ADDED}, session=self.session)


class FeedWrites(FeedQueries):
    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        if not items:
            return
        query = {
            "student_id": {"$in": sorted({item.student_id for item in items})},
            "item_id": {"$in": sorted({item.item_id for item in items})},
        }
        present = {(doc["student_id"], doc["item_id"]) for doc in await self._many(FEED, query)}
        missing = [
            feed_document(item) for item in items if (item.student_id, item.item_id) not in present
        ]
        if missing:
            await self.db[FEED].insert_many(missing, session=self.session)

    async def change_items(
        self,
        district_id: str,
        item_id: str,
        change: Callable[[FeedItem], FeedItem],
        *,
        student_id: str | None = None,
    ) -> list[str]:
        query = {"item_id": item_id, "district_id": district_id}
        if student_id is not None:
            query["student_id"] = student_id
        # Whole documents, replaced (the embedded store turns dates written with `$set` into
        # strings): one read, then one replacement of each copy that changed; a report that
        # changes nothing writes nothing and tells nobody. Replaced one by one, never deleted
        # and inserted again: the embedded store shares one connection between clients, so a
        # feed read in between would miss the item (ADR 0007).
        changed = []
        for doc in await self._many(FEED, query):
            item = from_document(FeedItem, doc)
            if (after := change(item)) != item:
                replacement = feed_document(after) | {"_id": doc["_id"]}
                await self.db[FEED].replace_one(
                    {"_id": doc["_id"]}, replacement, session=self.session
                )
                changed.append(item.student_id)
        return sorted(changed)

    async def remove_items(self, district_id: str, item_id: str) -> list[str]:
        students = await self.students_with_item(district_id, item_id)
        if students:
            query = exact({"item_id": item_id, "district_id": district_id})
            await self.db[FEED].delete_many(query, session=self.session)
        return students

    async def save_session_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None:
        # A string, so `$set` is safe on the embedded store (ADR 0007 is about dates).
        await self.db[FEED].update_many(
            exact({"item_id": session_id, "district_id": district_id}),
            {"$set": {"session_status": status.value}},
            session=self.session,
        )
