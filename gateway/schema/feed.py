"""The viewer's feed: live sessions and on-demand tasks merged, each with the student's own zone."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from bookend.contracts import EventData
from bookend.contracts.scheduler import FeedsChanged
from bookend.http_contracts import scheduler as http
from gateway.clients import FeedFilter
from gateway.context import Context, Info
from gateway.schema.convert import from_contract
from gateway.schema.enums import Bookend, FeedItemKind, FeedItemStatus, Modality
from gateway.schema.errors import query
from gateway.schema.feedback import _before, _events
from gateway.schema.paging import After, First, PageInfo, checked_page
from gateway.upstream import Page


@strawberry.interface(
    description=(
        "An item of a student's feed: a live session (LiveSessionItem), on-demand work "
        "(TaskItem), or a prompt from a session they missed (PromptItem). Select what every "
        "item has here, and each kind's own fields with `... on LiveSessionItem { startsAt }`."
    )
)
class FeedItem:
    id: strawberry.ID = strawberry.field(
        description="The session's, task's or prompt's id: the same item in every feed."
    )
    kind: FeedItemKind
    title: str
    status: FeedItemStatus
    minutes: int = strawberry.field(description="How long it takes, as planned.")
    section_id: strawberry.ID
    session_id: strawberry.ID | None = strawberry.field(
        description="The live session it is, or belongs to (a task's bookended session)."
    )
    lesson_id: strawberry.ID
    actionable_at: datetime = strawberry.field(
        description="When to act: a session's start, or when work is due."
    )
    time_zone: str = strawberry.field(
        description=(
            "The student's own zone, whose days the item's windows are counted in (its times, "
            "like every DateTime, are written in the viewer's zone)."
        )
    )
    rule_time_zone: str = strawberry.field(description="The zone of the rule that made the item.")

    @staticmethod
    def of(item: http.FeedItem, zone: str) -> FeedItem:
        kind = KINDS[item.kind]
        given: dict[str, object] = {"id": item.item_id, "time_zone": zone}
        if kind is LiveSessionItem:
            # Items kept before sessions had a modality were on site, as their event said.
            given["modality"] = item.modality or Modality.ON_SITE
        found: FeedItem = from_contract(kind, item, **given)
        return found


@strawberry.type(description="A live session in the feed: when, where, and how it is followed.")
class LiveSessionItem(FeedItem):
    starts_at: datetime
    ends_at: datetime
    modality: Modality = strawberry.field(description="Where it happens.")
    join_url: str | None = strawberry.field(description="A virtual or hybrid session's link.")
    by_recording: bool = strawberry.field(
        description=(
            "The student follows it by its recording and follow-up rather than live (a balance "
            "proposal a teacher accepted); the recording comes to the feed as catch-up work "
            "once published."
        )
    )


@strawberry.type(description="On-demand work in the feed, done within its window.")
class TaskItem(FeedItem):
    bookend: Bookend | None = strawberry.field(
        description="Pre-work or follow-up of its session; none for work of its own."
    )
    opens_at: datetime | None
    due_at: datetime
    closes_at: datetime | None = strawberry.field(
        description="The late limit: work is taken until then."
    )


@strawberry.type(
    description=(
        "A prompt of a live session the student missed, left for them to answer (its id is "
        "the prompt's: answer it with answerPrompt)."
    )
)
class PromptItem(FeedItem):
    bookend: Bookend | None = strawberry.field(description="Follow-up: it comes after its session.")
    opens_at: datetime | None
    due_at: datetime


KINDS: dict[FeedItemKind, type[FeedItem]] = {
    FeedItemKind.LIVE_SESSION: LiveSessionItem,
    FeedItemKind.TASK: TaskItem,
    FeedItemKind.PROMPT: PromptItem,
}
# Reachable only through the interface: the schema is told of them (root.build_schema).
FEED_ITEM_TYPES = tuple(KINDS.values())


@strawberry.type
class FeedEdge:
    cursor: str
    node: FeedItem


@strawberry.type
class FeedConnection:
    nodes: list[FeedItem]
    edges: list[FeedEdge]
    page_info: PageInfo
    time_zone: str = strawberry.field(description="The student's own zone, as each item has it.")

    @classmethod
    def of(cls, feed: http.Feed, asked: Page) -> FeedConnection:
        zone = feed.time_zone
        nodes = [FeedItem.of(item, zone) for item in feed.items]
        cursors = [item.cursor for item in feed.items]
        return cls(
            nodes=nodes,
            edges=[
                FeedEdge(cursor=cursor, node=node)
                for cursor, node in zip(cursors, nodes, strict=True)
            ],
            page_info=PageInfo.of(feed.page_info, cursors, asked),
            time_zone=zone,
        )


@strawberry.type
class FeedQuery:
    @strawberry.field(description="Sessions and tasks ordered by actionable time (Relay paging).")
    async def feed(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        student_id: strawberry.ID | None = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        kinds: list[FeedItemKind] | None = None,
        statuses: list[FeedItemStatus] | None = None,
        section_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description="Only these sections' items (at most 50)."),
        ] = None,
    ) -> FeedConnection:
        wanted = FeedFilter(
            student_id=student_id,
            starts=from_,
            ends=to,
            kinds=kinds or (),
            statuses=statuses or (),
            section_ids=[str(s) for s in section_ids or ()],
        )
        return await read_feed(info.context, checked_page(first, after), wanted)


async def read_feed(ctx: Context, asked: Page, wanted: FeedFilter) -> FeedConnection:
    """A page of a feed in one upstream call: the scheduler's feed read model is already
    denormalised. A request whose answer is kept (ADR 0017) keeps it until the feed's next
    change the scheduler foresees."""
    feed = await query(ctx.clients.scheduler.read_feed(asked, wanted), lambda answer: answer)
    if ctx.ticket is not None:
        ctx.ticket.until(feed.changes_at)
    return FeedConnection.of(feed, asked)


@strawberry.type(
    description=(
        "A student's feed as it stands: its first page when subscribed, then again each time "
        "the feed changes."
    )
)
class FeedUpdate:
    student_id: strawberry.ID
    feed: FeedConnection


FEED_OF = (
    "The student whose feed: yours if you are a student (leave it out); a child's, for a guardian."
)


@strawberry.type
class FeedSubscription:
    @strawberry.subscription(
        description=(
            "A student's feed, kept current: its first page (`first` items, 1 to 100) when "
            "subscribed, then the first page again whenever something in the feed changed (an "
            "item added, moved, cancelled, or its status changed). Changes that come in a burst "
            "are sent as one page. Yours, or (for a guardian) a child's."
        )
    )
    async def feed_updates(
        self,
        info: Info,
        first: First = 20,
        student_id: Annotated[
            strawberry.ID | None, strawberry.argument(description=FEED_OF)
        ] = None,
    ) -> AsyncGenerator[FeedUpdate, None]:
        ctx = info.context
        principal = ctx.caller.principal
        wanted = str(student_id or principal.subject)
        asked = checked_page(first, None)

        def accepts(payload: EventData) -> bool:
            return (
                isinstance(payload, FeedsChanged)
                and payload.district_id == principal.district
                and wanted in payload.student_ids
            )

        # Listen first, then read the page: no change slips between. The scheduler decides
        # whose feed the viewer may read; its refusal ends the stream before anything is sent.
        async with ctx.hub.subscribe(accepts) as subscriber:
            yield await _first_page(ctx, asked, student_id, wanted)
            events = _events(subscriber)
            while True:
                await _before(ctx.caller.expires_at, anext(events))
                subscriber.pass_over_waiting()  # the page read next covers them
                yield await _first_page(ctx, asked, student_id, wanted)


async def _first_page(
    ctx: Context, asked: Page, student_id: strawberry.ID | None, wanted: str
) -> FeedUpdate:
    feed = await read_feed(ctx, asked, FeedFilter(student_id=student_id))
    return FeedUpdate(student_id=strawberry.ID(wanted), feed=feed)
