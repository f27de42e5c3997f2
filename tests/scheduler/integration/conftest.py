"""A fresh scheduler app per test, on its own database and consumer group."""

from collections.abc import AsyncIterator

import pytest

from bookend.eventbus import KafkaPublisher
from tests.scheduler.integration.harness import Scheduler, running_scheduler
from tests.support.running import Fresh


@pytest.fixture
async def fresh_scheduler(fresh: Fresh, publisher: KafkaPublisher) -> AsyncIterator[Scheduler]:
    async with running_scheduler(fresh, publisher) as app:
        yield app
