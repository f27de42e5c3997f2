"""Structured logs: JSON lines with the component, one per request, nothing personal."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from uvicorn.config import Config

from bookend.hosting.limits import Receive, Scope, Send
from bookend.hosting.logs import JsonLines, RequestLog, configure_logging


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


async def test_a_path_that_is_a_credential_is_logged_as_its_prefix_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    transport = httpx.ASGITransport(app=RequestLog(hello, secret_paths=("/calendars/",)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        with caplog.at_level(logging.INFO, logger="bookend.requests"):
            await http.get("/calendars/s3cr3t-4bc.ics")
            await http.get("/calendar-links")
    paths = [r.__dict__["path"] for r in caplog.records if r.name == "bookend.requests"]
    assert paths == ["/calendars/…", "/calendar-links"]
    assert "s3cr3t" not in caplog.text


@pytest.fixture
def process_logging() -> Iterator[None]:
    """Logging as a process has it, undone afterwards: uvicorn sets up its loggers, then the
    app factory calls configure_logging."""
    touched = ["", "httpx", "httpcore", "pymongo", "aiokafka", "uvicorn", "uvicorn.access"]
    touched.append("uvicorn.error")
    saved = {}
    for name in touched:
        logger = logging.getLogger(name)
        saved[name] = (logger.level, logger.handlers[:], logger.propagate, logger.disabled)
    yield
    for name, (level, handlers, propagate, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate, logger.disabled = propagate, disabled


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG], ids=["info", "debug"])
async def test_a_process_logs_its_own_request_line_but_no_third_party_line_with_student_data(
    process_logging: None, capsys: pytest.CaptureFixture[str], level: int
) -> None:
    Config(app=hello, log_level="info").configure_logging()  # as `uvicorn` starts
    configure_logging("gateway", level)
    transport = httpx.ASGITransport(app=RequestLog(hello))
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog") as http:
        await http.get("/lessons", params={"first": 2, "q": "Jane Doe IEP reading disability"})
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", "/feed?student_id=amara", "1.1", 200
    )
    logging.getLogger("pymongo.command").debug('{"find": "feed", "student_id": "amara"}')
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")

    written = capsys.readouterr()
    assert "Jane" not in written.err + written.out
    assert "amara" not in written.err + written.out
    lines = [json.loads(line) for line in written.err.splitlines()]
    ours = [line for line in lines if line["logger"] == "bookend.requests"]
    assert [line["message"] for line in ours] == ["GET /lessons 204"]
    assert ours[0]["component"] == "gateway"
    # uvicorn's own warnings still show, as JSON lines like every other
    assert any(line["logger"] == "uvicorn.error" for line in lines)
