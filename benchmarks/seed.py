"""Feed rows written straight into the scheduler's database, in the read model's own shape
(`feed_document(FeedItem(...))`, with its feed key): far faster than scheduling sessions
through the API, and the reads measured afterwards cannot tell the difference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import AsyncMongoClient

from bookend.contracts.scheduler import Bookend, FeedItemKind
from bookend.mongo import Document
from devstack.users import ELA_8, LAKESIDE
from services.scheduler.feed.domain import FeedItem, Position
from services.scheduler.feed.store import FEED, feed_document
from services.scheduler.settings import SchedulerSettings

DATABASE = SchedulerSettings.model_fields["database"].default
BATCH = 1000
PREFIX = "bench-"  # every seeded row's student id starts with it, so it can all be removed
START = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # ahead of any demo item: all open or upcoming


def feed_item(student_id: str, n: int) -> FeedItem:
    """The student's n-th item: a pre-work task due n hours after START."""
    due = START + timedelta(hours=n)
    return FeedItem(
        item_id=f"bench-task-{n:06d}",
        kind=FeedItemKind.TASK,
        student_id=student_id,
        district_id=LAKESIDE,
        section_id=ELA_8,
        session_id=None,
        lesson_id="bench-lesson",
        title=f"Practice set {n}",
        minutes=15,
        actionable_at=due,
        rule_time_zone="America/Chicago",
        bookend=Bookend.PRE_WORK,
        opens_at=due - timedelta(hours=48),
        due_at=due,
    )


def cursor_after(student_id: str, n: int) -> str:
    """The cursor the feed gives for the student's n-th seeded item."""
    return Position.of(feed_item(student_id, n)).cursor()


class FeedSeeder:
    def __init__(self, mongo_uri: str) -> None:
        self._client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_uri, tz_aware=True)
        self._feed = self._client[DATABASE][FEED]

    async def add(self, student_id: str, first: int, count: int) -> None:
        """Items first .. first+count-1 of the student, in batches."""
        for start in range(first, first + count, BATCH):
            stop = min(first + count, start + BATCH)
            docs = [feed_document(feed_item(student_id, n)) for n in range(start, stop)]
            await self._feed.insert_many(docs, ordered=False)

    async def add_many(self, students: list[str], each: int) -> None:
        docs = [feed_document(feed_item(s, n)) for s in students for n in range(each)]
        for start in range(0, len(docs), BATCH):
            await self._feed.insert_many(docs[start : start + BATCH], ordered=False)

    async def rows(self) -> int:
        return await self._feed.count_documents({})

    async def remove_all(self) -> None:
        await self._feed.delete_many({"student_id": {"$regex": f"^{PREFIX}"}})

    async def close(self) -> None:
        await self._client.close()
