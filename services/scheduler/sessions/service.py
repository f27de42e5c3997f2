"""The sessions' use cases: schedule a live session with its bookends, run it, read sessions
and the lesson copies they are planned from."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bookend.auth import STAFF, Principal
from bookend.clock import Clock, Span, stored_instant
from bookend.contracts.scheduler import Modality, PlanChangeKind
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import FieldError, InvalidInput, refuse_if
from services.scheduler import access
from services.scheduler.balance.service import PlanChange, checked
from services.scheduler.events import OUTBOUND
from services.scheduler.feed.projector import project
from services.scheduler.roster.calendar import SchoolCalendar
from services.scheduler.roster.domain import Section, SectionUnknown
from services.scheduler.roster.ports import SectionFilter
from services.scheduler.roster.service import existing_section
from services.scheduler.sessions.bookends import BookendWindows, plan_sessions
from services.scheduler.sessions.clashes import Surroundings, clashes, refuse_clashes
from services.scheduler.sessions.domain import (
    MAX_SESSION_LENGTH,
    BookendedSession,
    LessonArchived,
    LessonNotFound,
    LessonSummary,
    LessonUnknown,
    LiveSession,
    SeriesNotFound,
    SessionDraft,
    SessionNotFound,
    SessionSeries,
    range_errors,
)
from services.scheduler.sessions.ports import Reads, Store, Transaction
from services.scheduler.sessions.recurrence import expand

# While waiting for a lesson just published, the store is asked this often (seconds).
LESSON_LOOK_EVERY = 0.05


@dataclass(frozen=True, slots=True)
class SeriesView:
    series: SessionSeries
    sessions: list[BookendedSession]


async def schedule_session(
    draft: SessionDraft,
    *,
    principal: Principal,
    store: Store,
    windows: BookendWindows,
    ids: IdFactory,
    lesson_wait: timedelta = timedelta(0),
) -> BookendedSession:
    """Schedule a live session with its bookends, or with a recurrence rule the series of them
    (the first is returned, naming its series); state, feed items and events commit together.
    Refused whole when any occurrence clashes with a teacher's, the section's or a student's
    other sessions."""
    principal.require(*STAFF)
    draft.check()
    await lesson_learned(store, principal.district, draft.lesson_id, within=lesson_wait)

    async def work(tx: Transaction) -> BookendedSession:
        section = await tx.get_section(principal.district, draft.section_id)
        if section is None:
            raise SectionUnknown(draft.section_id)
        access.require_teaches(principal, section)
        lesson = await tx.get_lesson(principal.district, draft.lesson_id)
        if lesson is None:
            raise LessonUnknown(draft.lesson_id)
        if lesson.archived:
            raise LessonArchived(draft.lesson_id)
        students = await tx.list_section_students(principal.district, section.id)
        refuse_if(seat_errors(draft.modality, draft.capacity, len(students)))
        series_id: str | None = None
        times = [(draft.starts_at, draft.ends_at)]
        skipped: tuple[date, ...] = ()
        calendar = await tx.get_calendar(principal.district, section.school_id)
        if draft.recurrence is not None:
            expansion = expand(
                draft.recurrence,
                starts_at=draft.starts_at,
                ends_at=draft.ends_at,
                time_zone=draft.time_zone,
                skip=calendar.is_blackout if calendar is not None else lambda day: False,
            )
            series_id, skipped = ids(), expansion.skipped
            times = [(o.starts_at, o.ends_at) for o in expansion.occurrences]
            if not times:
                message = "every date the rule gives is a blackout date"
                raise InvalidInput("recurrence", "some_session", message)
        else:
            refuse_if(blackout_errors(calendar, draft.starts_at, draft.time_zone))
        around = await surroundings(tx, section, times)
        refuse_clashes(clashes(times, around))
        own = await tx.get_bookend_windows(principal.district, section.id)
        planned, events = plan_sessions(
            draft,
            times,
            section=section,
            lesson=lesson,
            windows=own or windows,
            new_id=ids,
            series_id=series_id,
        )
        change = PlanChange(
            PlanChangeKind.SESSIONS_SCHEDULED,
            sessions_after=[booked.session for booked in planned],
            tasks_after=[task for booked in planned for task in booked.tasks],
        )
        warnings = await checked(tx, section, change)
        if series_id is not None:
            assert draft.recurrence is not None
            series = SessionSeries(
                id=series_id,
                district_id=principal.district,
                section_id=section.id,
                lesson_id=lesson.lesson_id,
                recurrence=draft.recurrence.strip(),
                time_zone=draft.time_zone,
                session_ids=tuple(p.session.id for p in planned),
                skipped_dates=tuple(day.isoformat() for day in skipped),
            )
            await tx.save_series(series)
        for booked in planned:
            await tx.add_session(booked.session)
        await tx.add_tasks([task for booked in planned for task in booked.tasks])
        await tx.emit(*OUTBOUND.events(events))
        await project(tx, events)
        return replace(planned[0], balance_warnings=warnings)

    return await store.atomically(work)


async def lesson_learned(
    store: Store, district_id: str, lesson_id: str, *, within: timedelta
) -> None:
    """Wait up to `within` for the scheduler's copy of a lesson: a client that has just
    published it and at once schedules from it finds it learned (the event takes about a
    tenth of a second), rather than refused (ADR 0025). The transaction still decides."""
    deadline = asyncio.get_running_loop().time() + within.total_seconds()
    while await store.get_lesson(district_id, lesson_id) is None:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            return
        await asyncio.sleep(min(LESSON_LOOK_EVERY, left))


async def surroundings(
    reads: Transaction, section: Section, times: Sequence[tuple[datetime, datetime]]
) -> Surroundings:
    """What sessions at `times` for `section` may collide with: the sections sharing a teacher
    or students with it, and the sessions of all of them around those times."""
    district = section.district_id
    shared_teachers: dict[str, set[str]] = {}
    for teacher_id in section.teacher_ids:
        for other in await reads.list_sections(district, SectionFilter(teacher_id=teacher_id)):
            if other.id != section.id:
                shared_teachers.setdefault(other.id, set()).add(teacher_id)
    shared_students: dict[str, set[str]] = {}
    students = await reads.list_section_students(district, section.id)
    for enrolment in await reads.list_enrolments(district, student_ids=students):
        if enrolment.section_id != section.id:
            shared_students.setdefault(enrolment.section_id, set()).add(enrolment.student_id)
    around = Surroundings(
        section.id,
        {k: frozenset(v) for k, v in shared_teachers.items()},
        {k: frozenset(v) for k, v in shared_students.items()},
        (),
    )
    # A session that starts up to its longest length before the first time may still be on.
    span = Span(
        stored_instant(min(t[0] for t in times) - MAX_SESSION_LENGTH),
        stored_instant(max(t[1] for t in times)),
    )
    sessions = [
        session
        for section_id in around.neighbours
        for session in await reads.list_sessions(district, section_id, span)
    ]
    return replace(around, sessions=tuple(sessions))


def blackout_errors(
    calendar: SchoolCalendar | None, starts_at: datetime, time_zone: str
) -> list[FieldError]:
    """A session is not planned on a blackout date of its school (a series skips them)."""
    day = starts_at.astimezone(ZoneInfo(time_zone)).date()
    if calendar is None or not calendar.is_blackout(day):
        return []
    return [FieldError("starts_at", "not_blackout", f"{day} is a blackout date of the school")]


def seat_errors(modality: Modality, capacity: int | None, students: int) -> list[FieldError]:
    """An on-site session seats the whole section; a hybrid one's others join online."""
    if capacity is None or modality is not Modality.ON_SITE or students <= capacity:
        return []
    message = f"the section has {students} students, more than {capacity} seats"
    return [FieldError("capacity", "seats_section", message)]


