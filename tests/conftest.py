"""Test harness: markers from the folder layout, and the real embedded broker and store.

The broker and store start once per test session, on free ports, only if a test asks for them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bookend.auth import AuthSettings
from bookend.contracts import ALL_TOPICS
from bookend.eventbus import KafkaPublisher, KafkaSettings, ensure_topics
from bookend.mongo import MongoSettings
from devstack.infrastructure import start_broker, start_store
from devstack.processes import Processes
from tests.support.auth import TEST_SECRET
from tests.support.running import Fresh

# The whole stack and GraphQL clients, for tests/e2e and tests/fuzz/e2e alike.
pytest_plugins = ("tests.support.stack",)

FAST_GROUPS = {
    "session_timeout_ms": 2000,
    "heartbeat_interval_ms": 300,
    "rebalance_timeout_ms": 500,
    "fetch_max_wait_ms": 20,
}


LAYERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the layer folder it lives in; `make test` runs the layers in turn."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        layers = [layer for layer in LAYERS if layer in parts]
        if not layers:
            raise pytest.UsageError(f"{item.nodeid} is not under a unit/integration/e2e folder")
        item.add_marker(getattr(pytest.mark, layers[0]))


@dataclass(frozen=True)
class Embedded:
    kafka_bootstrap: str
    mongo_uri: str
    processes: Processes


@pytest.fixture(scope="session")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Embedded]:
    root = tmp_path_factory.mktemp("embedded")
    processes = Processes(root / "logs")
    try:
        bootstrap = start_broker(processes)
        uri = start_store(processes, root / "mongo")
        yield Embedded(bootstrap, uri, processes)
    finally:
        processes.stop_all()


def embedded_kafka(embedded: Embedded) -> KafkaSettings:
    """Settings for the session's broker, with group timings short enough for tests."""
    return KafkaSettings(
        bootstrap_servers=embedded.kafka_bootstrap,
        retry_backoff_ms=10,
        topic_partitions=1,
        session_timeout_ms=FAST_GROUPS["session_timeout_ms"],
        heartbeat_interval_ms=FAST_GROUPS["heartbeat_interval_ms"],
        rebalance_timeout_ms=FAST_GROUPS["rebalance_timeout_ms"],
        fetch_max_wait_ms=FAST_GROUPS["fetch_max_wait_ms"],
    )


def embedded_mongo(embedded: Embedded) -> MongoSettings:
    return MongoSettings(uri=embedded.mongo_uri, serialize_writes=True)


def unique_name(prefix: str) -> str:
    """A unique name (database, consumer group) so tests sharing the embedded stack never meet."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def fresh_on(embedded: Embedded) -> Fresh:
    """What the `fresh` fixture gives, for fixtures that outlive one test (a module's app)."""
    return Fresh(
        embedded_kafka(embedded),
        embedded_mongo(embedded),
        AuthSettings(dev_secret=TEST_SECRET),
        unique_name,
    )


@pytest.fixture
def kafka_settings(embedded: Embedded) -> KafkaSettings:
    return embedded_kafka(embedded)


@pytest.fixture
def mongo_settings(embedded: Embedded) -> MongoSettings:
    return embedded_mongo(embedded)


@pytest.fixture
def unique() -> Callable[[str], str]:
    return unique_name


@pytest.fixture
def auth_settings() -> AuthSettings:
    return AuthSettings(dev_secret=TEST_SECRET)


@pytest.fixture
def fresh(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    auth_settings: AuthSettings,
    unique: Callable[[str], str],
) -> Fresh:
    return Fresh(kafka_settings, mongo_settings, auth_settings, unique)


@pytest.fixture
async def publisher(kafka_settings: KafkaSettings) -> AsyncIterator[KafkaPublisher]:
    """Publishes as another service would; every contract topic exists."""
    await ensure_topics(kafka_settings, ALL_TOPICS)
    publisher = KafkaPublisher(kafka_settings)
    await publisher.start()
    try:
        yield publisher
    finally:
        await publisher.stop()
