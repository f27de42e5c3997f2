"""The integrations component's HTTP API as typed calls (ADR 0050): a district's webhook
endpoints, their deliveries, and the district's log of public events. The component is a
process of its own, called over HTTP like a service; nothing of it is imported."""

from __future__ import annotations

from datetime import datetime

from bookend.http_contracts.integrations import (
    DeliveryPage,
    DeliveryStatus,
    DistrictEventPage,
    Endpoint,
    EndpointCreate,
    EndpointCreated,
    EndpointPage,
    EndpointUpdate,
    Redrive,
    Redriven,
    SecretRotation,
    SigningSecret,
)
from gateway.upstream import NoContent, Page, ServiceClient, at


class IntegrationsClient(ServiceClient):
    async def register_endpoint(
        self, endpoint: EndpointCreate, key: str | None = None
    ) -> EndpointCreated:
        return await self.call(EndpointCreated, "POST", "/endpoints", body=endpoint, key=key)

    async def list_endpoints(self, page: Page) -> EndpointPage:
        return await self.call(EndpointPage, "GET", "/endpoints", params=page.params())

    async def get_endpoint(self, endpoint_id: str) -> Endpoint:
        path = at("/endpoints/{endpoint_id}", endpoint_id=endpoint_id)
        return await self.call(Endpoint, "GET", path)

    async def update_endpoint(self, endpoint_id: str, update: EndpointUpdate) -> Endpoint:
        path = at("/endpoints/{endpoint_id}", endpoint_id=endpoint_id)
        return await self.call(Endpoint, "PATCH", path, body=update)

    async def delete_endpoint(self, endpoint_id: str, key: str | None = None) -> None:
        path = at("/endpoints/{endpoint_id}", endpoint_id=endpoint_id)
        await self.call(NoContent, "DELETE", path, key=key)

    async def rotate_secret(
        self, endpoint_id: str, rotation: SecretRotation, key: str | None = None
    ) -> SigningSecret:
        path = at("/endpoints/{endpoint_id}/rotate-secret", endpoint_id=endpoint_id)
        return await self.call(SigningSecret, "POST", path, body=rotation, key=key)

    async def list_deliveries(
        self, endpoint_id: str, status: DeliveryStatus | None, page: Page
    ) -> DeliveryPage:
        """A page of the endpoint's deliveries, newest first, of one status if given."""
        path = at("/endpoints/{endpoint_id}/deliveries", endpoint_id=endpoint_id)
        params = {**page.params(), "status": status.value if status is not None else None}
        return await self.call(DeliveryPage, "GET", path, params=params)

    async def redrive(self, endpoint_id: str, redrive: Redrive, key: str | None = None) -> Redriven:
        path = at("/endpoints/{endpoint_id}/redrive", endpoint_id=endpoint_id)
        return await self.call(Redriven, "POST", path, body=redrive, key=key)

    async def list_events(
        self, since: datetime | None, types: list[str], page: Page
    ) -> DistrictEventPage:
        """A page of the district's public events in the order they were relayed: from
        `since` if given, of these types if any are given."""
        params = {
            **page.params(),
            "since": since.isoformat() if since is not None else None,
            "types": types or None,  # the parameter repeated, one type each
        }
        return await self.call(DistrictEventPage, "GET", "/events", params=params)
