"""The page a request asks for, read from its query as every list that can grow takes it:
`first`, `after` and `total` (ADR 0044)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from bookend.paging import DEFAULT_FIRST, PageAsk

# A cursor is an order key of at most 400 characters, wrapped: longer is never one of ours.
MAX_CURSOR_LENGTH = 600


def asked_page(
    first: int = DEFAULT_FIRST,
    after: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
    total: bool = False,
) -> PageAsk:
    """`first` from 1 to 100, `after` a cursor this service returned, and `total=true` to have
    the whole list counted too (a count query: only when asked). A refusal names the field."""
    return PageAsk.of(first, after, total=total)


AskedPage = Annotated[PageAsk, Depends(asked_page)]
