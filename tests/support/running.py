"""Running a service app and watching topics, against the real embedded broker and store."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI

from bookend.auth import AuthSettings
from bookend.contracts import CloudEvent
from bookend.eventbus import EventConsumer, KafkaSettings
from bookend.hosting import ServiceSettings, ServiceState
from bookend.mongo import MongoSettings
from devstack.processes import free_port

S = TypeVar("S", bound=ServiceSettings)


@asynccontextmanager
async def running(app: FastAPI, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (store, relay, consumer) and an HTTP client talking to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{name}") as http:
            yield http


@contextmanager
def serving(app: FastAPI, *, start_seconds: float = 30) -> Iterator[str]:
    """The app served over HTTP by uvicorn on a free loopback port, in a thread with its own
    event loop, so a test may block on a request with a timeout and a hung request cannot
    stall the server's loop from the test's side. Yields the base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"serving-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_seconds
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the app did not start serving on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=start_seconds)


@asynccontextmanager
async def watching(
    kafka: KafkaSettings, topics: Collection[str], group: str
) -> AsyncIterator[list[CloudEvent]]:
    """Collect every event that reaches `topics` (from their beginning) while the block runs."""
    received: list[CloudEvent] = []

    async def keep(event: CloudEvent) -> None:
        received.append(event)

    watcher = EventConsumer(kafka, topics=topics, handle=keep, group_id=group, dead_letters=None)
    await watcher.start()
    try:
        yield received
    finally:
        await watcher.stop()


@dataclass(frozen=True)
class Served:
    """A running service app and an HTTP client talking to it."""

    http: httpx.AsyncClient
    app: FastAPI

    @property
    def state(self) -> ServiceState[Any, Any]:
        state: ServiceState[Any, Any] = self.app.state.service
        return state


@dataclass(frozen=True)
class Fresh:
    """Service apps on the shared embedded broker and store, each on its own database and
    consumer group so tests never meet."""

    kafka: KafkaSettings
    mongo: MongoSettings
    auth: AuthSettings
    unique: Callable[[str], str]

    def settings(self, kind: type[S], name: str) -> S:
        return kind(
            database=self.unique(name),
            consumer_group=self.unique(f"{name}.group"),
            relay_poll_interval=0.1,
        )

    @asynccontextmanager
    async def serve(
        self, create_app: Callable[..., FastAPI], settings: ServiceSettings, name: str
    ) -> AsyncIterator[Served]:
        app = create_app(settings, kafka=self.kafka, mongo=self.mongo, auth=self.auth)
        async with running(app, name) as http:
            yield Served(http, app)

    @contextmanager
    def served_over_http(
        self, create_app: Callable[..., FastAPI], settings: ServiceSettings
    ) -> Iterator[str]:
        """The app served on a loopback port (see `serving`); yields its base URL."""
        app = create_app(settings, kafka=self.kafka, mongo=self.mongo, auth=self.auth)
        with serving(app) as url:
            yield url
