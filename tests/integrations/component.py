"""Driving the integrations component over its HTTP API in tests (ADR 0050)."""

from __future__ import annotations

from typing import Any

from bookend.auth import Role
from gateway.integrations.settings import IntegrationsSettings
from tests.support.auth import token_for
from tests.support.running import Fresh, Served


def settings(fresh: Fresh, **more: Any) -> IntegrationsSettings:
    chosen: dict[str, Any] = {
        "database": fresh.unique("integrations"),
        "consumer_group": fresh.unique("integrations.group"),
        "relay_poll_interval": 0.1,
        "allow_private_addresses": True,  # the receiver is on loopback
        "retry_schedule_seconds": (0.3, 0.5, 0.8),
        "give_up_after_hours": 0.01,
        "dispatch_poll_seconds": 0.1,
    }
    return IntegrationsSettings(**(chosen | more))


def manager(district: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token_for('integration-1', Role.INTEGRATION, district=district)}"
    }


async def register(served: Served, district: str, url: str, **more: Any) -> tuple[str, str]:
    response = await served.http.post(
        "/endpoints", json={"url": url, **more}, headers=manager(district)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["endpoint"]["id"], body["secret"]["secret"]


async def deliveries(served: Served, district: str, endpoint: str) -> list[dict[str, Any]]:
    response = await served.http.get(
        f"/endpoints/{endpoint}/deliveries", params={"first": 100}, headers=manager(district)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
