"""A fresh scheduler app per test, on its own database and consumer group."""

from collections.abc import AsyncIterator, Callable

import pytest

from bookend.auth import AuthSettings
from bookend.eventbus import KafkaSettings
from bookend.mongo import MongoSettings
from tests.scheduler.integration.harness import Scheduler, running_scheduler


@pytest.fixture
async def fresh_scheduler(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    auth_settings: AuthSettings,
    unique: Callable[[str], str],
) -> AsyncIterator[Scheduler]:
    async with running_scheduler(kafka_settings, mongo_settings, auth_settings, unique) as app:
        yield app
