"""Paging shared by every list that can grow."""

from collections.abc import Iterable

from pydantic import BaseModel

from bookend import cursors
from bookend.cursors import Position


class PageInfo(BaseModel):
    has_next_page: bool
    end_cursor: str | None


def keyset_page(positions: Iterable[Position], *, more: bool) -> tuple[list[str], PageInfo]:
    """A page of items in keyset order: each item's opaque cursor, in order, and the page's
    info (a client passes `end_cursor` as `after` to read on)."""
    ends = [cursors.encode(position) for position in positions]
    return ends, PageInfo(has_next_page=more, end_cursor=ends[-1] if ends else None)
