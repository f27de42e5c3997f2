"""The feed read model's MongoDB access: one document per student and session or task.
`services/scheduler/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from collections.abc import Sequence

from bookend.contracts.scheduler import SessionStatus
from bookend.mongo import Document, Queries, exact, to_document, within
from services.scheduler.feed.domain import FeedItem, FeedQuery, Position

FEED = "feed_items"
FEED_ORDER = [("actionable_at", 1), ("item_id", 1)]

# (collection, fields, unique): a student's page is a range read on the first.
INDEXES: list[tuple[str, list[str], bool]] = [
    (FEED, ["student_id", "actionable_at", "item_id"], False),
    (FEED, ["student_id", "item_id"], True),
    (FEED, ["item_id"], False),
]


class FeedQueries(Queries):
    async def list_feed_items(
        self, district_id: str, query: FeedQuery, after: Position | None, limit: int
    ) -> list[FeedItem]:
        # A range read on (student_id, actionable_at, item_id): pages cost the same however deep.
        found: Document = {"student_id": query.student_id, "district_id": district_id}
        if not query.span.is_open:
            found["actionable_at"] = within(query.span)
        if query.kinds:
            found["kind"] = {"$in": sorted(kind.value for kind in query.kinds)}
        if after is not None:
            # An explicit `$and`: the embedded store drops fields beside a bare `$or` (ADR 0007).
            later = {
                "$or": [
                    {"actionable_at": {"$gt": after.actionable_at}},
                    {"actionable_at": after.actionable_at, "item_id": {"$gt": after.item_id}},
                ]
            }
            found = {"$and": [found, later]}
        return await self._list(FeedItem, FEED, found, FEED_ORDER, limit=limit)

    async def students_with_item(self, district_id: str, item_id: str) -> list[str]:
        query = {"item_id": item_id, "district_id": district_id}
        return sorted(doc["student_id"] for doc in await self._many(FEED, query))


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
            to_document(item) for item in items if (item.student_id, item.item_id) not in present
        ]
        if missing:
            await self.db[FEED].insert_many(missing, session=self.session)

    async def save_session_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None:
        # A string, so `$set` is safe on the embedded store (ADR 0007 is about dates).
        await self.db[FEED].update_many(
            exact({"item_id": session_id, "district_id": district_id}),
            {"$set": {"session_status": status.value}},
            session=self.session,
        )
