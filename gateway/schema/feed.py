"""The viewer's feed: live sessions and on-demand tasks merged, in the student's own zone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.catalog import PageInfo
from gateway.schema.enums import Bookend, FeedItemKind, FeedItemStatus
from gateway.schema.errors import query
from gateway.schema.scalars import in_zone


@strawberry.type
class FeedItem:
    id: strawberry.ID
    kind: FeedItemKind
    title: str
    status: FeedItemStatus
    bookend: Bookend | None
    minutes: int | None
    section_id: strawberry.ID
    session_id: strawberry.ID | None
    lesson_id: strawberry.ID
    starts_at: datetime | None
    ends_at: datetime | None
    opens_at: datetime | None
    due_at: datetime | None
    actionable_at: datetime = strawberry.field(
        description="When to act: a session's start or a task's due time."
    )
    time_zone: str = strawberry.field(description="The viewer's zone all times are rendered in.")
    rule_time_zone: str = strawberry.field(description="The zone of the rule that made the item.")

    @classmethod
    def of(cls, item: http.FeedItem, zone: str) -> FeedItem:
        return cls(
            id=strawberry.ID(item.item_id),
            kind=item.kind,
            title=item.title,
            status=item.status,
            bookend=item.bookend,
            minutes=item.minutes,
            section_id=strawberry.ID(item.section_id),
            session_id=strawberry.ID(item.session_id) if item.session_id else None,
            lesson_id=strawberry.ID(item.lesson_id),
            starts_at=in_zone(item.starts_at, zone),
            ends_at=in_zone(item.ends_at, zone),
            opens_at=in_zone(item.opens_at, zone),
            due_at=in_zone(item.due_at, zone),
            actionable_at=in_zone(item.actionable_at, zone),
            time_zone=zone,
            rule_time_zone=item.rule_time_zone,
        )


@strawberry.type
class FeedEdge:
    cursor: str
    node: FeedItem


@strawberry.type
class FeedConnection:
    edges: list[FeedEdge]
    page_info: PageInfo
    time_zone: str

    @classmethod
    def of(cls, feed: http.Feed) -> FeedConnection:
        zone = feed.time_zone
        return cls(
            edges=[
                FeedEdge(cursor=item.cursor, node=FeedItem.of(item, zone)) for item in feed.items
            ],
            page_info=PageInfo.of(feed.page_info),
            time_zone=zone,
        )


@strawberry.type
class FeedQuery:
    @strawberry.field(description="Sessions and tasks ordered by actionable time (Relay paging).")
    async def feed(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        student_id: strawberry.ID | None = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        kinds: list[FeedItemKind] | None = None,
        statuses: list[FeedItemStatus] | None = None,
    ) -> FeedConnection:
        ctx = info.context
        # One upstream call: the scheduler's feed read model is already denormalised.
        feed = await query(
            ctx.clients.scheduler.read_feed(
                token=ctx.caller.token,
                first=first,
                after=after,
                student_id=student_id,
                starts=from_,
                ends=to,
                kinds=kinds or (),
                statuses=statuses or (),
            )
        )
        return FeedConnection.of(feed)
