"""The viewer's feed: live sessions and on-demand tasks merged, in the student's own zone."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from gateway.context import Info
from gateway.schema.catalog import PageInfo
from gateway.schema.errors import query
from gateway.schema.scalars import instant
from gateway.schema.sessions import Bookend


@strawberry.enum
class FeedItemKind(Enum):
    LIVE_SESSION = "live_session"
    TASK = "task"


@strawberry.enum
class FeedItemStatus(Enum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    UPCOMING = "upcoming"
    OPEN = "open"
    OVERDUE = "overdue"


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
    def from_json(cls, data: dict[str, Any], zone: str) -> FeedItem:
        return cls(
            id=strawberry.ID(data["item_id"]), kind=FeedItemKind(data["kind"]),
            title=data["title"], status=FeedItemStatus(data["status"]),
            bookend=Bookend(data["bookend"]) if data.get("bookend") else None,
            minutes=data.get("minutes"), section_id=strawberry.ID(data["section_id"]),
            session_id=strawberry.ID(data["session_id"]) if data.get("session_id") else None,
            lesson_id=strawberry.ID(data["lesson_id"]),
            starts_at=instant(data.get("starts_at"), zone),
            ends_at=instant(data.get("ends_at"), zone),
            opens_at=instant(data.get("opens_at"), zone),
            due_at=instant(data.get("due_at"), zone),
            actionable_at=instant(data["actionable_at"], zone),
            time_zone=zone, rule_time_zone=data["rule_time_zone"],
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
        params = {
            "student_id": student_id, "first": first, "after": after,
            "from": from_.isoformat() if from_ else None, "to": to.isoformat() if to else None,
            "kinds": ",".join(k.value for k in kinds) if kinds else None,
            "statuses": ",".join(s.value for s in statuses) if statuses else None,
        }
        # One upstream call: the scheduler's feed read model is already denormalised.
        data = await query(
            ctx.upstreams.scheduler.call("GET", "/feed", token=ctx.caller.token, params=params)
        )
        zone = data["time_zone"]
        return FeedConnection(
            edges=[
                FeedEdge(cursor=item["cursor"], node=FeedItem.from_json(item, zone))
                for item in data["items"]
            ],
            page_info=PageInfo(
                has_next_page=data["page_info"]["has_next_page"],
                end_cursor=data["page_info"]["end_cursor"],
            ),
            time_zone=zone,
        )
