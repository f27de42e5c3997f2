"""A district's webhook receiver on loopback, for tests of webhook delivery (ADR 0050)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, Response
from standardwebhooks.webhooks import Webhook

from tests.support.running import serving


@dataclass
class Receiver:
    """A district's webhook receiver on loopback: answers `failing` statuses first, then 200."""

    failing: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.received.append((dict(request.headers), body))
                status = self.failing.pop(0) if self.failing else 200
            return Response(status_code=status)

        return app

    def verified(self, secret: str) -> list[dict[str, Any]]:
        """Every body received, each verified by the Standard Webhooks library itself."""
        with self.lock:
            return [Webhook(secret).verify(body, headers) for headers, body in self.received]


@contextmanager
def receiver_at(receiver: Receiver) -> Iterator[str]:
    with serving(receiver.app()) as url:
        yield f"{url}/hook"
