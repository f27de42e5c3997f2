"""One typed client per service, each answering with the service's published HTTP contract."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.clients.catalog import CatalogClient
from gateway.clients.feedback import FeedbackClient
from gateway.clients.integrations import IntegrationsClient
from gateway.clients.scheduler import FeedFilter, SchedulerClient
from gateway.settings import GatewaySettings
from gateway.upstream import Upstream


@dataclass(frozen=True)
class Clients:
    """The services as one caller: built per request, since each forwards the caller's token."""

    catalog: CatalogClient
    scheduler: SchedulerClient
    feedback: FeedbackClient
    integrations: IntegrationsClient


@dataclass(frozen=True)
class Upstreams:
    """One pooled HTTP client per service, shared by every request of this process."""

    catalog: Upstream
    scheduler: Upstream
    feedback: Upstream
    integrations: Upstream  # the integrations component (ADR 0050), called as a service is

    @classmethod
    def connect(cls, settings: GatewaySettings) -> Upstreams:
        timeout = settings.upstream_timeout_seconds
        return cls(
            catalog=Upstream("catalog", settings.catalog_url, timeout),
            scheduler=Upstream("scheduler", settings.scheduler_url, timeout),
            feedback=Upstream("feedback", settings.feedback_url, timeout),
            integrations=Upstream("integrations", settings.integrations_url, timeout),
        )

    def as_caller(self, token: str) -> Clients:
        return Clients(
            catalog=CatalogClient(self.catalog, token),
            scheduler=SchedulerClient(self.scheduler, token),
            feedback=FeedbackClient(self.feedback, token),
            integrations=IntegrationsClient(self.integrations, token),
        )

    async def close(self) -> None:
        for upstream in (self.catalog, self.scheduler, self.feedback, self.integrations):
            await upstream.close()


__all__ = [
    "CatalogClient",
    "Clients",
    "FeedFilter",
    "FeedbackClient",
    "IntegrationsClient",
    "SchedulerClient",
    "Upstreams",
]
