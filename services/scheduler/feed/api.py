"""The feed's HTTP route: a thin adapter from query parameters to one page of a student's feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from bookend.auth import Role
from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import ServiceState, service_state
from bookend.http_contracts import scheduler as http
from bookend.http_contracts.paging import PageInfo
from services.scheduler.feed import service
from services.scheduler.feed.domain import FeedPage, Position, feed_query
from services.scheduler.feed.ports import Store
from services.scheduler.records import fields_of
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]

router = APIRouter()


def feed_out(page: FeedPage) -> http.Feed:
    items = [
        # The cursor is opaque: pass it as `after` to read the items that follow this one.
        http.FeedItem.model_validate(
            fields_of(item, status=status, cursor=Position.of(item).cursor())
        )
        for item, status in page.items
    ]
    page_info = PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
    return http.Feed(
        items=items, page_info=page_info, time_zone=page.time_zone, changes_at=page.changes_at
    )


@router.get("/feed")
async def read_feed(
    principal: CurrentPrincipal,
    state: State,
    student_id: str | None = None,
    first: int | None = None,
    after: str | None = None,
    starts: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    ends: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    kinds: str | None = None,
    statuses: str | None = None,
    sections: str | None = None,
) -> http.Feed:
    own = principal.subject if principal.has(Role.STUDENT) else None
    query = feed_query(
        student_id=student_id or own,
        first=first,
        after=after,
        starts=starts,
        ends=ends,
        kinds=kinds,
        statuses=statuses,
        sections=sections,
        page_default=state.settings.feed_page_default,
        page_max=state.settings.feed_page_max,
    )
    page = await service.read_feed(query, principal=principal, store=state.store, clock=state.clock)
    return feed_out(page)