async def get_series(series_id: str, *, principal: Principal, store: Store) -> SeriesView:
    series = await store.get_series(principal.district, series_id)
    if series is None:
        raise SeriesNotFound(series_id)
    section = await existing_section(store, principal.district, series.section_id)
    await access.require_views_section(principal, section, store)
    sessions = await store.list_series_sessions(principal.district, series_id)
    return SeriesView(series, await with_tasks(store, principal.district, sessions))


async def get_session(session_id: str, *, principal: Principal, store: Store) -> BookendedSession:
    session = await existing_session(store, principal.district, session_id)
    section = await existing_section(store, principal.district, session.section_id)
    await access.require_views_section(principal, section, store)
    return (await with_tasks(store, principal.district, [session]))[0]


async def list_sessions(
    section_id: str,
    asked: PageAsk,
    *,
    starts: datetime | None,
    ends: datetime | None,
    principal: Principal,
    store: Store,
) -> KeyedPage[BookendedSession]:
    """A page of a section's sessions that start within the span, by start, with their tasks."""
    refuse_if(range_errors(**{"from": starts, "to": ends}))
    section = await existing_section(store, principal.district, section_id)
    await access.require_views_section(principal, section, store)
    starting = Span(
        stored_instant(starts) if starts else None, stored_instant(ends) if ends else None
    )
    page = await store.page_sessions(principal.district, section_id, starting, asked)
    return page.with_items(await with_tasks(store, principal.district, page.items))


