"""Inbound events: the catalog's lessons become the scheduler's lesson summaries."""

from __future__ import annotations

from functools import partial

from services.contracts import CloudEvent, spec_for
from services.contracts.catalog import LessonPublished
from services.eventbus import Handler
from services.scheduler.domain import LessonComponent, LessonSummary
from services.scheduler.ports import Store, Transaction

CONSUMER = "bookend.scheduler"


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
