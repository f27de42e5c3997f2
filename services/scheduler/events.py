"""Contract mapping: the events the scheduler emits, and the catalog's lessons it learns."""

from __future__ import annotations

from functools import partial

from bookend.contracts import CloudEvent, spec_for
from bookend.contracts.catalog import LessonPublished
from bookend.contracts.scheduler import (
    SessionEnded,
    SessionScheduled,
    SessionStarted,
    TaskAssigned,
)
from bookend.eventbus import Handler
from services.scheduler.domain import LessonComponent, LessonSummary, LiveSession, Task
from services.scheduler.ports import Store, Transaction

SOURCE = "bookend/scheduler"
CONSUMER = "bookend.scheduler"


def session_scheduled(session: LiveSession) -> SessionScheduled:
    return SessionScheduled(
        district_id=session.district_id, session_id=session.id, school_id=session.school_id,
        section_id=session.section_id, lesson_id=session.lesson_id,
        lesson_version=session.lesson_version, title=session.title,
        starts_at=session.starts_at, ends_at=session.ends_at, time_zone=session.time_zone,
        task_ids=list(session.task_ids),
    )


def task_assigned(task: Task) -> TaskAssigned:
    return TaskAssigned(
        district_id=task.district_id, task_id=task.id, section_id=task.section_id,
        lesson_id=task.lesson_id, component_id=task.component_id, session_id=task.session_id,
        bookend=task.bookend, title=task.title, minutes=task.minutes, opens_at=task.opens_at,
        due_at=task.due_at, time_zone=task.time_zone,
    )


def session_started(session: LiveSession) -> SessionStarted:
    assert session.started_at is not None
    return SessionStarted(
        district_id=session.district_id, session_id=session.id, section_id=session.section_id,
        started_at=session.started_at,
    )


def session_ended(session: LiveSession) -> SessionEnded:
    assert session.ended_at is not None
    return SessionEnded(
        district_id=session.district_id, session_id=session.id, section_id=session.section_id,
        ended_at=session.ended_at,
    )


def lesson_summary(published: LessonPublished) -> LessonSummary:
    return LessonSummary(
        lesson_id=published.lesson_id, district_id=published.district_id,
        version=published.version, title=published.title, subject=published.subject,
        summary=published.summary,
        components=tuple(
            LessonComponent(c.component_id, c.title, c.kind, c.mode_fit, c.minutes)
            for c in published.components
        ),
    )


async def learn_lesson(event: CloudEvent, *, store: Store) -> None:
    """Keep the newest version: a late or repeated event leaves the copy as it is."""
    # Invalid data raises here, so the consumer retries and then dead-letters the record.
    lesson = lesson_summary(LessonPublished.model_validate(event.data))

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        if lesson.supersedes(await tx.lesson(lesson.district_id, lesson.lesson_id)):
            await tx.put_lesson(lesson)

    await store.atomically(work)


def handlers(store: Store) -> dict[str, Handler]:
    return {spec_for(LessonPublished).type: partial(learn_lesson, store=store)}
