"""Running a service app and watching topics, against the real embedded broker and store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from bookend.contracts import CloudEvent
from bookend.eventbus import EventConsumer, KafkaSettings


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
