"""The integrations component's composition root (ADR 0050): a service-shaped process that
relays public events to district topics and webhooks, and keeps the district's log."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from bookend.auth import AuthSettings
from bookend.clock import Clock, utc_now
from bookend.eventbus import KafkaSettings
from bookend.hosting import ServiceParts, ServiceState
from bookend.hosting.app import Worker
from bookend.hosting.logs import configure_logging
from bookend.ids import IdFactory, new_id
from bookend.mongo import MongoSettings
from gateway.integrations.api import router
from gateway.integrations.dispatch import WebhookDispatcher
from gateway.integrations.events import DistrictTopics, inbound
from gateway.integrations.settings import IntegrationsSettings
from gateway.integrations.store import IntegrationsStore

State = ServiceState[IntegrationsStore, IntegrationsSettings]


def create_app(
    settings: IntegrationsSettings,
    *,
    kafka: KafkaSettings,
    mongo: MongoSettings,
    auth: AuthSettings,
    clock: Clock = utc_now,
    ids: IdFactory = new_id,
) -> FastAPI:
    topics = DistrictTopics(kafka)

    async def district_topics(store: IntegrationsStore) -> list[str]:
        topics.forget()
        return await store.district_topics()

    def workers(state: State) -> Sequence[Worker]:
        return [WebhookDispatcher(state.store, state.settings, state.clock)]

    parts: ServiceParts[IntegrationsStore, IntegrationsSettings] = ServiceParts(
        title="Bookend integrations",
        router=router,
        store=IntegrationsStore,
        inbound=lambda state: inbound(state, topics),
        more_topics=district_topics,
        workers=workers,
    )
    return parts.app(settings, kafka=kafka, mongo=mongo, auth=auth, clock=clock, ids=ids)


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory gateway.integrations.app:create_app_from_env`."""
    configure_logging("integrations")
    return create_app(
        IntegrationsSettings(), kafka=KafkaSettings(), mongo=MongoSettings(), auth=AuthSettings()
    )
