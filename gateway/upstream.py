"""The HTTP transport to the services: one pooled client per service, the caller's token
forwarded, and every answer read into the service's published HTTP contract model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from bookend.problems import Problem

M = TypeVar("M", bound=BaseModel)

# Query parameters as the clients state them; a None is left out of the request.
Params = Mapping[str, str | int | None]


class UpstreamFailure(Exception):
    """A service refused the request with a problem body (4xx): an expected failure."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class UpstreamUnavailable(Exception):
    """A service failed (5xx), could not be reached, or answered outside its contract; masked."""


class Upstream:
    def __init__(
        self,
        name: str,
        base_url: str,
        timeout: float,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            transport=transport,
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def call(
        self,
        answer: type[M],
        method: str,
        path: str,
        *,
        token: str,
        body: BaseModel | None = None,
        params: Params | None = None,
    ) -> M:
        """Send one request as the caller; return the answer parsed as `answer`.

        Raise UpstreamFailure with the service's problem when it refuses (4xx), and
        UpstreamUnavailable when it fails, cannot be reached or breaks its contract.
        """
        try:
            response = await self._client.request(
                method,
                path,
                json=body.model_dump(mode="json") if body is not None else None,
                params=_present(params),
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as failure:
            raise UpstreamUnavailable(f"{self.name}: {failure!r}") from failure
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{self.name} answered {response.status_code}")
        if response.status_code >= 400:
            raise UpstreamFailure(self._read(Problem, response))
        return self._read(answer, response)

    def _read(self, model: type[M], response: httpx.Response) -> M:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as broken:
            raise UpstreamUnavailable(
                f"{self.name} answered {response.status_code} outside its contract "
                f"({model.__name__}): {broken}"
            ) from None


def _present(params: Params | None) -> dict[str, str | int] | None:
    if params is None:
        return None
    return {key: value for key, value in params.items() if value is not None}
