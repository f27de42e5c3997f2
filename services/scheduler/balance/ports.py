"""What balance policies and plan reports need from storage, so unit tests can use in-memory
fakes. Measuring a change reads what the sessions and the feed already keep: a section's
sessions and tasks, a student's feed items."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.clock import ALL_TIME, Span
from bookend.outbox import Outbox
from services.scheduler.balance.domain import BalancePolicy
from services.scheduler.feed import ports as feed
from services.scheduler.sessions.domain import LiveSession, Task

T = TypeVar("T")


class PlanReads(Protocol):
    """A section's policy and planned minutes, scoped to one district."""

    async def get_balance_policy(
        self, district_id: str, section_id: str
    ) -> BalancePolicy | None: ...

    async def list_sessions(
        self, district_id: str, section_id: str, starting: Span = ALL_TIME
    ) -> list[LiveSession]:
        """A section's sessions that start within `starting`, by start."""
        ...

    async def list_tasks_due(self, district_id: str, section_id: str, due: Span) -> list[Task]:
        """A section's tasks (withdrawn ones too) due within `due`, by due time."""
        ...


class Checking(PlanReads, Outbox, Protocol):
    """What measuring a change needs of the transaction that makes it."""


class Reads(feed.Reads, PlanReads, Protocol):
    """Queries; who may read a plan is checked on the roster (through the feed's reads)."""


class Transaction(Reads, Outbox, Protocol):
    async def save_balance_policy(self, policy: BalancePolicy) -> None:
        """The section's policy, in place of the one it had."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
