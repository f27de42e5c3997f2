"""A gateway started while the broker is away answers at once, says it is not ready, and joins
the broker once it answers (ADR 0041). The broker is the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bookend.auth import AuthSettings, Role
from bookend.eventbus import KafkaSettings
from gateway.app import create_app
from gateway.settings import GatewaySettings
from tests.support.auth import TEST_SECRET, bearer
from tests.support.global_ids import gid
from tests.support.own import OwnBroker, own_broker
from tests.support.polling import eventually
from tests.support.running import running


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[OwnBroker]:
    with own_broker(tmp_path / "logs") as started:
        yield started


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_gateway_started_while_the_broker_is_away_answers_and_joins_it_later(
    broker: OwnBroker, kafka_settings: KafkaSettings
) -> None:
    broker.kill()
    kafka = kafka_settings.model_copy(update={"bootstrap_servers": broker.bootstrap})
    app = create_app(GatewaySettings(), kafka=kafka, auth=AuthSettings(dev_secret=TEST_SECRET))
    async with running(app, "gateway") as http:
        viewer = await http.post(
            "/graphql",
            json={"query": "{ viewer { id } }"},
            headers=bearer("student-1", Role.STUDENT),
        )
        assert viewer.json()["data"] == {"viewer": {"id": gid("Person", "student-1")}}
        away = await http.get("/readyz")
        assert away.status_code == 503, away.text

        broker.start()

        async def ready() -> dict[str, Any] | None:
            body: dict[str, Any] = (await http.get("/readyz")).json()
            return body if body["ready"] else None

        assert (await eventually(ready))["reasons"] == []
