"""When a webhook delivery is tried again, when it is given up, and when an endpoint is disabled."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Outcome = Literal["delivered", "gone", "failed"]

# Delays after the 1st, 2nd, … failed attempt: quick at first for a blip, then hours apart for
# a receiver that is down. They add up to 71 h 35 min 5 s, just under three days; jitter may
# push the last one past `give_up_after`, and then the delivery is given up instead.
DEFAULT_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with jitter, bounded by a time from the first attempt (ADR 0050)."""

    schedule: tuple[timedelta, ...] = DEFAULT_SCHEDULE
    # Each delay is moved by up to ± this fraction, so the deliveries that failed together
    # while a receiver was down do not all come back at the same instant.
    jitter: float = 0.2
    give_up_after: timedelta = timedelta(days=3)

    def __post_init__(self) -> None:
        if any(delay < timedelta(0) for delay in self.schedule):
            raise ValueError("a retry delay cannot be negative")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter is a fraction from 0 up to (not including) 1")
        if self.give_up_after <= timedelta(0):
            raise ValueError("give_up_after must be positive")

    def next_attempt(
        self, attempts_made: int, first_attempt_at: datetime, now: datetime, rng: random.Random
    ) -> datetime | None:
        """When to try again after `attempts_made` failed attempts, the last ending at `now`;
        None when the delivery is to be given up (dead-lettered)."""
        if attempts_made < 1:
            raise ValueError("the first attempt is made at once; ask after it failed")
        if attempts_made > len(self.schedule):
            return None
        delay = self.schedule[attempts_made - 1]
        at = now + delay * (1 + rng.uniform(-self.jitter, self.jitter))
        if at > first_attempt_at + self.give_up_after:
            return None
        return at


@dataclass(frozen=True, slots=True)
class DisablePolicy:
    """When an endpoint that keeps failing is disabled: after many failures in a row that have
    gone on for days. Both are needed: a burst of events to a receiver down for an hour makes
    many failures quickly, and a quiet endpoint fails rarely however long it is down."""

    after_failures: int = 50
    lasting: timedelta = timedelta(days=5)

    def should_disable(
        self, streak: int, streak_started_at: datetime | None, now: datetime
    ) -> bool:
        """Whether a run of `streak` failed attempts, the first at `streak_started_at`, is
        enough to disable the endpoint at `now`."""
        if streak_started_at is None:
            return False
        return streak >= self.after_failures and now - streak_started_at >= self.lasting


def outcome_of(status_code: int | None) -> Outcome:
    """How an attempt went, by the receiver's status (None: no answer, e.g. a timeout).

    - 2xx: delivered.
    - 410 Gone: the receiver says the endpoint is no more; it is disabled at once.
    - anything else fails and is retried: 408, 429 and 5xx are temporary by definition; other
      4xx are retried too, because a receiver is often misconfigured only for a while (a 401
      while its verification secret is being changed, a 404 during a deployment), and the
      disable policy stops an endpoint that stays that way. 3xx fails as well: redirects are
      not followed, since the target could be an address that was never checked.
    """
    if status_code is None:
        return "failed"
    if 200 <= status_code < 300:
        return "delivered"
    if status_code == 410:
        return "gone"
    return "failed"


def reason_of(status_code: int | None) -> str | None:
    """Why an attempt with this answer did not deliver, for the delivery's log; None if it did."""
    if status_code is None:
        return "no answer (connection failed or timed out)"
    if 200 <= status_code < 300:
        return None
    if status_code == 410:
        return "HTTP 410: the receiver says this endpoint is gone"
    if 300 <= status_code < 400:
        return f"HTTP {status_code}: redirects are not followed"
    return f"HTTP {status_code}"
