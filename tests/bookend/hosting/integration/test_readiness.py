"""/readyz tells honestly: false with the reason while the broker is away, true once it is back;
a service started while the broker is away serves meanwhile and joins it once it answers.

The broker here is the test's own, so stopping it troubles no other test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bookend.contracts.catalog import LessonPublished
from bookend.contracts.registry import spec_for
from devstack.infrastructure import start_broker
from devstack.processes import Processes
from services.catalog.app import create_app as catalog_app
from services.catalog.settings import CatalogSettings
from services.feedback.app import create_app
from services.feedback.settings import FeedbackSettings
from tests.bookend.outbox.integration.test_broker_restart import publish_lessons
from tests.support.own import OwnBroker
from tests.support.polling import eventually
from tests.support.running import Fresh, watching


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[tuple[Processes, str]]:
    processes = Processes(tmp_path / "logs")
    try:
        yield processes, start_broker(processes)
    finally:
        processes.stop_all()


# aiokafka leaves a connection's read task failed when the broker dies under it: its noise,
# not ours, and the very fault this test makes.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_readiness_turns_false_with_the_reason_while_the_broker_is_away(
    fresh: Fresh, own_broker: tuple[Processes, str], unique: Callable[[str], str]
) -> None:
    processes, address = own_broker
    kafka = fresh.kafka.model_copy(update={"bootstrap_servers": address})
    isolated = Fresh(kafka, fresh.mongo, fresh.auth, unique)
    settings = isolated.settings(FeedbackSettings, "feedback")
    async with isolated.serve(create_app, settings, "feedback") as it:

        async def readiness() -> dict[str, Any]:
            response: httpx.Response = await it.http.get("/readyz")
            body: dict[str, Any] = response.json()
            assert response.status_code == (200 if body["ready"] else 503)
            return body

        assert (await eventually(lambda: _when(readiness, ready=True)))["reasons"] == []
        [broker] = [child for child in processes.children if child.name == "broker"]
        broker.process.kill()
        away = await eventually(lambda: _when(readiness, ready=False), seconds=20)
        assert any("broker" in reason for reason in away["reasons"]), away
        assert not any("store" in reason for reason in away["reasons"]), away
        # Writes that need no broker are still taken: the outbox keeps the events.
        health = await it.http.get("/healthz")
        assert health.status_code == 200


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_service_started_while_the_broker_is_away_takes_writes_and_joins_it_later(
    fresh: Fresh, own_broker: tuple[Processes, str], unique: Callable[[str], str]
) -> None:
    processes, address = own_broker
    broker = OwnBroker(processes, int(address.rsplit(":", 1)[1]))
    broker.kill()
    kafka = fresh.kafka.model_copy(update={"bootstrap_servers": address})
    isolated = Fresh(kafka, fresh.mongo, fresh.auth, unique)
    settings = isolated.settings(CatalogSettings, "catalog")
    async with isolated.serve(catalog_app, settings, "catalog") as it:
        # The writes need only the store: taken, their events kept in the outbox.
        lessons = await publish_lessons(it.http, 2)
        away = (await it.http.get("/readyz")).json()
        assert "the broker is not joined yet" in away["reasons"], away

        broker.start()
        topic = str(spec_for(LessonPublished).topic)
        async with watching(kafka, [topic], unique("watcher")) as received:

            def published() -> list[str] | None:
                found = [e.data["lesson_id"] for e in received]
                return found if set(lessons) <= set(found) else None

            await eventually(published)

        async def readiness() -> dict[str, Any]:
            body: dict[str, Any] = (await it.http.get("/readyz")).json()
            return body

        assert (await eventually(lambda: _when(readiness, ready=True)))["reasons"] == []


async def _when(read: Callable[[], Any], *, ready: bool) -> dict[str, Any] | None:
    body: dict[str, Any] = await read()
    return body if body["ready"] is ready else None
