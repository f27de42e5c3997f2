"""The public address of calendars: `GET /calendars/{secret}.ics` on the gateway, the one
address families' calendar apps reach, forwarded to the scheduler without a token (the secret
is the credential), with the caching headers passed both ways so an unchanged calendar costs a
304."""

from __future__ import annotations

import logging

import httpx
from fastapi import FastAPI, Request, Response

from bookend.http_contracts.calendars import CALENDAR_ROUTE, calendar_path
from gateway.clients import Upstreams

log = logging.getLogger(__name__)

ASKED = ("if-none-match", "if-modified-since")
ANSWERED = (
    "content-type",
    "etag",
    "last-modified",
    "cache-control",
    "retry-after",
    "x-robots-tag",
)


def away() -> Response:
    """The scheduler is away: calendar apps keep what they have and try again later."""
    return Response(
        b"the calendar is unavailable just now; try again later",
        status_code=503,
        media_type="text/plain",
        headers={"Retry-After": "60", "Cache-Control": "no-store"},
    )


def install_calendars(app: FastAPI) -> None:
    @app.get(CALENDAR_ROUTE, include_in_schema=False)
    async def calendar(secret: str, request: Request) -> Response:
        upstreams: Upstreams = request.app.state.upstreams
        scheduler = upstreams.scheduler
        asked = {name: value for name in ASKED if (value := request.headers.get(name))}
        try:
            answer = await scheduler.http.get(
                scheduler.url(calendar_path(secret), None), headers=asked
            )
        except httpx.HTTPError as failure:
            # The failure's type only: its text may hold the URL, and the URL the secret.
            log.warning("calendar unavailable: scheduler %s", type(failure).__name__)
            return away()
        if answer.status_code >= 500:
            log.warning("calendar unavailable: scheduler answered %d", answer.status_code)
            return away()
        headers = {name: answer.headers[name] for name in ANSWERED if name in answer.headers}
        return Response(answer.content, status_code=answer.status_code, headers=headers)
