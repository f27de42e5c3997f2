"""The bookending rule: which lesson components become pre-work before a live session and
follow-up after it, and their windows. Pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bookend.clock import stored_instant
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend
from bookend.ids import IdFactory
from services.scheduler.roster.domain import Section
from services.scheduler.sessions.domain import (
    BookendedSession,
    LessonSummary,
    LiveSession,
    SessionDraft,
    SessionRescheduled,
    SessionScheduled,
    Task,
    TaskAssigned,
    TaskRescheduled,
)


@dataclass(frozen=True, slots=True)
class BookendWindows:
    """How long before a session its pre-work opens, and how long after it its follow-up is
    due: the service's defaults, or a section's own (a section of younger students may want
    follow-up due later)."""

    prework_opens_before: timedelta
    followup_due_after: timedelta


# A section's own windows lie within these: shorter leaves no time to do the work, longer
# detaches it from the session it bookends.
MIN_WINDOW = timedelta(minutes=15)
MAX_WINDOW = timedelta(days=14)


# Pedagogy: introducing knowledge and modelling a skill prepare for the live session;
# practice, fluency and growing autonomy consolidate after it. Discussion and feedback need
# the class together, so they are never on-demand tasks.
BOOKEND_OF_KIND = {
    ComponentKind.INTRODUCE: Bookend.PRE_WORK,
    ComponentKind.MODEL: Bookend.PRE_WORK,
    ComponentKind.PRACTICE: Bookend.FOLLOW_UP,
    ComponentKind.FLUENCY: Bookend.FOLLOW_UP,
    ComponentKind.AUTONOMY: Bookend.FOLLOW_UP,
}
ON_DEMAND_FITS = frozenset({ModeFit.ON_DEMAND, ModeFit.EITHER})


def bookend_tasks(
    session: LiveSession, lesson: LessonSummary, windows: BookendWindows, *, new_id: IdFactory
) -> list[Task]:
    """Propose pre-work due when the session starts and follow-up opening when it ends."""
    window = {
        Bookend.PRE_WORK: (session.starts_at - windows.prework_opens_before, session.starts_at),
        Bookend.FOLLOW_UP: (session.ends_at, session.ends_at + windows.followup_due_after),
    }
    tasks: list[Task] = []
    for component in lesson.components:
        bookend = BOOKEND_OF_KIND.get(component.kind)
        if bookend is None or component.mode_fit not in ON_DEMAND_FITS:
            continue
        opens_at, due_at = window[bookend]
        task = Task(
            id=new_id(),
            district_id=session.district_id,
            section_id=session.section_id,
            lesson_id=lesson.lesson_id,
            component_id=component.component_id,
            session_id=session.id,
            bookend=bookend,
            title=component.title,
            minutes=component.minutes,
            opens_at=opens_at,
            due_at=due_at,
            time_zone=session.time_zone,
        )
        tasks.append(task)
    return tasks


Planned = list[SessionScheduled | TaskAssigned]


def plan_session(
    draft: SessionDraft,
    *,
    section: Section,
    lesson: LessonSummary,
    windows: BookendWindows,
    new_id: IdFactory,
) -> tuple[BookendedSession, Planned]:
    """A scheduled session of `lesson` for `section` with its bookend tasks, and the events."""
    planned, events = plan_sessions(
        draft,
        [(draft.starts_at, draft.ends_at)],
        section=section,
        lesson=lesson,
        windows=windows,
        new_id=new_id,
    )
    return planned[0], events


def plan_sessions(
    draft: SessionDraft,
    times: Sequence[tuple[datetime, datetime]],
    *,
    section: Section,
    lesson: LessonSummary,
    windows: BookendWindows,
    new_id: IdFactory,
    series_id: str | None = None,
) -> tuple[list[BookendedSession], Planned]:
    """One scheduled session of `lesson` for `section` at each of `times` (the occurrences of a
    series, with `series_id`), each with its own bookend tasks, and the events."""
    draft.check()
    planned: list[BookendedSession] = []
    events: Planned = []
    for starts_at, ends_at in times:
        session = LiveSession(
            id=new_id(),
            district_id=section.district_id,
            school_id=section.school_id,
            section_id=section.id,
            lesson_id=lesson.lesson_id,
            lesson_version=lesson.version,
            title=draft.title.strip() if draft.title is not None else lesson.title,
            starts_at=stored_instant(starts_at),
            ends_at=stored_instant(ends_at),
            time_zone=draft.time_zone,
            modality=draft.modality,
            join_url=draft.join_url,
            capacity=draft.capacity,
            series_id=series_id,
        )
        tasks = bookend_tasks(session, lesson, windows, new_id=new_id)
        session = replace(session, task_ids=tuple(task.id for task in tasks))
        events.append(SessionScheduled(session))
        events += [TaskAssigned(task) for task in tasks]
        planned.append(BookendedSession(session, tuple(tasks)))
    return planned, events


def move_bookends(
    before: LiveSession, after: LiveSession, tasks: Sequence[Task]
) -> tuple[list[Task], list[SessionRescheduled | TaskRescheduled]]:
    """The session's tasks moved with it: pre-work by as much as its start moved, follow-up by
    as much as its end moved (so a window a teacher set by hand keeps its length); a task
    withdrawn stays as it is."""
    by = {
        Bookend.PRE_WORK: after.starts_at - before.starts_at,
        Bookend.FOLLOW_UP: after.ends_at - before.ends_at,
    }
    moved: list[Task] = []
    events: list[SessionRescheduled | TaskRescheduled] = [SessionRescheduled(after, before)]
    for task in tasks:
        delta = by.get(task.bookend) if task.bookend is not None else None
        if task.withdrawn_at is not None or not delta:
            continue
        task = task.moved_by(delta)
        moved.append(task)
        events.append(TaskRescheduled(task))
    return moved, events
