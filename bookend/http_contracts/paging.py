"""Paging shared by every list that can grow: the page info, and one page model (ADR 0044)."""

from collections.abc import Callable, Iterable
from typing import Generic, Self, TypeVar

from pydantic import BaseModel

from bookend import cursors
from bookend.cursors import Position
from bookend.paging import KeyedPage

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class PageInfo(BaseModel):
    has_next_page: bool
    end_cursor: str | None
    # The whole list's length, only when the request asked for it (`total=true`): it costs a
    # count query, so a client paging through leaves it out.
    total_count: int | None = None


def keyset_page(
    positions: Iterable[Position], *, more: bool, total: int | None = None
) -> tuple[list[str], PageInfo]:
    """A page of items in keyset order: each item's opaque cursor, in order, and the page's
    info (a client passes `end_cursor` as `after` to read on)."""
    ends = [cursors.encode(position) for position in positions]
    info = PageInfo(has_next_page=more, end_cursor=ends[-1] if ends else None, total_count=total)
    return ends, info


class Page(BaseModel, Generic[M]):
    """A page of a list ordered by one key: its items, the page's info, and each item's cursor
    (to read on after it), in order. Every list that can grow answers with a subclass."""

    items: list[M]
    page_info: PageInfo
    cursors: list[str] = []  # each item's, in order

    @classmethod
    def of(cls, page: KeyedPage[T], out: Callable[[T], M], **fields: object) -> Self:
        """The page's items made HTTP models by `out`, with each one's cursor; `fields` fill
        a subclass's own."""
        ends = [cursors.encode_key(key) for key in page.keys]
        info = PageInfo(
            has_next_page=page.more,
            end_cursor=ends[-1] if ends else None,
            total_count=page.total,
        )
        items = [out(item) for item in page.items]
        return cls.model_validate({"items": items, "page_info": info, "cursors": ends, **fields})
