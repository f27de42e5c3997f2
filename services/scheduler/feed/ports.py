"""What reading feeds needs from storage, so unit tests can use in-memory fakes.

The projector's own port, `Projection`, is in `feed/projector.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from services.scheduler.feed.domain import FeedItem, FeedQuery, Position
from services.scheduler.feed.projector import Projection
from services.scheduler.roster import ports as roster

T = TypeVar("T")


class Reads(roster.Reads, Protocol):
    """Queries, each scoped to one district; who may read a feed is checked on the roster."""

    async def list_feed_items(
        self, district_id: str, query: FeedQuery, after: Position | None, limit: int
    ) -> list[FeedItem]:
        """The query's student's items of its kinds and span, in (actionable_at, item_id)
        order, strictly after `after` (statuses are the caller's to filter)."""
        ...


class Transaction(Reads, Projection, Outbox, Protocol):
    """For handlers that change feeds themselves (progress, attendance): none yet."""


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
