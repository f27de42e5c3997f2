"""The base of every service's in-memory store fake: transactions commit all or nothing.

A fake's state is a dataclass deriving from `FakeState`; work runs on a deep copy of it that
replaces the state only if the work succeeds, so a refused change leaves nothing behind, as a
MongoDB transaction would.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from bookend.contracts import CloudEvent
from bookend.paging import KeyedPage, PageAsk

T = TypeVar("T")


@dataclass
class FakeState:
    outbox: list[CloudEvent] = field(default_factory=list)
    inbox: set[str] = field(default_factory=set)


S = TypeVar("S", bound=FakeState)


class FakeTransaction(Generic[S]):
    """The outbox and inbox half of every transaction port."""

    def __init__(self, state: S) -> None:
        self.state = state

    async def emit(self, *events: CloudEvent) -> None:
        self.state.outbox.extend(events)

    async def first_time(self, consumer: str, event_id: str) -> bool:
        key = f"{consumer}:{event_id}"
        if key in self.state.inbox:
            return False
        self.state.inbox.add(key)
        return True


Tx = TypeVar("Tx", bound=FakeTransaction)  # type: ignore[type-arg]


class FakeStore(Generic[S, Tx]):
    transaction: Callable[[S], Tx]

    def __init__(self, state: S) -> None:
        self.state = state

    async def atomically(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        draft = copy.deepcopy(self.state)
        result = await work(self.transaction(draft))
        self.state = draft
        return result

    @property
    def emitted(self) -> list[CloudEvent]:
        """What committed transactions left in the outbox for the relay, in order."""
        return self.state.outbox


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class TickingClock(Clock):
    """A clock that moves one second each time it is read, so the order of writes is clear."""

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def counting_ids(prefix: str = "id") -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{prefix}-{next(counter):03d}"


def keyed_page(
    items: Iterable[T], key: Callable[[T], str], asked: PageAsk, *, descending: bool = False
) -> KeyedPage[T]:
    """A page of a fake's list as a store reads it: in the order of each item's `key`, after
    the cursor's, one more than asked, and the whole list counted only when asked."""
    ordered = sorted(((key(item), item) for item in items), key=lambda kept: kept[0])
    if descending:
        ordered.reverse()
    after = asked.after
    rest = [
        kept
        for kept in ordered
        if after is None or (kept[0] < after if descending else kept[0] > after)
    ]
    return KeyedPage.of(rest[: asked.limit], asked, len(ordered) if asked.total else None)
