"""The whole system as child processes: embedded broker and store (unless configured), the
three services, the integrations component and the gateway."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from devstack.infrastructure import start_broker, start_store
from devstack.processes import Processes, free_port, http_ok, uvicorn_app

# The processes the gateway calls, each by its app's module.
UPSTREAMS = {
    "catalog": "services.catalog.app",
    "scheduler": "services.scheduler.app",
    "feedback": "services.feedback.app",
    "integrations": "gateway.integrations.app",
}
APPS = (*UPSTREAMS, "gateway")  # the processes that answer /healthz
INFRASTRUCTURE = ("broker", "store")  # started by the launcher unless given by the environment
PROCESSES = (*INFRASTRUCTURE, *APPS)  # what an operator may stop and start

# The embedded broker holds one member per group, so short group timings cost nothing and
# let a restarted service rejoin in about a second.
EMBEDDED_KAFKA = {
    "KAFKA_ENABLE_IDEMPOTENCE": "false",
    "KAFKA_SESSION_TIMEOUT_MS": "3000",
    "KAFKA_HEARTBEAT_INTERVAL_MS": "1000",
    "KAFKA_REBALANCE_TIMEOUT_MS": "1000",
    # Consumers sleep until a publisher rings them (KAFKA_WAKE_DIR, set per stack below), so a
    # fetch's wait only matters for the few fetches after a ring (ADR 0019).
    "KAFKA_FETCH_MAX_WAIT_MS": "5",
    # The embedded broker keeps its log in memory: relays and the gateway look every 2 s for
    # their marker topic and, once it is gone, send or read again (ADR 0014); clients refresh
    # their view of the topics within 10 s of a restart; a send to a dead broker gives up in
    # 5 s. Each look costs idle CPU (ADR 0019).
    "KAFKA_WATCH_LOST_LOG_SECONDS": "2",
    "KAFKA_METADATA_MAX_AGE_MS": "10000",
    "KAFKA_REQUEST_TIMEOUT_MS": "5000",
    "KAFKA_TOPIC_PARTITIONS": "4",
}


EMBEDDED_MONGO = {"MONGODB_SERIALIZE_WRITES": "true"}

# One machine for development: webhooks may go to a receiver on it (ADR 0050).
DEVELOPMENT = {"INTEGRATIONS_ALLOW_PRIVATE_ADDRESSES": "true"}


@dataclass
class StackConfig:
    home: Path
    gateway_port: int = 8000
    dev_secret: str | None = None
    kafka_bootstrap: str | None = None  # None: start the embedded broker
    mongo_uri: str | None = None  # None: start the embedded store
    extra_env: dict[str, str] = field(default_factory=dict)
    # Gateway processes sharing its port, each with its own event feed, subscriptions and kept
    # answers. Tests use one, so that a second read meets the first one's kept answer.
    gateway_workers: int = 1

    @classmethod
    def from_env(cls, home: Path, gateway_port: int) -> StackConfig:
        return cls(
            home=home,
            gateway_port=gateway_port,
            dev_secret=os.environ.get("AUTH_DEV_SECRET"),
            kafka_bootstrap=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"),
            mongo_uri=os.environ.get("MONGODB_URI"),
            gateway_workers=int(
                os.environ.get("BOOKEND_GATEWAY_WORKERS", min(2, os.cpu_count() or 1))
            ),
        )


@dataclass(frozen=True)
class RunningStack:
    gateway_url: str
    service_urls: dict[str, str]
    kafka_bootstrap: str
    mongo_uri: str
    dev_secret: str


def dev_secret(home: Path) -> str:
    """The development signing secret, made once per checkout and kept under `.bookend/`."""
    path = home / "dev-secret"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def start_stack(processes: Processes, config: StackConfig) -> RunningStack:
    kafka = config.kafka_bootstrap or start_broker(processes)
    mongo = config.mongo_uri or start_store(processes, config.home / "mongo")
    secret = config.dev_secret or dev_secret(config.home)
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "MONGODB_URI": mongo,
        "AUTH_DEV_SECRET": secret,
        **({} if config.kafka_bootstrap else EMBEDDED_KAFKA | _wake_dir(config.home)),
        **({} if config.mongo_uri else EMBEDDED_MONGO),
        **DEVELOPMENT,
        **config.extra_env,
    }
    urls: dict[str, str] = {}
    for name, module in UPSTREAMS.items():
        port = free_port()
        urls[name] = f"http://127.0.0.1:{port}"
        env = common | {"KAFKA_CLIENT_ID": name}
        _start_app(processes, name, module, port, env)
    gateway_env = common | {
        "KAFKA_CLIENT_ID": "gateway",
        **{f"GATEWAY_{name.upper()}_URL": url for name, url in urls.items()},
    }
    _start_app(
        processes,
        "gateway",
        "gateway.app",
        config.gateway_port,
        gateway_env,
        workers=config.gateway_workers,
    )
    for child in processes.children:
        if child.name in APPS:
            url = urls.get(child.name, f"http://127.0.0.1:{config.gateway_port}")
            processes.wait_until(child, partial(http_ok, f"{url}/healthz"), timeout=90)
    return RunningStack(
        gateway_url=f"http://127.0.0.1:{config.gateway_port}/graphql",
        service_urls=urls,
        kafka_bootstrap=kafka,
        mongo_uri=mongo,
        dev_secret=secret,
    )


def _wake_dir(home: Path) -> dict[str, str]:
    """A new folder of wake-up ports for this stack: names left by a stack that was killed are
    ports nobody listens on."""
    folder = home / "wake"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, mode=0o700)
    return {"KAFKA_WAKE_DIR": str(folder)}


def _start_app(
    processes: Processes,
    name: str,
    module: str,
    port: int,
    env: dict[str, str],
    *,
    workers: int = 1,
) -> None:
    more = ("--workers", str(workers)) if workers > 1 else ()
    processes.start(name, uvicorn_app(f"{module}:create_app_from_env", port, *more), env)
