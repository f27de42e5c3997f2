"""Changing the plan: move or cancel one session or a whole series, and set a section's own
bookend windows. A session's bookends move with it and are withdrawn with it; the session, its
tasks, the feed items and the events commit together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookend.auth import STAFF, Principal
from bookend.clock import Clock
from bookend.contracts.scheduler import PlanChangeKind
from bookend.problems import FieldError, refuse_if
from services.scheduler import access
from services.scheduler.balance.domain import BalanceWarning
from services.scheduler.balance.service import PlanChange, checked
from services.scheduler.events import OUTBOUND
from services.scheduler.feed.projector import project
from services.scheduler.roster.service import existing_section
from services.scheduler.sessions.bookends import (
    MAX_WINDOW,
    MIN_WINDOW,
    BookendWindows,
    move_bookends,
)
from services.scheduler.sessions.clashes import clashes, refuse_clashes
from services.scheduler.sessions.domain import (
    BookendedSession,
    LiveSession,
    MeasuredSessions,
    SeriesNotFound,
    SessionCancelled,
    SessionSeries,
    Task,
    TaskWithdrawn,
    time_errors,
)
from services.scheduler.sessions.ports import Store, Transaction
from services.scheduler.sessions.service import (
    blackout_errors,
    existing_session,
    surroundings,
    with_tasks,
)

# A series is moved to a local time of day and a length at most this long.
MAX_MINUTES = 12 * 60


@dataclass(frozen=True, slots=True)
class SeriesTime:
    """A series' new local time of day and length; each occurrence keeps its date."""

    starts_at: time
    minutes: int

    def check(self) -> None:
        errors = []
        if self.starts_at.tzinfo is not None:
            message = "a local time of day, without an offset: the series' zone applies"
            errors.append(FieldError("starts_at", "local_time", message))
        if not 1 <= self.minutes <= MAX_MINUTES:
            errors.append(FieldError("minutes", "in_range", f"must be between 1 and {MAX_MINUTES}"))
        refuse_if(errors)

    def on(self, session: LiveSession) -> tuple[datetime, datetime]:
        zone = ZoneInfo(session.time_zone)
        day = session.starts_at.astimezone(zone).date()
        starts_at = datetime.combine(day, self.starts_at, zone)
        return starts_at, starts_at + timedelta(minutes=self.minutes)


async def reschedule_session(
    session_id: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    principal: Principal,
    store: Store,
) -> BookendedSession:
    """Move a session still to take place; its pre-work moves with its start, its follow-up
    with its end. Refused if the new time clashes."""
    principal.require(*STAFF)
    refuse_if(time_errors(starts_at, ends_at))

    async def work(tx: Transaction) -> BookendedSession:
        session = await existing_session(tx, principal.district, session_id)
        section = await existing_section(tx, principal.district, session.section_id)
        access.require_teaches(principal, section)
        moved = session.reschedule(starts_at, ends_at)
        warnings = await move_sessions(tx, [(session, moved)])
        booked = (await with_tasks(tx, principal.district, [moved]))[0]
        return replace(booked, balance_warnings=warnings)

    return await store.atomically(work)


async def reschedule_series(
    series_id: str, when: SeriesTime, *, principal: Principal, store: Store, clock: Clock
) -> MeasuredSessions:
    """Move every occurrence still to take place to a new local time and length, each on its
    own date; those started, ended or cancelled stay as they are."""
    principal.require(*STAFF)
    when.check()

    async def work(tx: Transaction) -> MeasuredSessions:
        series, section_id = await _series(tx, principal.district, series_id)
        section = await existing_section(tx, principal.district, section_id)
        access.require_teaches(principal, section)
        now = clock()
        changes = [
            (session, session.reschedule(*when.on(session)))
            for session in await tx.list_series_sessions(principal.district, series.id)
            if session.is_planned and session.starts_at > now
        ]
        warnings = await move_sessions(tx, changes)
        moved = await with_tasks(tx, principal.district, [moved for _, moved in changes])
        return MeasuredSessions(moved, warnings)

    return await store.atomically(work)


async def cancel_session(
    session_id: str, *, principal: Principal, store: Store, clock: Clock
) -> BookendedSession:
    """Cancel a session still to take place: it stays in feeds as cancelled, and its bookend
    tasks are withdrawn from them."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> BookendedSession:
        session = await existing_session(tx, principal.district, session_id)
        section = await existing_section(tx, principal.district, session.section_id)
        access.require_teaches(principal, section)
        cancelled, warnings = await _cancel(tx, [session], clock())
        booked = (await with_tasks(tx, principal.district, cancelled))[0]
        return replace(booked, balance_warnings=warnings)

    return await store.atomically(work)


async def cancel_series(
    series_id: str, *, principal: Principal, store: Store, clock: Clock
) -> MeasuredSessions:
    """Cancel every occurrence still to take place (those started or ended stay)."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> MeasuredSessions:
        series, section_id = await _series(tx, principal.district, series_id)
        section = await existing_section(tx, principal.district, section_id)
        access.require_teaches(principal, section)
        sessions = await tx.list_series_sessions(principal.district, series.id)
        cancelled, warnings = await _cancel(tx, [s for s in sessions if s.is_planned], clock())
        return MeasuredSessions(await with_tasks(tx, principal.district, cancelled), warnings)

    return await store.atomically(work)


