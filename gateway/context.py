"""The typed per-request context: who is calling, the services as them, the loaders, the hub."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from bookend.auth import Principal, TokenVerifier, Unauthenticated
from bookend.clock import UTC_ZONE
from gateway.clients import Clients, Upstreams
from gateway.hub import Broadcast
from gateway.loaders import Loaders
from gateway.responses import Ticket
from gateway.settings import GatewaySettings


@dataclass(frozen=True)
class Caller:
    principal: Principal
    token: str
    expires_at: datetime  # a subscription ends when its token does


@dataclass
class Context(BaseContext):
    settings: GatewaySettings
    upstreams: Upstreams
    hub: Broadcast
    verifier: TokenVerifier
    caller_or_none: Caller | None = None
    # A feed read whose answer the response cache may keep: the resolver says what it read.
    ticket: Ticket | None = None

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def caller(self) -> Caller:
        if self.caller_or_none is None:
            raise Unauthenticated("an Authorization: Bearer token is required")
        return self.caller_or_none

    async def authenticate(self, authorization: str | None) -> None:
        """Accept `Bearer <token>`; raise Unauthenticated for anything else."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("an Authorization: Bearer token is required")
        verified = await self.verifier.averified(token.strip())
        self.caller_or_none = Caller(verified.principal, token.strip(), verified.expires_at)

    @property
    def zone(self) -> ZoneInfo:
        """The zone the caller reads instants in: their token's, else UTC (ADR 0045)."""
        return UTC_ZONE if self.caller_or_none is None else self.caller_or_none.principal.zone

    @cached_property
    def audience(self) -> Principal:
        """The caller's claims without their subject: what they may see depends on these alone,
        so subscription events are resolved and executed once per audience (ADR 0018). Their
        zone is one of the claims: subscribers in two zones never share a frame (ADR 0045)."""
        return replace(self.caller.principal, subject="")

    # Both built on first use, once the caller is known: they read with the caller's rights.
    @cached_property
    def clients(self) -> Clients:
        return self.upstreams.as_caller(self.caller.token)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders.for_caller(self.clients)


Info = StrawberryInfo[Context, None]
