"""Running a service app and watching topics, against the real embedded broker and store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from bookend.auth import AuthSettings
from bookend.contracts import CloudEvent
from bookend.eventbus import EventConsumer, KafkaSettings
from bookend.hosting import ServiceSettings, ServiceState
from bookend.mongo import MongoSettings

S = TypeVar("S", bound=ServiceSettings)


@asynccontextmanager
async def running(app: FastAPI, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (store, relay, consumer) and an HTTP client talking to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{name}") as http:
            yield http


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
