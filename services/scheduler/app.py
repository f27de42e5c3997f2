"""The scheduler's composition root: wires the store, outbox relay, consumer and HTTP routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bookend.auth import AuthSettings
from bookend.clock import Clock, utc_now
from bookend.contracts import Topic
from bookend.eventbus import KafkaSettings, dispatch
from bookend.hosting import consuming, delivering, service_app
from bookend.outbox import MongoSettings
from services.scheduler.api import SchedulerContext, router
from services.scheduler.domain import SessionConflict
from services.scheduler.events import CONSUMER, handlers
from services.scheduler.settings import SchedulerSettings
from services.scheduler.store import SchedulerStore


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
        async with delivering(
            kafka=kafka, mongo=mongo, database=settings.database,
            poll_interval=settings.relay_poll_interval,
        ) as delivery:
            store = SchedulerStore(
                delivery.client, settings.database, on_commit=delivery.relay.wake
            )
            await store.create_indexes()
            async with consuming(
                kafka, topics=[Topic.CATALOG_LESSON], handle=dispatch(handlers(store)),
                group_id=consumer_group, dead_letters=delivery.publisher,
            ):
                app.state.scheduler = SchedulerContext(store=store, settings=settings, clock=clock)
                yield

    return service_app(
        "Bookend scheduler", lifespan=lifespan, router=router, auth=auth,
        failures={SessionConflict: 409},
    )


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.scheduler.app:create_app_from_env`."""
    return create_app(
        SchedulerSettings(), kafka=KafkaSettings(), mongo=MongoSettings(), auth=AuthSettings()
    )
