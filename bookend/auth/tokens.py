"""Issuing (development only) and verifying JWT bearer tokens (env prefix `AUTH_`)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jwt
from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bookend.auth.principal import Principal, Role
from bookend.clock import UTC_ZONE, iana_zone
from bookend.problems import Unauthenticated


class AuthSettings(BaseSettings):
    """Exactly one way to verify: a development secret (HS256) or a JWKS endpoint (RS256).

    There is no default secret: the embedded stack generates one under `.bookend/`.
    """

    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore")

    dev_secret: SecretStr | None = None
    jwks_url: str | None = None
    issuer: str = "bookend"
    audience: str = "bookend-api"
    leeway_seconds: int = 30

    @model_validator(mode="after")
    def _one_verification_method(self) -> AuthSettings:
        if (self.dev_secret is None) == (self.jwks_url is None):
            raise ValueError("set exactly one of AUTH_DEV_SECRET and AUTH_JWKS_URL")
        return self


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    principal: Principal
    expires_at: datetime


class TokenVerifier:
    # Tokens verified before, kept until they expire: a client sends the same token with every
    # request, and decoding it (with JWKS, in a worker thread) costs more than a cached read.
    REMEMBERED = 10_000

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwks_url) if settings.jwks_url else None
        self._verified: OrderedDict[str, VerifiedToken] = OrderedDict()

    def verify(self, token: str) -> Principal:
        return self.verified(token).principal

    async def averify(self, token: str) -> Principal:
        return (await self.averified(token)).principal

    async def averified(self, token: str) -> VerifiedToken:
        """`verified` for async callers: with JWKS, the key may have to be fetched over the
        network (PyJWKClient blocks), so it runs in a worker thread, not on the event loop."""
        known = self._verified.pop(token, None)
        if known is not None and datetime.now(UTC) < known.expires_at:
            self._verified[token] = known
            return known
        if self._jwks is None:
            verified = self.verified(token)
        else:
            verified = await asyncio.to_thread(self.verified, token)
        self._verified[token] = verified
        if len(self._verified) > self.REMEMBERED:
            self._verified.popitem(last=False)
        return verified

    def verified(self, token: str) -> VerifiedToken:
        """The principal and when the token stops being valid (a subscription ends then)."""
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256"]
            else:
                assert self._settings.dev_secret is not None
                key = self._settings.dev_secret.get_secret_value()
                algorithms = ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                leeway=self._settings.leeway_seconds,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
            expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
            return VerifiedToken(_principal(claims), expires_at)
        except Exception as bad:  # whatever the decoder says stays here, not in the answer
            raise Unauthenticated(_refusal(bad)) from None


def _refusal(bad: Exception) -> str:
    """A stable reason a client can act on; the decoder's own words may quote the token."""
    if isinstance(bad, jwt.ExpiredSignatureError):
        return "the bearer token has expired"
    if isinstance(bad, jwt.InvalidSignatureError):
        return "the bearer token's signature does not verify"
    if isinstance(bad, jwt.InvalidAudienceError):
        return "the bearer token is for another audience"
    if isinstance(bad, jwt.InvalidIssuerError):
        return "the bearer token is from another issuer"
    if isinstance(bad, jwt.MissingRequiredClaimError):
        return f"the bearer token lacks the {bad.claim} claim"
    if isinstance(bad, _ClaimRefused):
        return str(bad)
    return "the bearer token is not valid"


class _ClaimRefused(ValueError):
    """A claim our tokens must carry is missing, or a claim holds what we do not know; its
    message is safe to show."""


def _principal(claims: dict[str, Any]) -> Principal:
    district = claims.get("district")
    if not isinstance(district, str) or not district:
        raise _ClaimRefused("the bearer token lacks the district claim")
    try:
        roles = frozenset(Role(role) for role in claims.get("roles", []))
    except (ValueError, TypeError):
        raise _ClaimRefused("the bearer token names a role this API does not know") from None
    return Principal(
        subject=str(claims["sub"]),
        district=district,
        roles=roles,
        school=claims.get("school"),
        sections=frozenset(claims.get("sections", [])),
        children=frozenset(claims.get("children", [])),
        zone=_zone(claims.get("zoneinfo", UTC_ZONE.key)),
    )


def _zone(name: object) -> ZoneInfo:
    """The viewer's zone from OpenID Connect's standard `zoneinfo` claim (ADR 0045)."""
    zone = iana_zone(name) if isinstance(name, str) else None
    if zone is None:
        raise _ClaimRefused("the bearer token's zoneinfo claim is not an IANA time zone")
    return zone


def issue_token(
    secret: str,
    principal: Principal,
    *,
    issuer: str = "bookend",
    audience: str = "bookend-api",
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """Sign a development token; production tokens come from the district's identity provider."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": principal.subject,
        "district": principal.district,
        "roles": sorted(role.value for role in principal.roles),
        "sections": sorted(principal.sections),
        "children": sorted(principal.children),
        "zoneinfo": principal.zone.key,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl,
    }
    if principal.school:
        claims["school"] = principal.school
    return jwt.encode(claims, secret, algorithm="HS256")
