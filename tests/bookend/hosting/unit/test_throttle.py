"""A throttle lets each key through at its rate, in bursts, forgetting the least recent keys."""

from bookend.hosting.limits import Throttle


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_burst_then_waits_for_its_rate() -> None:
    ticks = Ticks()
    throttle = Throttle(rate=0.5, burst=3, clock=ticks)
    assert [throttle.wait("link-1") for _ in range(3)] == [0, 0, 0]
    assert throttle.wait("link-1") == 2.0  # one use every two seconds
    ticks.now = 2.0
    assert throttle.wait("link-1") == 0
    assert throttle.wait("link-1") > 0


def test_keys_are_throttled_apart() -> None:
    throttle = Throttle(rate=1, burst=1, clock=Ticks())
    assert (throttle.wait("a"), throttle.wait("b")) == (0, 0)
    assert throttle.wait("a") > 0


def test_a_refused_use_does_not_count() -> None:
    ticks = Ticks()
    throttle = Throttle(rate=1, burst=1, clock=ticks)
    throttle.wait("a")
    for _ in range(100):
        throttle.wait("a")  # a hammering client earns no longer wait than its rate's
    ticks.now = 1.0
    assert throttle.wait("a") == 0


def test_memory_is_bounded_by_forgetting_the_keys_used_longest_ago() -> None:
    throttle = Throttle(rate=1, burst=1, max_keys=2, clock=Ticks())
    for key in ("a", "b", "c"):
        throttle.wait(key)
    assert throttle.wait("a") == 0  # forgotten, so a fresh bucket
    assert throttle.wait("c") > 0


def test_a_costly_use_takes_its_cost_and_waits_until_the_bucket_holds_it() -> None:
    ticks = Ticks()
    throttle = Throttle(rate=10, burst=100, clock=ticks)
    assert throttle.spend("token-1", 70) == (0, 30)
    assert throttle.spend("token-1", 50) == (2.0, 30)  # 20 more, at 10 a second; none taken
    ticks.now = 2.0
    assert throttle.spend("token-1", 50) == (0, 0)


def test_a_use_costing_more_than_the_burst_never_gets_through() -> None:
    throttle = Throttle(rate=10, burst=100, clock=Ticks())
    assert throttle.spend("token-1", 101).wait == float("inf")
    assert throttle.spend("token-1", 100) == (0, 0)  # and it took nothing
