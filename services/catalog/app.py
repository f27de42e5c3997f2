"""The catalog's composition root: settings in, a FastAPI app whose lifespan owns every client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bookend.auth import AuthSettings
from services.catalog.api import router
from services.catalog.domain import LessonAlreadyPublished
from services.catalog.settings import CatalogSettings
from services.catalog.store import CatalogStore
from bookend.eventbus import KafkaSettings
from bookend.hosting import delivering, service_app
from bookend.outbox import MongoSettings


def create_app(
    settings: CatalogSettings,
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
            store = CatalogStore(delivery.client, settings.database, on_commit=delivery.relay.wake)
            await store.create_indexes()
            # No consumer yet: the catalog consumes nothing until recordings arrive.
            app.state.store = store
            yield

    return service_app(
        "Bookend catalog", lifespan=lifespan, router=router, auth=auth,
        failures={LessonAlreadyPublished: 409},
    )


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.catalog.app:create_app_from_env`."""
    return create_app(
        CatalogSettings(), kafka=KafkaSettings(), mongo=MongoSettings(), auth=AuthSettings()
    )
