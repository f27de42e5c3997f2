"""Calls to the services: one pooled HTTP client per upstream, the caller's token forwarded."""

from __future__ import annotations

from typing import Any

import httpx

from bookend.problems import Problem


class UpstreamFailure(Exception):
    """A service refused the request with a problem body (4xx)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class UpstreamUnavailable(Exception):
    """A service failed (5xx) or could not be reached; masked to clients."""


class Upstream:
    def __init__(self, name: str, base_url: str, timeout: float) -> None:
        self.name = name
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        try:
            response = await self._client.request(
                method, path, json=json, params=_drop_none(params),
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as failure:
            raise UpstreamUnavailable(f"{self.name}: {failure!r}") from failure
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{self.name} answered {response.status_code}")
        if response.status_code >= 400:
            raise UpstreamFailure(Problem.model_validate(response.json()))
        return response.json()


def _drop_none(params: dict[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    return {key: value for key, value in params.items() if value is not None}


class Upstreams:
    def __init__(self, catalog: Upstream, scheduler: Upstream, feedback: Upstream) -> None:
        self.catalog = catalog
        self.scheduler = scheduler
        self.feedback = feedback

    async def close(self) -> None:
        for upstream in (self.catalog, self.scheduler, self.feedback):
            await upstream.close()
