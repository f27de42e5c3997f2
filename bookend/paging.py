"""Keyset paging of every list that can grow (ADR 0044): the page a client asked for, checked
once for every service, and the page a store read, each item beside the key it is ordered by.

A store keeps each list's order as one string key it indexes after the list's scope, reads a
page as the range after the cursor's key, in key order, one item more than asked (to say
whether more follow), and never skips or counts its way to a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bookend import cursors
from bookend.problems import InvalidInput

T = TypeVar("T")
U = TypeVar("U")

MAX_FIRST = 100
DEFAULT_FIRST = 20


@dataclass(frozen=True, slots=True)
class PageAsk:
    """A page asked for: how many items, after the item with this key (None: from the start),
    and whether the whole list is to be counted too (a count query, so only when asked)."""

    first: int = DEFAULT_FIRST
    after: str | None = None
    total: bool = False

    @classmethod
    def of(cls, first: int, after: str | None, *, total: bool = False) -> PageAsk:
        """The page a client asked for, with its cursor: a `first` out of 1 to 100 is refused
        naming `first` (rule `in_range`), a cursor this API did not make naming `after` (rule
        `cursor`); nothing is read either way."""
        if not 1 <= first <= MAX_FIRST:
            raise InvalidInput("first", "in_range", f"must be between 1 and {MAX_FIRST}")
        return cls(first, cursors.decode_key(after) if after else None, total)

    @property
    def limit(self) -> int:
        """How many items to read: one more than asked says whether more follow."""
        return self.first + 1


@dataclass(frozen=True, slots=True)
class KeyedPage(Generic[T]):
    """A page of a list in key order: its items, each one's key, whether more follow, and the
    whole list's length when it was asked for."""

    items: list[T]
    keys: list[str]
    more: bool
    total: int | None = None

    @classmethod
    def of(
        cls, found: Sequence[tuple[str, T]], asked: PageAsk, total: int | None = None
    ) -> KeyedPage[T]:
        """The page out of what a store read for `asked` (up to its limit), keys first."""
        page = found[: asked.first]
        return cls(
            items=[item for _, item in page],
            keys=[key for key, _ in page],
            more=len(found) > asked.first,
            total=total,
        )

    @classmethod
    def merged(
        cls, pages: Sequence[KeyedPage[T]], asked: PageAsk, total: int | None = None
    ) -> KeyedPage[T]:
        """The page of the union of lists in one key order, from a page of each read for
        `asked`: the union's first items after the cursor are among each list's first, and
        more follow if more are left over or any list has more. An item in several lists has
        the same key in each and is kept once."""
        found = {
            key: item for page in pages for key, item in zip(page.keys, page.items, strict=True)
        }
        first = sorted(found.items(), key=lambda kept: kept[0])[: asked.first]
        return cls(
            items=[item for _, item in first],
            keys=[key for key, _ in first],
            more=len(found) > asked.first or any(page.more for page in pages),
            total=total,
        )

    def with_items(self, items: list[U]) -> KeyedPage[U]:
        """The same page with its items made into others, one for one (keys, more and total
        kept)."""
        assert len(items) == len(self.items), "one item for each of the page's"
        return KeyedPage(items, self.keys, self.more, self.total)
