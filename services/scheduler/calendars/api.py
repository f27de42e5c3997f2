"""Calendar links' HTTP routes, and the calendar itself: `GET /calendars/{secret}.ics`, the one
route of the scheduler without a token (the secret is the credential), answered with caching
headers because calendar apps poll."""

from __future__ import annotations

import math
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, ServiceState, service_state
from bookend.http_contracts import calendars as http
from bookend.problems import Problem, problem_of
from services.scheduler.calendars import service
from services.scheduler.calendars.answers import CalendarAnswers
from services.scheduler.calendars.domain import CalendarLink, PolledTooOften, owner_of
from services.scheduler.calendars.ports import Store
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]

router = APIRouter()

# The answer with a secret in it is never kept by a cache, nor by the idempotency store: a
# retried create makes a second link, which its maker may revoke (ADR 0027).
NO_STORE = {"Cache-Control": "no-store"}


def link_out(link: CalendarLink) -> http.CalendarLink:
    return http.CalendarLink.model_validate(link, from_attributes=True)


@router.post("/calendar-links", status_code=201)
async def create_calendar_link(
    body: http.CalendarLinkCreate, principal: CurrentPrincipal, state: State, response: Response
) -> http.CalendarLinkCreated:
    owner = owner_of(student_id=body.student_id, section_id=body.section_id)
    made = await service.create_link(
        owner,
        principal=principal,
        store=state.store,
        clock=state.clock,
        ids=state.ids,
        per_owner=state.settings.calendar_links_per_owner,
    )
    response.headers.update(NO_STORE)
    return http.CalendarLinkCreated(
        **link_out(made.link).model_dump(), secret=made.secret, path=http.calendar_path(made.secret)
    )


@router.get("/calendar-links")
async def list_calendar_links(
    principal: CurrentPrincipal,
    state: State,
    asked: AskedPage,
    student_id: str | None = None,
    section_id: str | None = None,
) -> http.CalendarLinkPage:
    """A page of a calendar's live links, or of those the caller made, newest first."""
    owner = None
    if student_id is not None or section_id is not None:
        owner = owner_of(student_id=student_id, section_id=section_id)
    page = await service.list_links(owner, asked, principal=principal, store=state.store)
    return http.CalendarLinkPage.of(page, link_out)


@router.post("/calendar-links/{link_id}/revoke")
async def revoke_calendar_link(
    link_id: str, principal: CurrentPrincipal, state: State
) -> http.CalendarLink:
    link = await service.revoke_link(
        link_id, principal=principal, store=state.store, clock=state.clock
    )
    return link_out(link)


def calendar_answers(request: Request) -> CalendarAnswers:
    state = request.app.state
    answers: CalendarAnswers | None = getattr(state, "calendar_answers", None)
    if answers is None:
        answers = state.calendar_answers = CalendarAnswers(service_state(request).settings)
    return answers


Answers = Annotated[CalendarAnswers, Depends(calendar_answers)]

CALENDAR_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/calendar": {}}, "description": "The calendar (RFC 5545)."},
    304: {"description": "Unchanged since the ETag (If-None-Match) or date sent."},
    404: {"model": Problem, "description": "No calendar at this address (or no longer)."},
    429: {"model": Problem, "description": "Fetched too often: come back after Retry-After."},
}


@router.get(http.CALENDAR_ROUTE, response_class=Response, responses=CALENDAR_RESPONSES)
async def read_calendar(secret: str, request: Request, state: State, answers: Answers) -> Response:
    settings = state.settings
    link = await service.open_calendar(secret, reads=state.store)
    wait = answers.throttle.wait(link.id)
    if wait > 0:
        refused = PolledTooOften()
        body = problem_of(refused).model_dump(mode="json")
        return JSONResponse(body, status_code=429, headers={"Retry-After": str(math.ceil(wait))})
    content = await service.calendar_content(
        link, reads=state.store, clock=state.clock, window=settings.calendar_window
    )
    fingerprint = content.fingerprint()
    stamp = answers.stamp(link.id, fingerprint, state.clock())
    headers = {
        "ETag": f'W/"{fingerprint}"',
        "Last-Modified": format_datetime(stamp, usegmt=True),
        "Cache-Control": f"private, max-age={settings.calendar_max_age_seconds}",
        "X-Robots-Tag": "noindex, nofollow",  # an address pasted somewhere public stays unlisted
    }
    if unchanged(request, fingerprint, stamp):
        return Response(status_code=304, headers=headers)
    ics = await answers.file(link.id, content, stamp)
    return Response(ics, media_type="text/calendar; charset=utf-8", headers=headers)


def unchanged(request: Request, fingerprint: str, stamp: datetime) -> bool:
    """RFC 9110: If-None-Match decides when sent (weakly compared); If-Modified-Since otherwise."""
    tags = request.headers.get("if-none-match")
    if tags is not None:
        sent = [tag.strip() for tag in tags.split(",")]
        return any(tag == "*" or tag.removeprefix("W/").strip('"') == fingerprint for tag in sent)
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return stamp <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # not a date: as if not sent
