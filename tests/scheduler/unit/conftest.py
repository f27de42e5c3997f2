"""The unit tests' clock and seeded in-memory store; a module adds what it needs on top."""

import pytest

from tests.scheduler.builders import NOW, seeded_store
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def store(clock: Clock) -> FakeScheduler:
    return await seeded_store(clock)
