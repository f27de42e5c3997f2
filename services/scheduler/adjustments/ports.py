"""What balance proposals need from storage, so unit tests can use in-memory fakes. Applying one
changes the plan through the sessions' own transaction (tasks, extensions, sessions, feeds)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol, TypeVar

from bookend.contracts.scheduler import ProposalStatus
from bookend.cursors import Position
from services.scheduler.adjustments.domain import Following, Proposal
from services.scheduler.sessions import ports as sessions

T = TypeVar("T")


class Reads(sessions.Reads, Protocol):
    async def get_proposal(self, district_id: str, proposal_id: str) -> Proposal | None: ...

    async def list_week_proposals(
        self, district_id: str, section_id: str, week: str
    ) -> list[Proposal]:
        """Every proposal made from a section's assessments of one week."""
        ...

    async def list_proposals(
        self,
        district_id: str,
        section_id: str,
        *,
        status: ProposalStatus | None = None,
        after: Position | None = None,
        limit: int = 50,
    ) -> list[Proposal]:
        """A section's proposals, newest first, after the position `after` (exclusive)."""
        ...

    async def count_proposals(
        self, district_id: str, section_id: str, *, status: ProposalStatus | None = None
    ) -> int: ...

    async def list_followings(
        self, district_id: str, section_id: str, at: datetime
    ) -> list[Following]:
        """The students of a section following its sessions by recording at `at`."""
        ...


class Transaction(Reads, sessions.Transaction, Protocol):
    async def save_proposal(self, proposal: Proposal) -> None:
        """Insert it, or replace it whole."""
        ...

    async def save_following(self, following: Following) -> None: ...

    async def remove_following(self, district_id: str, proposal_id: str) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
