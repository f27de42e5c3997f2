"""Kafka connection settings, shared by every producer and consumer (env prefix `KAFKA_`)."""

from pathlib import Path
from typing import Any, Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "bookend"
    # The embedded broker (Tansu) rejects idempotent producers; production turns this on.
    enable_idempotence: bool = False
    acks: Literal["all", "1", "0"] = "all"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    # Topic creation at start-up suits the embedded broker; production declares topics (Strimzi).
    # The embedded stack asks for as many partitions as the embedded broker gives a topic it
    # creates by itself (4), so a topic looks the same whoever creates it after a restart.
    create_topics: bool = True
    topic_partitions: int = 3
    replication_factor: int = 1
    # A failing record is tried this many times before it goes to the dead-letter topic.
    max_attempts: int = 3
    retry_backoff_ms: int = 200
    # Group membership timings. A broker waits up to the rebalance timeout for members to join
    # and the session timeout for a vanished member; the embedded stack and tests shorten both
    # so a restarted consumer is back in about a second.
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000
    rebalance_timeout_ms: int = 30_000
    # How long a fetch may wait for data. Apache Kafka answers as soon as data arrives; the
    # embedded broker holds a fetch for about half of this, so the embedded stack lowers it.
    fetch_max_wait_ms: int = 500
    # A folder where consumers wait to be rung and publishers ring them after a send, so that
    # consumers fetch only when there is something to read (ADR 0019). For the embedded broker,
    # whose fetches do not end when data arrives; production leaves it unset and long-polls.
    wake_dir: Path | None = None
    # With a wake folder, a sleeping consumer looks anyway this often, for records from clients
    # that do not ring (tools, tests) and rings that were lost.
    wake_look_anyway_seconds: float = 5.0
    # How often each outbox relay and gateway looks for its marker topic (0: never, as Apache
    # Kafka keeps its log). The embedded broker keeps its log in memory; once it restarts, the
    # relays send again what they had sent, the consumers read again from the start and their
    # inboxes skip what they had applied (ADR 0014).
    watch_lost_log_seconds: float = 0.0
    # How old a client's view of the topics may get: lower finds re-created topics sooner.
    metadata_max_age_ms: int = 300_000
    # How long a request to the broker may go unanswered; a send waiting on a broker that died
    # holds the relay that long.
    request_timeout_ms: int = 40_000

    def client_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "client_id": self.client_id,
            "security_protocol": self.security_protocol,
            "metadata_max_age_ms": self.metadata_max_age_ms,
            "request_timeout_ms": self.request_timeout_ms,
        }
        if self.sasl_mechanism:
            options |= {
                "sasl_mechanism": self.sasl_mechanism,
                "sasl_plain_username": self.sasl_username,
                "sasl_plain_password": self.sasl_password,
            }
        return options
