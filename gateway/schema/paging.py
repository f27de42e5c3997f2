"""Relay paging shared by every connection: one PageInfo, and `first` checked before any call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import strawberry

from bookend.http_contracts import paging
from bookend.problems import ProblemField
from gateway.schema.errors import PublicError
from gateway.upstream import Page

MAX_FIRST = 100
PAGE_RULE = "in_range"  # the rule a refused `first` names, whichever connection it was for

First = Annotated[
    int,
    strawberry.argument(
        description=(
            f"How many items, 1 to {MAX_FIRST}. Any other number is refused before anything is"
            f" read: INVALID_INPUT naming `first` and the rule `{PAGE_RULE}`."
        )
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "Go on after this item: an edge's `cursor`, or `pageInfo.endCursor`. Leave it out"
            " for the first page."
        )
    ),
]


def checked_page(first: int, after: str | None) -> Page:
    """The page asked for; a `first` out of range is refused here, so no service is called."""
    if not 1 <= first <= MAX_FIRST:
        message = f"must be between 1 and {MAX_FIRST}"
        broken = ProblemField(field="first", rule=PAGE_RULE, message=message)
        raise PublicError("INVALID_INPUT", f"first: {message}", [broken])
    return Page(first, after)


@strawberry.type(
    description=(
        "Where a page stands in its list. Cursors go forward only: read on with `first` and"
        " `after: endCursor` while `hasNextPage`."
    )
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(
        description=(
            "Items come before this page: true when it was read with `after` (the page is not"
            " the first). Cursors go forward only, so there is no paging backwards (as the"
            " Relay spec allows for `first`/`after` paging)."
        )
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor, to pass as `after`; null for an empty page."
    )

    @classmethod
    def of(cls, info: paging.PageInfo, cursors: Sequence[str], asked: Page) -> PageInfo:
        """From a service's page: its own page info, its items' cursors, and what was asked."""
        return cls(
            has_next_page=info.has_next_page,
            # An empty `after` is no cursor: the feed reads it as the first page.
            has_previous_page=bool(asked.after),
            start_cursor=cursors[0] if cursors else None,
            end_cursor=info.end_cursor,
        )
