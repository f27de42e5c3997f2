"""Gateway settings (env prefix `GATEWAY_`)."""

from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from strawberry.http.websocket_origin import normalize_origin


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    catalog_url: str = "http://127.0.0.1:8001"
    scheduler_url: str = "http://127.0.0.1:8002"
    feedback_url: str = "http://127.0.0.1:8003"
    # The integrations component (ADR 0050): webhooks and the district's event log.
    integrations_url: str = "http://127.0.0.1:8004"
    # The address families' calendar apps reach the gateway at (`https://api.district.org`):
    # calendar links are made under it. Unset, a link is made under the address the request
    # that made it came to (the gateway's own, in the embedded stack).
    public_url: str | None = None
    # Production turns GraphiQL and introspection off.
    environment: Literal["development", "production"] = "development"
    # Origins of third-party web front ends that may call the API from a browser (CORS) and
    # open its WebSocket, comma-separated (`https://app.district.org,https://x.example`).
    # None by default: only same-origin pages and clients that are not browsers.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    upstream_timeout_seconds: float = 10.0
    max_query_depth: int = 10
    max_aliases: int = 15
    # Fields in a document once its fragments are expanded: a few fragments can otherwise
    # stand for millions of fields, and validation grows with their square.
    max_fields: int = 500
    # Validation grows with the square of a document's size: 1,000 tokens cost ~0.3 s at worst.
    max_tokens: int = 1000
    # A subscriber that falls this many events behind is disconnected rather than buffered.
    subscriber_queue_size: int = 256
    # A request body over this is refused with 413 before it is parsed.
    max_body_bytes: int = 262_144
    # Feed answers kept in memory until the feed changes (ADR 0017): how many (0: none), and
    # for how long at most, in case an event that would have said so never arrives.
    response_cache_entries: int = 10_000
    response_cache_seconds: float = 300.0
    # Trusted documents (ADR 0043): a JSON manifest, `{"sha256:<hex>": "<document>"}`, of the
    # documents first-party apps send (by id or in full), read at start-up; and whether every
    # other document is refused (it needs the manifest).
    trusted_documents: Path | None = None
    only_trusted_documents: bool = False
    # Each token's budget of cost points (ADR 0043): refilled this many a minute (0: no
    # limit), holding at most `cost_burst`, which is also the most one request may cost. An
    # unpaged list of objects counts as `cost_list_items` items.
    cost_per_minute: int = Field(default=20_000, ge=0)
    cost_burst: int = Field(default=10_000, ge=1)
    cost_list_items: int = Field(default=10, ge=1)

    @field_validator("trusted_documents", mode="before")
    @classmethod
    def _no_manifest(cls, value: object) -> object:
        """Empty, as a deployment leaves a setting it does not use, is no manifest."""
        return None if value == "" else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> tuple[str, ...]:
        """Each as a browser sends it in `Origin` (lowercase, no default port), so it matches
        exactly; anything else is refused at start-up, "*" too: the list is the point."""
        parts = value.split(",") if isinstance(value, str) else value
        if not isinstance(parts, list | tuple):
            raise ValueError("a comma-separated list of origins")
        origins = []
        for part in (str(p).strip() for p in parts):
            if not part:
                continue
            pieces = urlsplit(part)
            origin = normalize_origin(part)
            if (
                origin is None
                or pieces.scheme.lower() not in ("http", "https")
                or pieces.path not in ("", "/")
                or pieces.query
                or pieces.fragment
                or pieces.username
            ):
                raise ValueError(
                    f"{part!r} is not an origin like https://app.district.org "
                    "(scheme, host and optional port; no path)"
                )
            origins.append(origin)
        return tuple(origins)

    @model_validator(mode="after")
    def _trusted(self) -> Self:
        if self.only_trusted_documents and self.trusted_documents is None:
            raise ValueError(
                "only_trusted_documents needs trusted_documents: the manifest of the documents "
                "to accept (GATEWAY_TRUSTED_DOCUMENTS)"
            )
        return self
