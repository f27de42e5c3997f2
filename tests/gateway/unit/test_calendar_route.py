"""The gateway's public calendar address forwards to the scheduler without a token, passes
the caching headers both ways, and answers 503 (try later) when the scheduler is away."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi import FastAPI

from gateway.calendars import install_calendars
from gateway.clients import Upstreams
from gateway.upstream import Upstream

ICS = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
Handler = Callable[[httpx.Request], httpx.Response]


def gateway_with(scheduler: Handler) -> httpx.AsyncClient:
    def upstream(name: str, handler: Handler) -> Upstream:
        return Upstream(name, f"http://{name}", 5, transport=httpx.MockTransport(handler))

    def unused(_: httpx.Request) -> httpx.Response:
        raise AssertionError("only the scheduler answers calendars")

    app = FastAPI()
    install_calendars(app)
    app.state.upstreams = Upstreams(
        catalog=upstream("catalog", unused),
        scheduler=upstream("scheduler", scheduler),
        feedback=upstream("feedback", unused),
        integrations=upstream("integrations", unused),
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def test_a_calendar_is_forwarded_with_its_caching_headers_and_no_token() -> None:
    seen: list[httpx.Request] = []

    def scheduler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("if-none-match") == 'W/"abc"':
            return httpx.Response(304, headers={"ETag": 'W/"abc"'})
        headers = {
            "content-type": "text/calendar; charset=utf-8",
            "ETag": 'W/"abc"',
            "Last-Modified": "Mon, 03 Mar 2025 09:00:00 GMT",
            "Cache-Control": "private, max-age=300",
            "Set-Cookie": "not=passed",
        }
        return httpx.Response(200, content=ICS, headers=headers)

    async with gateway_with(scheduler) as http:
        first = await http.get("/calendars/s3cret.ics", headers={"Authorization": "Bearer t"})
        again = await http.get("/calendars/s3cret.ics", headers={"If-None-Match": 'W/"abc"'})
    assert (first.status_code, first.content) == (200, ICS)
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert (first.headers["etag"], first.headers["cache-control"]) == (
        'W/"abc"',
        "private, max-age=300",
    )
    assert "set-cookie" not in first.headers
    assert again.status_code == 304
    assert [r.url.path for r in seen] == ["/calendars/s3cret.ics"] * 2
    assert all("authorization" not in r.headers for r in seen)


async def test_a_secret_stays_one_path_segment_at_the_scheduler() -> None:
    seen: list[httpx.Request] = []

    def scheduler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"code": "CALENDAR_NOT_FOUND"})

    async with gateway_with(scheduler) as http:
        answer = await http.get("/calendars/a%3Fb%23c%25d.ics")
        # Not one segment: no calendar route at all, and nothing reaches the scheduler.
        elsewhere = await http.get("/calendars/..%2Ffeed.ics")
    assert (answer.status_code, answer.json()) == (404, {"code": "CALENDAR_NOT_FOUND"})
    assert [r.url.raw_path for r in seen] == [b"/calendars/a%3Fb%23c%25d.ics"]
    assert elsewhere.status_code == 404


async def test_a_scheduler_away_or_failing_is_a_503_to_try_later() -> None:
    def away(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def failing(_: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="boom")

    for scheduler in (away, failing):
        async with gateway_with(scheduler) as http:
            answer = await http.get("/calendars/s3cret.ics")
        assert (answer.status_code, answer.headers["retry-after"]) == (503, "60")
        assert "boom" not in answer.text
