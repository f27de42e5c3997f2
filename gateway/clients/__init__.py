"""One typed client per service, each answering with the service's published HTTP contract."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.clients.catalog import CatalogClient
from gateway.clients.feedback import FeedbackClient
from gateway.clients.scheduler import SchedulerClient
from gateway.settings import GatewaySettings
from gateway.upstream import Upstream


@dataclass(frozen=True)
class Clients:
    catalog: CatalogClient
    scheduler: SchedulerClient
    feedback: FeedbackClient

    @classmethod
    def connect(cls, settings: GatewaySettings) -> Clients:
        """One pooled HTTP client per service, shared by every request of this process."""
        timeout = settings.upstream_timeout_seconds
        return cls(
            catalog=CatalogClient(Upstream("catalog", settings.catalog_url, timeout)),
            scheduler=SchedulerClient(Upstream("scheduler", settings.scheduler_url, timeout)),
            feedback=FeedbackClient(Upstream("feedback", settings.feedback_url, timeout)),
        )

    async def close(self) -> None:
        for client in (self.catalog, self.scheduler, self.feedback):
            await client.upstream.close()


__all__ = ["CatalogClient", "Clients", "FeedbackClient", "SchedulerClient"]
