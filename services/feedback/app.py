"""Feedback's composition root: settings in, a FastAPI app whose lifespan owns every client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from services.auth import AuthSettings, TokenVerifier
from services.auth.fastapi import AUTH_STATUSES, install_verifier
from services.contracts import ALL_TOPICS, Topic
from services.eventbus import EventConsumer, KafkaPublisher, KafkaSettings, dispatch, ensure_topics
from services.feedback.api import router
from services.feedback.domain import SessionNotLive
from services.feedback.events import handlers
from services.feedback.settings import FeedbackSettings
from services.feedback.store import FeedbackStore
from services.outbox import MongoSettings, OutboxRelay, connect
from services.outbox.transaction import create_delivery_indexes
from services.problems import COMMON_STATUSES, install_problem_handlers


def create_app(
    settings: FeedbackSettings,
    *,
    kafka: KafkaSettings,
    mongo: MongoSettings,
    auth: AuthSettings,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            client = connect(mongo)
            stack.push_async_callback(client.close)
            publisher = KafkaPublisher(kafka)
            relay = OutboxRelay(
                client[settings.database], publisher, poll_interval=settings.relay_poll_interval
            )
            store = FeedbackStore(client, settings.database, on_commit=relay.wake)
            await store.create_indexes()
            await create_delivery_indexes(store.db)
            await ensure_topics(kafka, ALL_TOPICS)
            await publisher.start()
            stack.push_async_callback(publisher.stop)
            await relay.start()
            stack.push_async_callback(relay.stop)
            consumer = EventConsumer(
                kafka, topics=[Topic.SCHEDULER_SESSION], handle=dispatch(handlers(store)),
                group_id=settings.consumer_group, dead_letters=publisher,
            )
            await consumer.start()
            stack.push_async_callback(consumer.stop)
            app.state.store = store
            app.state.relay = relay
            yield

    app = FastAPI(title="Bookend feedback", lifespan=lifespan)
    install_problem_handlers(app, COMMON_STATUSES | AUTH_STATUSES | {SessionNotLive: 409})
    install_verifier(app.state, TokenVerifier(auth))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    return app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.feedback.app:create_app_from_env`."""
    return create_app(
        FeedbackSettings(), kafka=KafkaSettings(), mongo=MongoSettings(), auth=AuthSettings()
    )
