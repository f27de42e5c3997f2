"""Joining the broker in the background: each step is tried again while the broker is away,
and a fault of ours is not (ADR 0041)."""

from __future__ import annotations

import pytest
from aiokafka.errors import KafkaConnectionError

from bookend.eventbus import Joining, once_it_answers
from tests.support.polling import eventually


class Step:
    """Fails as a broker away would, `failures` times, then succeeds."""

    def __init__(self, failures: int, fault: Exception | None = None) -> None:
        self.failures, self.fault, self.tries = failures, fault, 0

    async def __call__(self) -> None:
        self.tries += 1
        if self.fault is not None:
            raise self.fault
        if self.tries <= self.failures:
            raise KafkaConnectionError("Unable to bootstrap")


async def test_a_step_is_tried_again_until_the_broker_answers() -> None:
    step = Step(failures=3)
    await once_it_answers(step, "a step", every=0)
    assert step.tries == 4


async def test_a_fault_of_ours_is_raised_at_once() -> None:
    step = Step(failures=0, fault=ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        await once_it_answers(step, "a step", every=0)
    assert step.tries == 1


async def test_joining_takes_its_steps_in_order_and_says_joined_once_all_succeeded() -> None:
    first, second = Step(failures=2), Step(failures=0)
    joining = Joining("a test", first, second, every=0)
    await joining.settled()  # the first step had to wait: not joined yet
    assert not joining.joined and second.tries == 0
    await eventually(lambda: joining.joined)
    assert (first.tries, second.tries) == (3, 1)
    await joining.stop()


async def test_joining_with_the_broker_at_hand_settles_only_once_joined() -> None:
    joining = Joining("a test", Step(failures=0), Step(failures=0))
    await joining.settled()
    assert joining.joined
    await joining.stop()


async def test_a_fault_of_ours_ends_joining_unjoined() -> None:
    joining = Joining("a test", Step(failures=0, fault=ValueError("a bug")))
    await joining.settled()
    assert not joining.joined
    await joining.stop()
