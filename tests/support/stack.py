"""The whole stack as child processes on the session's embedded broker and store, and clients
of its GraphQL API: fixtures for every end-to-end test (tests/e2e, tests/fuzz/e2e), loaded by
the root conftest so the stack starts once per run, whichever folder asks for it first."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from bookend.auth import Role
from devstack.processes import Processes, free_port
from devstack.stack import (
    EMBEDDED_KAFKA,
    EMBEDDED_MONGO,
    RunningStack,
    StackConfig,
    start_stack,
)
from gateway.upstream import IDLE_CONNECTION_SECONDS
from tests.e2e.client import Client, ClientFor
from tests.support.auth import TEST_SECRET, token_for
from tests.support.launcher import UNSPENT_BUDGET

if TYPE_CHECKING:  # the root conftest loads this module: no import back at run time
    from tests.conftest import Embedded


@pytest.fixture(scope="session")
def stack_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the stack keeps its files: each process logs to `logs/<process>.log` in it."""
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def stack(embedded: Embedded, stack_home: Path) -> Iterator[RunningStack]:
    home = stack_home
    processes = Processes(home / "logs")
    config = StackConfig(
        home=home,
        gateway_port=free_port(),
        dev_secret=TEST_SECRET,
        kafka_bootstrap=embedded.kafka_bootstrap,
        mongo_uri=embedded.mongo_uri,
        extra_env=EMBEDDED_KAFKA
        | EMBEDDED_MONGO
        | {
            "CATALOG_DATABASE": "e2e_catalog",
            "SCHEDULER_DATABASE": "e2e_scheduler",
            "FEEDBACK_DATABASE": "e2e_feedback",
            "INTEGRATIONS_DATABASE": "e2e_integrations",
            # Webhook retries in seconds, not days: a receiver's outage and recovery, and a
            # dead letter, within a test (ADR 0050).
            "INTEGRATIONS_RETRY_SCHEDULE_SECONDS": "0.5,1,1.5,2",
            "INTEGRATIONS_GIVE_UP_AFTER_HOURS": "0.01",
            "INTEGRATIONS_DISPATCH_POLL_SECONDS": "0.2",
        }
        | UNSPENT_BUDGET,
    )
    try:
        yield start_stack(processes, config)
    finally:
        processes.stop_all()


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # Idle connections dropped before the gateway's uvicorn closes them (see gateway/upstream.py).
    limits = httpx.Limits(keepalive_expiry=IDLE_CONNECTION_SECONDS)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        yield client


def clients(http: httpx.AsyncClient, url: str, secret: str = TEST_SECRET) -> ClientFor:
    """Makes GraphQL clients of the gateway at `url` whose tokens `secret` signs."""

    def make(
        subject: str,
        *roles: Role,
        district: str = "district-1",
        sections: frozenset[str] = frozenset(),
        children: frozenset[str] = frozenset(),
        zone: str = "UTC",
    ) -> Client:
        token = token_for(
            subject,
            *roles,
            district=district,
            sections=sections,
            children=children,
            zone=zone,
            secret=secret,
        )
        return Client(http, url, token)

    return make


@pytest.fixture(scope="session")
def client_for(stack: RunningStack, http: httpx.AsyncClient) -> ClientFor:
    return clients(http, stack.gateway_url)
