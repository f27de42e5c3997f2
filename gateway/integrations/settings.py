"""The integrations component's settings (env prefix `INTEGRATIONS_`)."""

from datetime import timedelta
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from bookend.hosting import ServiceSettings


class IntegrationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTEGRATIONS_", extra="ignore")

    database: str = "bookend_integrations"
    consumer_group: str = "bookend.integrations"
    # Webhook URLs on loopback, private or link-local addresses, and plain http, are refused
    # (ADR 0050); development turns this on to reach a receiver on the same machine.
    allow_private_addresses: bool = False
    # How long the district's log of public events is kept for replay, and how long finished
    # deliveries (and their attempts) stay in the delivery log.
    log_retention_days: float = Field(default=30, gt=0)
    # Seconds between the dispatcher's passes when nothing woke it.
    dispatch_poll_seconds: float = Field(default=1.0, gt=0)
    # Due deliveries claimed in one pass, and requests in flight at once (one per endpoint).
    dispatch_batch: int = Field(default=200, ge=1)
    dispatch_concurrency: int = Field(default=16, ge=1)
    # One attempt's time to answer; a slower receiver counts as a failure (timeout).
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # Seconds between attempts after the 1st, 2nd, … (comma-separated); unset, the schedule of
    # gateway/integrations/retries.py (exponential with jitter, three days in all).
    retry_schedule_seconds: Annotated[tuple[float, ...], NoDecode] = ()
    # A delivery still failing this long after its first attempt is dead-lettered.
    give_up_after_hours: float = Field(default=72, gt=0)
    # An endpoint failing this many attempts in a row, over at least this long, is disabled.
    disable_after_failures: int = Field(default=50, ge=1)
    disable_after_hours: float = Field(default=120, ge=0)
    # Caliper entities are IRIs under this (`<base>/districts/<district>/sessions/<id>`): the
    # deployment's public address (the default is a reserved, never-resolving name).
    caliper_base_iri: str = "https://bookend.invalid"
    # At most this many endpoints per district.
    max_endpoints: int = Field(default=20, ge=1)

    @field_validator("retry_schedule_seconds", mode="before")
    @classmethod
    def _schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(float(part) for part in value.split(",") if part.strip())
        return value

    @property
    def log_retention(self) -> timedelta:
        return timedelta(days=self.log_retention_days)
