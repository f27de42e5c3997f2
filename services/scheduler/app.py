"""The scheduler's composition root: wires the store, outbox relay, consumer and HTTP routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI

from services.auth import AuthSettings, TokenVerifier
from services.auth.fastapi import AUTH_STATUSES, install_verifier
from services.contracts import ALL_TOPICS, Topic
from services.eventbus import EventConsumer, KafkaPublisher, KafkaSettings, dispatch, ensure_topics
from services.outbox import MongoSettings, OutboxRelay, connect
from services.problems import COMMON_STATUSES, install_problem_handlers
from services.scheduler.api import SchedulerContext, router
from services.scheduler.domain import SessionConflict
from services.scheduler.events import CONSUMER, handlers
from services.scheduler.service import Clock
from services.scheduler.settings import SchedulerSettings
from services.scheduler.store import SchedulerStore


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: SchedulerSettings,
    *,
    kafka: KafkaSettings,
    mongo: MongoSettings,
    auth: AuthSettings,
    clock: Clock = utc_now,
    consumer_group: str = CONSUMER,
) -> FastAPI:
    """`consumer_group` lets tests that share one broker keep their offsets apart."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = connect(mongo)
        publisher = KafkaPublisher(kafka)
        relay = OutboxRelay(
            client[settings.database], publisher, poll_interval=settings.relay_poll_interval
        )
        store = SchedulerStore(client, settings.database, on_commit=relay.wake)
        consumer = EventConsumer(
            kafka, topics=[Topic.CATALOG_LESSON], handle=dispatch(handlers(store)),
            group_id=consumer_group, dead_letters=publisher,
        )
        try:
            await store.create_indexes()
            await ensure_topics(kafka, ALL_TOPICS)
            await publisher.start()
            await relay.start()
            await consumer.start()
            app.state.scheduler = SchedulerContext(store=store, settings=settings, clock=clock)
            yield
        finally:
            await consumer.stop()
            await relay.stop()
            await publisher.stop()
            await client.close()

    app = FastAPI(title="Bookend scheduler", lifespan=lifespan)
    install_problem_handlers(app, COMMON_STATUSES | AUTH_STATUSES | {SessionConflict: 409})
    install_verifier(app.state, TokenVerifier(auth))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    return app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.scheduler.app:create_app_from_env`."""
    return create_app(
        SchedulerSettings(), kafka=KafkaSettings(), mongo=MongoSettings(), auth=AuthSettings()
    )
