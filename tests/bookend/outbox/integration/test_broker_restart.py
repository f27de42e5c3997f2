"""The embedded broker keeps its log in memory. Killed and restarted mid-stream, it loses every
record and committed offset; the relays notice their marker topics are gone and send again what
they had sent, the consumers read the new log from its start, and their inboxes skip what they
had applied: every effect is present exactly once (ADR 0014).

The broker is this test's own, so killing it troubles no other test.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bookend.auth import Role
from bookend.mongo import connect
from bookend.outbox.inbox import INBOX
from services.catalog.app import create_app as catalog_app
from services.catalog.settings import CatalogSettings
from services.scheduler.app import create_app as scheduler_app
from services.scheduler.settings import SchedulerSettings
from tests.catalog.integration.test_catalog_api import LESSON
from tests.support.auth import bearer
from tests.support.own import OwnBroker, own_broker
from tests.support.polling import eventually
from tests.support.running import Fresh, Served

TEACHER = bearer("teacher-1", Role.TEACHER)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[OwnBroker]:
    with own_broker(tmp_path / "logs") as running:
        yield running


@dataclass
class Pair:
    catalog: Served
    scheduler: Served
    scheduler_database: str


@pytest.fixture
async def pair(
    fresh: Fresh, broker: OwnBroker, unique: Callable[[str], str]
) -> AsyncIterator[Pair]:
    kafka = fresh.kafka.model_copy(
        update={
            "bootstrap_servers": f"127.0.0.1:{broker.port}",
            "watch_lost_log_seconds": 0.5,
            "metadata_max_age_ms": 1000,
            "request_timeout_ms": 3000,
        }
    )
    isolated = Fresh(kafka, fresh.mongo, fresh.auth, unique)
    scheduler_settings = isolated.settings(SchedulerSettings, "scheduler")
    async with AsyncExitStack() as stack:
        catalog = await stack.enter_async_context(
            isolated.serve(catalog_app, isolated.settings(CatalogSettings, "catalog"), "catalog")
        )
        scheduler = await stack.enter_async_context(
            isolated.serve(scheduler_app, scheduler_settings, "scheduler")
        )
        yield Pair(catalog, scheduler, scheduler_settings.database)


async def publish_lessons(catalog: httpx.AsyncClient, count: int) -> list[str]:
    """Lessons written and published; every write is taken, broker or not."""
    ids: list[str] = []
    for n in range(count):
        created = await catalog.post("/lessons", json=LESSON | {"title": f"L{n}"}, headers=TEACHER)
        assert created.status_code == 201, created.text
        lesson_id = created.json()["id"]
        published = await catalog.post(f"/lessons/{lesson_id}/publish", headers=TEACHER)
        assert published.status_code == 200, published.text
        ids.append(lesson_id)
    return ids


async def ready(http: httpx.AsyncClient) -> dict[str, Any]:
    body: dict[str, Any] = (await http.get("/readyz")).json()
    return body


# aiokafka leaves a connection's read task failed when the broker dies under it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_after_a_broker_restart_every_lesson_is_learned_exactly_once(
    pair: Pair, broker: OwnBroker, fresh: Fresh
) -> None:
    before = await publish_lessons(pair.catalog.http, 8)
    broker.kill()
    during = await publish_lessons(pair.catalog.http, 8)

    async def broker_away() -> dict[str, Any] | None:
        body = await ready(pair.catalog.http)
        return body if any("broker" in reason for reason in body["reasons"]) else None

    await eventually(broker_away, seconds=20)
    broker.start()  # empty: the in-memory log is gone

    async def learned() -> list[str] | None:
        found = [
            lesson_id
            for lesson_id in before + during
            if (await pair.scheduler.http.get(f"/lessons/{lesson_id}", headers=TEACHER)).status_code
            == 200
        ]
        return found if len(found) == len(before + during) else None

    assert await eventually(learned, seconds=60) == before + during
    for served in (pair.catalog, pair.scheduler):
        await eventually(functools.partial(_ready, served.http), seconds=30)

    # Each published event was applied once: one inbox mark per event, whatever was re-sent.
    client = connect(fresh.mongo)
    try:
        marks = await client[pair.scheduler_database][INBOX].find({}).to_list()
    finally:
        await client.close()
    event_ids = [mark["event_id"] for mark in marks]
    assert len(event_ids) == len(set(event_ids)) == len(before + during)


async def _ready(http: httpx.AsyncClient) -> bool | None:
    return True if (await ready(http))["ready"] else None
