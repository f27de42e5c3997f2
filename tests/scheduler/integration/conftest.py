"""A fresh scheduler app per test, on its own database and consumer group; or one per module
for tests that only read or are refused, and so change nothing."""

from collections.abc import AsyncIterator

import pytest

from bookend.eventbus import KafkaPublisher
from tests.conftest import Embedded, fresh_on
from tests.scheduler.integration.harness import Scheduler, running_scheduler
from tests.support.running import Fresh


@pytest.fixture
async def fresh_scheduler(fresh: Fresh, publisher: KafkaPublisher) -> AsyncIterator[Scheduler]:
    async with running_scheduler(fresh, publisher) as app:
        yield app


@pytest.fixture(scope="module")
async def module_scheduler(embedded: Embedded) -> AsyncIterator[Scheduler]:
    """One app for a module's tests that change nothing (each refused test checks that it
    did): a module's roster and lessons are set up once, not once per test. An app start
    costs a second or more (a consumer group join on the embedded broker never takes less)."""
    fresh = fresh_on(embedded)
    publisher = KafkaPublisher(fresh.kafka)
    await publisher.start()
    try:
        async with running_scheduler(fresh, publisher) as app:
            yield app
    finally:
        await publisher.stop()
