"""The settings every service has; each service derives its own with its env prefix."""

from pydantic_settings import BaseSettings


class ServiceSettings(BaseSettings):
    # Each service names its own database and consumer group in its subclass.
    database: str
    consumer_group: str
    # Seconds between outbox passes when no commit wakes the relay.
    relay_poll_interval: float = 1.0
    # A request body over this is refused with 413 before it is parsed.
    max_body_bytes: int = 1_048_576
    # /readyz says no while the oldest unsent event has waited longer than this.
    ready_max_outbox_age_seconds: float = 30.0
    # Every request's store work ends within this (transaction retries included): inside the
    # gateway's upstream timeout, so nothing is still writing when a client retries.
    request_budget_seconds: float = 8.0
