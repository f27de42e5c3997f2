"""The typed per-request context: who is calling, the upstream clients, the loaders, the hub."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from gateway.hub import Broadcast
from gateway.settings import GatewaySettings
from gateway.upstream import Upstreams
from services.auth import Principal, TokenVerifier, Unauthenticated


@dataclass(frozen=True)
class Caller:
    principal: Principal
    token: str


@dataclass
class Context(BaseContext):
    settings: GatewaySettings
    upstreams: Upstreams
    hub: Broadcast
    verifier: TokenVerifier
    caller_or_none: Caller | None = None
    lessons: DataLoader[str, dict[str, Any] | None] = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.lessons = DataLoader(load_fn=self._load_lessons)

    @property
    def caller(self) -> Caller:
        if self.caller_or_none is None:
            raise Unauthenticated("an Authorization: Bearer token is required")
        return self.caller_or_none

    def authenticate(self, authorization: str | None) -> None:
        """Accept `Bearer <token>`; raise Unauthenticated for anything else."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("an Authorization: Bearer token is required")
        self.caller_or_none = Caller(self.verifier.verify(token.strip()), token.strip())

    async def _load_lessons(self, ids: list[str]) -> list[dict[str, Any] | None]:
        from gateway.upstream import UpstreamFailure

        results: list[dict[str, Any] | None] = []
        for lesson_id in ids:
            try:
                results.append(
                    await self.upstreams.catalog.call(
                        "GET", f"/lessons/{lesson_id}", token=self.caller.token
                    )
                )
            except UpstreamFailure:
                results.append(None)
        return results


Info = StrawberryInfo[Context, None]
