"""Structured logs: one JSON object a line, with the component, and one line per request.

Nothing personal goes in: no tokens, no query strings (they carry search text), no bodies.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bookend.hosting.limits import ASGIApp, Message, Receive, Scope, Send

# Attributes of every LogRecord; anything else on a record came in through `extra=`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "component": self.component,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


# Third-party loggers that write request lines or commands with their data (a URL's query
# string, a document) at these levels or below: never below the floor, whatever the level.
# httpx and httpcore log every upstream URL at INFO; uvicorn.access every request line with its
# query at INFO (RequestLog writes ours without); pymongo and aiokafka write commands and
# requests at DEBUG.
_FLOORS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "uvicorn.access": logging.WARNING,
    "pymongo": logging.INFO,
    "aiokafka": logging.INFO,
}


def configure_logging(component: str, level: int = logging.INFO) -> None:
    """At start-up of every process: JSON lines on stderr, replacing any earlier handler
    (uvicorn's too, so its own lines are JSON lines like the rest)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines(component))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name, floor in _FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))


requests_log = logging.getLogger("bookend.requests")


def logged_path(path: str, secret_paths: tuple[str, ...]) -> str:
    """The path as a log may show it: below a prefix whose paths are credentials (a calendar's
    secret address), only the prefix."""
    for prefix in secret_paths:
        if path.startswith(prefix):
            return f"{prefix}…"
    return path


class RequestLog:
    """ASGI middleware: one line per HTTP request with its id, method, route path, status and
    duration; the request id is sent back in `x-request-id`. Paths under `secret_paths` are
    logged as the prefix alone."""

    def __init__(self, app: ASGIApp, *, secret_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.secret_paths = secret_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        began = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = logged_path(str(scope.get("path", "")), self.secret_paths)
            requests_log.info(
                "%s %s %d",
                scope.get("method"),
                path,
                status,
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": path,
                    "status": status,
                    "ms": round((time.perf_counter() - began) * 1000, 1),
                },
            )