async def start_session(
    session_id: str, *, principal: Principal, store: Store, clock: Clock
) -> BookendedSession:
    """Start the session; its SessionStarted names the section's students enrolled now, so
    feedback knows from the start whom a prompt waits for (ADR 0034)."""

    async def start(
        tx: Transaction, session: LiveSession, at: datetime
    ) -> tuple[LiveSession, Sequence[object]]:
        enrolled = await tx.list_section_students(session.district_id, session.section_id)
        return session.start(at, enrolled)

    return await _transition(session_id, start, principal, store=store, clock=clock)


async def end_session(
    session_id: str, *, principal: Principal, store: Store, clock: Clock
) -> BookendedSession:
    """End the session; its SessionEnded names the section's students enrolled now, read in
    the same transaction, so feedback knows whom to expect (ADR 0032)."""

    async def end(
        tx: Transaction, session: LiveSession, at: datetime
    ) -> tuple[LiveSession, Sequence[object]]:
        enrolled = await tx.list_section_students(session.district_id, session.section_id)
        return session.end(at, enrolled)

    return await _transition(session_id, end, principal, store=store, clock=clock)


async def get_lesson(lesson_id: str, *, principal: Principal, store: Store) -> LessonSummary:
    # Lesson copies are published curriculum content; only the district scopes them.
    lesson = await store.get_lesson(principal.district, lesson_id)
    if lesson is None:
        raise LessonNotFound(lesson_id)
    return lesson


async def _transition(
    session_id: str,
    change: Callable[
        [Transaction, LiveSession, datetime], Awaitable[tuple[LiveSession, Sequence[object]]]
    ],
    principal: Principal,
    *,
    store: Store,
    clock: Clock,
) -> BookendedSession:
    """Start or end a session; it, its students' feed items and the event commit together."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> BookendedSession:
        session = await existing_session(tx, principal.district, session_id)
        section = await existing_section(tx, principal.district, session.section_id)
        access.require_teaches(principal, section)
        changed, events = await change(tx, session, clock())
        await tx.save_session(changed)
        await tx.emit(*OUTBOUND.events(events))
        await project(tx, events)
        # Read in the transaction: its result is the whole answer (a keyed request keeps it).
        return (await with_tasks(tx, principal.district, [changed]))[0]

    return await store.atomically(work)


async def existing_session(reads: Reads, district_id: str, session_id: str) -> LiveSession:
    session = await reads.get_session(district_id, session_id)
    if session is None:
        raise SessionNotFound(session_id)
    return session


async def with_tasks(
    reads: Reads, district_id: str, sessions: Sequence[LiveSession]
) -> list[BookendedSession]:
    """Each session with its tasks, in the order the session lists them."""
    tasks = await reads.list_tasks(district_id, [s.id for s in sessions]) if sessions else []
    by_id = {task.id: task for task in tasks}
    return [
        BookendedSession(s, tuple(by_id[task_id] for task_id in s.task_ids if task_id in by_id))
        for s in sessions
    ]
