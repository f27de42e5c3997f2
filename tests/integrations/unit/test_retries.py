"""Retry timing, giving up, disabling, and how an answer is classified."""

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from gateway.integrations.retries import (
    DEFAULT_SCHEDULE,
    DisablePolicy,
    RetryPolicy,
    outcome_of,
    reason_of,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def attempt_times(policy: RetryPolicy, rng: random.Random) -> list[datetime]:
    """When each attempt of a delivery that always fails is made, until it is given up."""
    times = [START]
    while (at := policy.next_attempt(len(times), START, times[-1], rng)) is not None:
        times.append(at)
    return times


def test_the_default_schedule_adds_up_to_just_under_three_days() -> None:
    assert sum(DEFAULT_SCHEDULE, timedelta(0)) == timedelta(hours=71, minutes=35, seconds=5)


def test_the_delays_grow_from_seconds_to_hours() -> None:
    times = attempt_times(RetryPolicy(jitter=0), random.Random(1))
    delays = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert delays == list(DEFAULT_SCHEDULE)
    assert all(a <= b for a, b in itertools.pairwise(delays))


@pytest.mark.parametrize("seed", range(20))
def test_jitter_keeps_each_delay_within_a_fifth_of_the_schedule(seed: int) -> None:
    policy = RetryPolicy()
    rng = random.Random(seed)
    for attempts, delay in enumerate(DEFAULT_SCHEDULE[:5], start=1):
        at = policy.next_attempt(attempts, START, START, rng)
        assert at is not None
        assert delay * 0.8 <= at - START <= delay * 1.2


def test_jitter_spreads_deliveries_that_failed_together() -> None:
    policy, rng = RetryPolicy(), random.Random(7)
    times = {policy.next_attempt(3, START, START, rng) for _ in range(10)}
    assert len(times) == 10


@pytest.mark.parametrize("seed", range(20))
def test_a_failing_delivery_is_given_up_within_three_days(seed: int) -> None:
    times = attempt_times(RetryPolicy(), random.Random(seed))
    assert times[-1] <= START + timedelta(days=3)
    assert 2 <= len(times) <= len(DEFAULT_SCHEDULE) + 1


def test_without_jitter_every_step_of_the_default_schedule_is_tried() -> None:
    assert len(attempt_times(RetryPolicy(jitter=0), random.Random(1))) == 10


def test_the_schedule_exhausted_means_give_up() -> None:
    policy = RetryPolicy(schedule=(timedelta(seconds=1),), give_up_after=timedelta(days=1))
    assert policy.next_attempt(1, START, START, random.Random(1)) is not None
    assert policy.next_attempt(2, START, START, random.Random(1)) is None


def test_a_short_schedule_for_tests_of_the_whole_system_works() -> None:
    policy = RetryPolicy(
        schedule=(timedelta(seconds=1), timedelta(seconds=1), timedelta(seconds=2)),
        give_up_after=timedelta(seconds=10),
    )
    times = attempt_times(policy, random.Random(3))
    assert len(times) == 4
    assert times[-1] - START < timedelta(seconds=10)


def test_the_next_time_past_give_up_after_means_give_up() -> None:
    policy = RetryPolicy(schedule=(timedelta(hours=1),) * 5, give_up_after=timedelta(hours=2))
    rng = random.Random(1)
    assert policy.next_attempt(1, START, START + timedelta(minutes=30), rng) is not None
    assert policy.next_attempt(2, START, START + timedelta(hours=1, minutes=30), rng) is None


def test_asking_before_any_attempt_or_with_a_bad_policy_is_an_error() -> None:
    with pytest.raises(ValueError, match="first attempt"):
        RetryPolicy().next_attempt(0, START, START, random.Random(1))
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=1.5)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(schedule=(timedelta(seconds=-1),))


def test_an_endpoint_is_disabled_only_after_many_failures_lasting_days() -> None:
    policy = DisablePolicy()
    five_days_later = START + timedelta(days=5)
    assert policy.should_disable(50, START, five_days_later)
    assert not policy.should_disable(49, START, five_days_later)
    assert not policy.should_disable(500, START, five_days_later - timedelta(seconds=1))
    assert not policy.should_disable(50, None, five_days_later)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "delivered"),
        (204, "delivered"),
        (299, "delivered"),
        (410, "gone"),
        (None, "failed"),
        (408, "failed"),
        (429, "failed"),
        (500, "failed"),
        (503, "failed"),
        (400, "failed"),
        (401, "failed"),
        (404, "failed"),
        (301, "failed"),
        (302, "failed"),
        (307, "failed"),
    ],
)
def test_an_answer_is_classified_by_its_status(status: int | None, outcome: str) -> None:
    assert outcome_of(status) == outcome


def test_the_reason_of_a_redirect_says_redirects_are_not_followed() -> None:
    assert reason_of(302) == "HTTP 302: redirects are not followed"
    assert reason_of(200) is None
    assert "no answer" in (reason_of(None) or "")
    assert reason_of(503) == "HTTP 503"
