"""The catalog app over HTTP, for its integration tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bookend.auth import Role
from tests.support.auth import bearer

TEACHER = bearer("teacher-1", Role.TEACHER)


@dataclass
class Catalog:
    http: httpx.AsyncClient

    async def create(self, body: dict[str, Any], headers: dict[str, str] = TEACHER) -> Any:
        return await self.ok("POST", "/lessons", headers, json=body)

    async def ok(self, method: str, url: str, headers: dict[str, str], **kw: Any) -> Any:
        """The JSON of a request that must succeed (200 or 201)."""
        response = await self.http.request(method, url, headers=headers, **kw)
        assert response.status_code in (200, 201), response.text
        return response.json()
