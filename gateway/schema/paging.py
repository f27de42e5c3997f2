"""Relay paging shared by every connection: one PageInfo, one generic connection, `first`
checked before any call, and `totalCount` counted only when a client selects it (ADR 0042,
ADR 0044)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Generic, TypeVar

import strawberry
from pydantic import BaseModel
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from bookend.http_contracts import paging
from bookend.problems import ProblemField
from gateway.context import Info
from gateway.schema.errors import PublicError
from gateway.upstream import Page

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

MAX_FIRST = 100
PAGE_RULE = "in_range"  # the rule a refused `first` names, whichever connection it was for
TOTAL_COUNT = "totalCount"

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
            " for the first page. A cursor this API did not return is refused: INVALID_INPUT"
            " naming `after` and the rule `cursor`."
        )
    ),
]


def checked_page(first: int, after: str | None, info: Info | None = None) -> Page:
    """The page asked for; a `first` out of range is refused here, so no service is called.
    With the field's `info`, the whole list is counted too when the client selected the
    connection's `totalCount`, and only then (a count costs the service a query)."""
    if not 1 <= first <= MAX_FIRST:
        message = f"must be between 1 and {MAX_FIRST}"
        broken = ProblemField(field="first", rule=PAGE_RULE, message=message)
        raise PublicError("INVALID_INPUT", f"first: {message}", [broken])
    return Page(first, after, total=info is not None and selects(info, TOTAL_COUNT))


def selects(info: Info, name: str) -> bool:
    """Whether the field being resolved selects its field `name`, directly, under an alias or
    inside a fragment: what a connection counts (`totalCount`) or sums (a report's `totals`)
    only when a client asks for it."""
    return _selects(info.selected_fields, name)


def _selects(fields: Iterable[SelectedField | FragmentSpread | InlineFragment], name: str) -> bool:
    for field in fields:
        for selection in field.selections:
            if isinstance(selection, SelectedField):
                if selection.name == name:
                    return True
            elif _selects([selection], name):
                return True
    return False


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


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


class TotalNotCounted(Exception):
    """A connection's `totalCount` was read without being asked of its service: a resolver
    that did not pass its `info` to `checked_page`. Masked as an internal error."""


@strawberry.type
class Connection(Generic[T]):
    """A page of a list, Relay style: `X` gives the type `XConnection` and its `XEdge`."""

    nodes: list[T]
    edges: list[Edge[T]]
    page_info: PageInfo
    counted: strawberry.Private[int | None] = None

    @strawberry.field(
        description=(
            "How many items the whole list holds, however many pages it takes. Counted only"
            " when selected, with one more query in the service: leave it out while paging."
        )
    )
    def total_count(self) -> int:
        if self.counted is None:
            raise TotalNotCounted("totalCount was selected but not asked of the service")
        return self.counted

    @classmethod
    def of(cls, page: paging.Page[M], asked: Page, node: Callable[[M], T]) -> Connection[T]:
        """A service's page (`items`, `page_info`, `cursors`), each item made a node."""
        nodes = [node(item) for item in page.items]
        return cls.from_nodes(nodes, page.cursors, page.page_info, asked)

    @classmethod
    def from_nodes(
        cls, nodes: list[T], cursors: Sequence[str], info: paging.PageInfo, asked: Page
    ) -> Connection[T]:
        edges = [Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)]
        return cls(
            nodes=nodes,
            edges=edges,
            page_info=PageInfo.of(info, cursors, asked),
            counted=info.total_count,
        )
