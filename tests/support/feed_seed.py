"""A `feed_items` collection of a chosen size, written as the scheduler's store writes it, with
one student whose feed has a chosen length: for query-plan tests and the feed growth benchmark."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from bookend.contracts.scheduler import FeedItemKind, SessionStatus
from bookend.mongo import Document
from services.scheduler.feed.domain import FeedItem, Position
from services.scheduler.feed.store import FEED, feed_document

DISTRICT = "district-seed"
STUDENT = "student-seed"
# Every other student has about this many items, as in a section's term.
ITEMS_PER_OTHER_STUDENT = 50
BATCH = 5_000
FIRST_AT = datetime(2031, 9, 1, 8, tzinfo=UTC)


@dataclass(frozen=True)
class SeededFeed:
    district_id: str
    student_id: str
    positions: list[Position]  # the student's items in feed order

    def deep(self, page: int) -> Position | None:
        """The cursor a deep page starts after: one full page before the end."""
        return self.positions[-page - 1] if len(self.positions) > page else None


async def seed_feed(db: AsyncDatabase[Document], rows: int, student_items: int) -> SeededFeed:
    """Write `rows` feed items: `student_items` of them STUDENT's, the rest spread over other
    students of the same district, `BATCH` to an insert_many."""
    if not 0 < student_items <= rows:
        raise ValueError("student_items must be between 1 and rows")
    items = [feed_document(item) for item in _items(rows, student_items)]
    for start in range(0, rows, BATCH):
        # A transaction per batch: the embedded store then commits once, not once per item.
        async with db.client.start_session() as session, await session.start_transaction():
            await db[FEED].insert_many(items[start : start + BATCH], session=session)
    mine = [_item(STUDENT, n) for n in range(student_items)]
    return SeededFeed(DISTRICT, STUDENT, [Position.of(item) for item in mine])


def _items(rows: int, student_items: int) -> Iterator[FeedItem]:
    """The student's items interleaved in time with everyone else's, as in a real district."""
    yield from (_item(STUDENT, n) for n in range(student_items))
    for n in range(rows - student_items):
        other, k = divmod(n, ITEMS_PER_OTHER_STUDENT)
        yield _item(f"student-{other:06d}", k)


def _item(student_id: str, n: int) -> FeedItem:
    """Every fourth item a live session, the others tasks, two an hour (so the order's second
    key, item_id, matters)."""
    at = FIRST_AT + timedelta(hours=n // 2)
    task = FeedItem(
        item_id=f"task-{n:06d}",
        kind=FeedItemKind.TASK,
        student_id=student_id,
        district_id=DISTRICT,
        section_id=f"section-{n % 7}",
        session_id=None,
        lesson_id=f"lesson-{n % 11}",
        title=f"Item {n}",
        minutes=20,
        actionable_at=at,
        rule_time_zone="America/New_York",
        opens_at=at - timedelta(days=2),
        due_at=at,
    )
    if n % 4:
        return task
    return replace(
        task,
        item_id=f"session-{n:06d}",
        kind=FeedItemKind.LIVE_SESSION,
        session_id=f"session-{n:06d}",
        starts_at=at,
        ends_at=at + timedelta(minutes=50),
        opens_at=None,
        due_at=None,
        session_status=SessionStatus.SCHEDULED,
    )
