"""The typed per-request context: who is calling, the upstream clients, the loaders, the hub."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from gateway.hub import Broadcast
from gateway.settings import GatewaySettings
from gateway.upstream import UpstreamFailure, Upstreams
from bookend.auth import Principal, TokenVerifier, Unauthenticated


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
        # The catalog has no batch read yet: one request per distinct id, all at once.
        return list(await asyncio.gather(*(self._load_lesson(lesson_id) for lesson_id in ids)))

    async def _load_lesson(self, lesson_id: str) -> dict[str, Any] | None:
        try:
            lesson: dict[str, Any] = await self.upstreams.catalog.call(
                "GET", f"/lessons/{lesson_id}", token=self.caller.token
            )
        except UpstreamFailure:
            return None  # not found, or not visible to this caller
        return lesson


Info = StrawberryInfo[Context, None]
