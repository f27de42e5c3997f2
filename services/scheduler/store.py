"""The scheduler's one database: every slice's queries and writes on one store and transaction,
so a change in one slice and the feed items and events it causes commit together."""

from __future__ import annotations

from bookend.outbox import OutboxStore, OutboxTransaction
from services.scheduler.adjustments import store as adjustments
from services.scheduler.adjustments.store import AdjustmentQueries, AdjustmentWrites
from services.scheduler.balance import store as balance
from services.scheduler.balance.store import BalanceQueries, BalanceWrites
from services.scheduler.calendars import store as calendars
from services.scheduler.calendars.store import CalendarQueries, CalendarWrites
from services.scheduler.feed import store as feed
from services.scheduler.feed.store import FeedQueries, FeedWrites
from services.scheduler.roster import store as roster
from services.scheduler.roster.store import RosterQueries, RosterWrites
from services.scheduler.sessions import store as sessions
from services.scheduler.sessions.store import SessionsQueries, SessionsWrites


class SchedulerTransaction(
    OutboxTransaction,
    RosterWrites,
    SessionsWrites,
    FeedWrites,
    CalendarWrites,
    BalanceWrites,
    AdjustmentWrites,
):
    """Offers every slice's `Transaction` port, and the feed projector's."""


class SchedulerStore(
    OutboxStore[SchedulerTransaction],
    RosterQueries,
    SessionsQueries,
    FeedQueries,
    CalendarQueries,
    BalanceQueries,
    AdjustmentQueries,
):
    transaction = SchedulerTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        for collection, fields, unique in (
            *roster.INDEXES,
            *sessions.INDEXES,
            *feed.INDEXES,
            *calendars.INDEXES,
            *balance.INDEXES,
            *adjustments.INDEXES,
        ):
            await self._index(collection, fields, unique=unique)
        await self.add_missing_feed_keys()
        await self.add_roster_order()
        await self.add_session_start_order()
        await self.add_calendar_link_order()
