"""What every service's composition root shares: the delivery lifecycle and the app skeleton."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI

from bookend.auth import AuthSettings, TokenVerifier
from bookend.auth.fastapi import AUTH_STATUSES, install_verifier
from bookend.contracts import ALL_TOPICS
from bookend.eventbus import EventConsumer, Handler, KafkaPublisher, KafkaSettings, ensure_topics
from bookend.outbox import MongoSettings, OutboxRelay, connect
from bookend.outbox.mongo import MongoClient
from bookend.outbox.transaction import create_delivery_indexes
from bookend.problems import COMMON_STATUSES, Failure, install_problem_handlers

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class Delivery:
    """A service's running connections: its store client, its publisher and its outbox relay."""

    client: MongoClient
    publisher: KafkaPublisher
    relay: OutboxRelay


@asynccontextmanager
async def delivering(
    *, kafka: KafkaSettings, mongo: MongoSettings, database: str, poll_interval: float
) -> AsyncIterator[Delivery]:
    """Connect, prepare the outbox and topics, run the relay; undo it all in reverse."""
    async with AsyncExitStack() as stack:
        client = connect(mongo)
        stack.push_async_callback(client.close)
        await create_delivery_indexes(client[database])
        await ensure_topics(kafka, ALL_TOPICS)
        publisher = KafkaPublisher(kafka)
        await publisher.start()
        stack.push_async_callback(publisher.stop)
        relay = OutboxRelay(client[database], publisher, poll_interval=poll_interval)
        await relay.start()
        stack.push_async_callback(relay.stop)
        yield Delivery(client, publisher, relay)


@asynccontextmanager
async def consuming(
    kafka: KafkaSettings,
    *,
    topics: Collection[str],
    handle: Handler,
    group_id: str,
    dead_letters: KafkaPublisher,
) -> AsyncIterator[None]:
    consumer = EventConsumer(
        kafka, topics=topics, handle=handle, group_id=group_id, dead_letters=dead_letters
    )
    await consumer.start()
    try:
        yield
    finally:
        await consumer.stop()


def service_app(
    title: str,
    *,
    lifespan: Lifespan,
    router: APIRouter,
    auth: AuthSettings,
    failures: Mapping[type[Failure], int],
) -> FastAPI:
    """Every service answers problems the same way, verifies tokens, and has `/healthz`."""
    app = FastAPI(title=title, lifespan=lifespan)
    install_problem_handlers(app, {**COMMON_STATUSES, **AUTH_STATUSES, **failures})
    install_verifier(app.state, TokenVerifier(auth))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    return app

