"""What calendar links need from storage, so unit tests can use in-memory fakes.

A calendar reads what the feed and the sessions already keep (a student's feed items; a
section's sessions and tasks): it is another view of them, never a second computation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol, TypeVar

from bookend.paging import KeyedPage, PageAsk
from services.scheduler.calendars.domain import CalendarLink, Owner
from services.scheduler.feed import ports as feed
from services.scheduler.sessions import ports as sessions
from services.scheduler.sessions.domain import Task

T = TypeVar("T")


class Reads(feed.Reads, sessions.Reads, Protocol):
    """Queries, each scoped to one district but the lookup by secret, which finds the district."""

    async def find_calendar_link(self, secret_hash: str) -> CalendarLink | None:
        """The link whose secret hashes to this (live links only: a revoked one has none)."""
        ...

    async def get_calendar_link(self, district_id: str, link_id: str) -> CalendarLink | None: ...

    async def list_calendar_links(
        self, district_id: str, *, owner: Owner | None, created_by: str | None, limit: int
    ) -> list[CalendarLink]:
        """Live links of an owner, or made by someone, newest first."""
        ...

    async def page_calendar_links(
        self, district_id: str, *, owner: Owner | None, created_by: str | None, asked: PageAsk
    ) -> KeyedPage[CalendarLink]:
        """A page of the live links of an owner, or made by someone, newest first."""
        ...

    async def list_tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]:
        """A section's tasks due after `moment`, by due time."""
        ...


class Transaction(Reads, Protocol):
    async def add_calendar_link(self, link: CalendarLink) -> None: ...

    async def save_calendar_link(self, link: CalendarLink) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