async def set_bookend_windows(
    section_id: str, windows: BookendWindows, *, principal: Principal, store: Store
) -> BookendWindows:
    """A section's own pre-work and follow-up windows, for sessions planned from now on."""
    principal.require(*STAFF)
    errors = [
        FieldError(field, "in_range", f"must be between {MIN_WINDOW} and {MAX_WINDOW}")
        for field, length in (
            ("prework_opens_before", windows.prework_opens_before),
            ("followup_due_after", windows.followup_due_after),
        )
        if not MIN_WINDOW <= length <= MAX_WINDOW
    ]
    refuse_if(errors)

    async def work(tx: Transaction) -> BookendWindows:
        section = await existing_section(tx, principal.district, section_id)
        access.require_teaches(principal, section)
        await tx.save_bookend_windows(principal.district, section.id, windows)
        return windows

    return await store.atomically(work)


async def bookend_windows(
    section_id: str, defaults: BookendWindows, *, principal: Principal, store: Store
) -> BookendWindows:
    section = await existing_section(store, principal.district, section_id)
    await access.require_views_section(principal, section, store)
    return await store.get_bookend_windows(principal.district, section.id) or defaults


async def _series(tx: Transaction, district_id: str, series_id: str) -> tuple[SessionSeries, str]:
    series = await tx.get_series(district_id, series_id)
    if series is None:
        raise SeriesNotFound(series_id)
    return series, series.section_id


async def move_sessions(
    tx: Transaction, changes: Sequence[tuple[LiveSession, LiveSession]]
) -> tuple[BalanceWarning, ...]:
    """Store the moved sessions and their moved bookends, once none of the new times clashes
    with anything but the sessions being moved and the section's balance policy lets them."""
    if not changes:
        return ()
    section = await existing_section(tx, changes[0][0].district_id, changes[0][0].section_id)
    calendar = await tx.get_calendar(section.district_id, section.school_id)
    for _, after in changes:
        refuse_if(blackout_errors(calendar, after.starts_at, after.time_zone))
    times = [(after.starts_at, after.ends_at) for _, after in changes]
    around = await surroundings(tx, section, times)
    refuse_clashes(clashes(times, around, moving=frozenset(s.id for s, _ in changes)))
    district = section.district_id
    tasks = await tx.list_tasks(district, [session.id for session, _ in changes])
    events: list[object] = []
    planned: list[tuple[LiveSession, LiveSession, list[Task], list[Task]]] = []
    for before, after in changes:
        moved, told = move_bookends(before, after, [t for t in tasks if t.session_id == before.id])
        ids = {task.id for task in moved}
        planned.append((before, after, [t for t in tasks if t.id in ids], moved))
        events += told
    change = PlanChange(
        PlanChangeKind.SESSIONS_RESCHEDULED,
        sessions_before=[before for before, *_ in planned],
        sessions_after=[after for _, after, *_ in planned],
        tasks_before=[task for *_, theirs, _ in planned for task in theirs],
        tasks_after=[task for *_, moved in planned for task in moved],
    )
    warnings = await checked(tx, section, change)
    for _, after, _, moved in planned:
        await tx.save_session(after)
        await tx.save_tasks(moved)
    await tx.emit(*OUTBOUND.events(events))
    await project(tx, events)
    return warnings


async def _cancel(
    tx: Transaction, sessions: Sequence[LiveSession], at: datetime
) -> tuple[list[LiveSession], tuple[BalanceWarning, ...]]:
    """Cancel the sessions and withdraw their bookends, once the section's balance policy lets
    them: withdrawn bookends can lower a week's on-demand share."""
    if not sessions:
        return [], ()
    district = sessions[0].district_id
    tasks = [
        t for t in await tx.list_tasks(district, [s.id for s in sessions]) if not t.withdrawn_at
    ]
    cancelled = [session.cancel(at) for session in sessions]
    withdrawn = {
        gone.id: [t.withdrawn(gone.cancelled_at or at) for t in tasks if t.session_id == gone.id]
        for gone in cancelled
    }
    section = await existing_section(tx, district, sessions[0].section_id)
    change = PlanChange(
        PlanChangeKind.SESSIONS_CANCELLED,
        sessions_before=sessions,
        sessions_after=cancelled,
        tasks_before=tasks,
        tasks_after=[task for gone in withdrawn.values() for task in gone],
    )
    warnings = await checked(tx, section, change)
    events: list[object] = []
    for gone in cancelled:
        await tx.save_session(gone)
        await tx.save_tasks(withdrawn[gone.id])
        events += [SessionCancelled(gone), *(TaskWithdrawn(task) for task in withdrawn[gone.id])]
    await tx.emit(*OUTBOUND.events(events))
    await project(tx, events)
    return cancelled, warnings
