"""Structured logs: JSON lines with the component, one per request, nothing personal."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from bookend.hosting.limits import Receive, Scope, Send
from bookend.hosting.logs import JsonLines, RequestLog


def test_a_log_line_is_one_json_object_with_the_component_and_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "bookend.x", "levelname": "WARNING", "msg": "event %s set aside", "args": ("e1",)}
    )
    record.event_id = "e1"
    line = json.loads(JsonLines("scheduler").format(record))
    assert {k: line[k] for k in ("level", "component", "logger", "message", "event_id")} == {
        "level": "warning",
        "component": "scheduler",
        "logger": "bookend.x",
        "message": "event e1 set aside",
        "event_id": "e1",
    }


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def test_each_request_is_one_line_without_its_query_or_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    transport = httpx.ASGITransport(app=RequestLog(hello))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        with caplog.at_level(logging.INFO, logger="bookend.requests"):
            response = await http.get(
                "/lessons?q=my+dad+lost+his+job", headers={"Authorization": "Bearer secret-token"}
            )
    [record] = [r for r in caplog.records if r.name == "bookend.requests"]
    assert (record.__dict__["method"], record.__dict__["path"], record.__dict__["status"]) == (
        "GET",
        "/lessons",
        204,
    )
    assert record.__dict__["request_id"] == response.headers["x-request-id"]
    assert "lost his job" not in caplog.text and "secret-token" not in caplog.text
