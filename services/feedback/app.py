"""Feedback's composition root: settings in, a FastAPI app whose lifespan owns every client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bookend.auth import AuthSettings
from bookend.contracts import Topic
from bookend.eventbus import KafkaSettings, dispatch
from services.feedback.api import router
from services.feedback.domain import SessionNotLive
from services.feedback.events import handlers
from services.feedback.settings import FeedbackSettings
from services.feedback.store import FeedbackStore
from bookend.hosting import consuming, delivering, service_app
from bookend.outbox import MongoSettings


def create_app(
    settings: FeedbackSettings,
    *,
    kafka: KafkaSettings,
    mongo: MongoSettings,
    auth: AuthSettings,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with delivering(
            kafka=kafka, mongo=mongo, database=settings.database,
            poll_interval=settings.relay_poll_interval,
        ) as delivery:
            store = FeedbackStore(
                delivery.client, settings.database, on_commit=delivery.relay.wake
            )
            await store.create_indexes()
            async with consuming(
                kafka, topics=[Topic.SCHEDULER_SESSION], handle=dispatch(handlers(store)),
                group_id=settings.consumer_group, dead_letters=delivery.publisher,
            ):
                app.state.store = store
                yield

    return service_app(
        "Bookend feedback", lifespan=lifespan, router=router, auth=auth,
        failures={SessionNotLive: 409},
    )


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.feedback.app:create_app_from_env`."""
    return create_app(
        FeedbackSettings(), kafka=KafkaSettings(), mongo=MongoSettings(), auth=AuthSettings()
    )
