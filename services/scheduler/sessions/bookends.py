"""The bookending rule: which lesson components become pre-work before a live session and
follow-up after it, and their windows. Pure rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

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
    SessionScheduled,
    Task,
    TaskAssigned,
)


@dataclass(frozen=True, slots=True)
class BookendWindows:
    prework_opens_before: timedelta
    followup_due_after: timedelta


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


def plan_session(
    draft: SessionDraft,
    *,
    section: Section,
    lesson: LessonSummary,
    windows: BookendWindows,
    new_id: IdFactory,
) -> tuple[BookendedSession, list[SessionScheduled | TaskAssigned]]:
    """A scheduled session of `lesson` for `section` with its bookend tasks, and the events."""
    draft.check()
    session = LiveSession(
        id=new_id(),
        district_id=section.district_id,
        school_id=section.school_id,
        section_id=section.id,
        lesson_id=lesson.lesson_id,
        lesson_version=lesson.version,
        title=draft.title.strip() if draft.title is not None else lesson.title,
        starts_at=stored_instant(draft.starts_at),
        ends_at=stored_instant(draft.ends_at),
        time_zone=draft.time_zone,
    )
    tasks = bookend_tasks(session, lesson, windows, new_id=new_id)
    session = replace(session, task_ids=tuple(task.id for task in tasks))
    events: list[SessionScheduled | TaskAssigned] = [SessionScheduled(session)]
    events += [TaskAssigned(task) for task in tasks]
    return BookendedSession(session, tuple(tasks)), events
