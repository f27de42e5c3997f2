"""The sessions' use cases: schedule a live session with its bookends, run it, read sessions
and the lesson copies they are planned from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bookend.auth import STAFF, Principal
from bookend.clock import Clock, Span, stored_instant
from bookend.ids import IdFactory
from bookend.problems import refuse_if
from services.scheduler import access
from services.scheduler.events import OUTBOUND
from services.scheduler.feed.projector import project
from services.scheduler.roster.domain import SectionUnknown
from services.scheduler.roster.service import existing_section
from services.scheduler.sessions.bookends import BookendWindows, plan_session
from services.scheduler.sessions.domain import (
    BookendedSession,
    LessonArchived,
    LessonNotFound,
    LessonSummary,
    LessonUnknown,
    LiveSession,
    SessionDraft,
    SessionNotFound,
    range_errors,
)
from services.scheduler.sessions.ports import Reads, Store, Transaction


async def schedule_session(
    draft: SessionDraft,
    *,
    principal: Principal,
    store: Store,
    windows: BookendWindows,
    ids: IdFactory,
) -> BookendedSession:
    """Schedule a live session with its bookends; state, feed items and events commit together."""
    principal.require(*STAFF)
    draft.check()

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
        planned, events = plan_session(
            draft, section=section, lesson=lesson, windows=windows, new_id=ids
        )
        await tx.add_session(planned.session)
        await tx.add_tasks(planned.tasks)
        await tx.emit(*OUTBOUND.events(events))
        await project(tx, events)
        return planned

    return await store.atomically(work)


async def get_session(session_id: str, *, principal: Principal, store: Store) -> BookendedSession:
    session = await _session(store, principal.district, session_id)
    section = await existing_section(store, principal.district, session.section_id)
    await access.require_views_section(principal, section, store)
    return (await _with_tasks(store, principal.district, [session]))[0]


async def list_sessions(
    section_id: str,
    *,
    starts: datetime | None,
    ends: datetime | None,
    principal: Principal,
    store: Store,
) -> list[BookendedSession]:
    refuse_if(range_errors(**{"from": starts, "to": ends}))
    section = await existing_section(store, principal.district, section_id)
    await access.require_views_section(principal, section, store)
    starting = Span(
        stored_instant(starts) if starts else None, stored_instant(ends) if ends else None
    )
    sessions = await store.list_sessions(principal.district, section_id, starting)
    return await _with_tasks(store, principal.district, sessions)


async def start_session(
    session_id: str, *, principal: Principal, store: Store, clock: Clock
) -> BookendedSession:
    return await _transition(session_id, LiveSession.start, principal, store=store, clock=clock)


async def end_session(
    session_id: str, *, principal: Principal, store: Store, clock: Clock
) -> BookendedSession:
    return await _transition(session_id, LiveSession.end, principal, store=store, clock=clock)


async def get_lesson(lesson_id: str, *, principal: Principal, store: Store) -> LessonSummary:
    # Lesson copies are published curriculum content; only the district scopes them.
    lesson = await store.get_lesson(principal.district, lesson_id)
    if lesson is None:
        raise LessonNotFound(lesson_id)
    return lesson


async def _transition(
    session_id: str,
    change: Callable[[LiveSession, datetime], tuple[LiveSession, Sequence[object]]],
    principal: Principal,
    *,
    store: Store,
    clock: Clock,
) -> BookendedSession:
    """Start or end a session; it, its students' feed items and the event commit together."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> BookendedSession:
        session = await _session(tx, principal.district, session_id)
        section = await existing_section(tx, principal.district, session.section_id)
        access.require_teaches(principal, section)
        changed, events = change(session, clock())
        await tx.save_session(changed)
        await tx.emit(*OUTBOUND.events(events))
        await project(tx, events)
        # Read in the transaction: its result is the whole answer (a keyed request keeps it).
        return (await _with_tasks(tx, principal.district, [changed]))[0]

    return await store.atomically(work)


async def _session(reads: Reads, district_id: str, session_id: str) -> LiveSession:
    session = await reads.get_session(district_id, session_id)
    if session is None:
        raise SessionNotFound(session_id)
    return session


async def _with_tasks(
    reads: Reads, district_id: str, sessions: Sequence[LiveSession]
) -> list[BookendedSession]:
    """Each session with its tasks, in the order the session lists them."""
    tasks = await reads.list_tasks(district_id, [s.id for s in sessions]) if sessions else []
    by_id = {task.id: task for task in tasks}
    return [
        BookendedSession(s, tuple(by_id[task_id] for task_id in s.task_ids if task_id in by_id))
        for s in sessions
    ]
