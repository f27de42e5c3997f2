"""Lesson copies learned from the catalog's events: once per event, newest version kept."""

from __future__ import annotations

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import ComponentKind, LessonComponentData, LessonPublished, ModeFit
from bookend.hosting import ServiceState
from services.scheduler.events import CONSUMER, inbound
from services.scheduler.sessions.ports import Transaction
from services.scheduler.settings import SchedulerSettings
from tests.scheduler.builders import NOW, D
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids


def published(version: int, title: str = "Fractions") -> LessonPublished:
    return LessonPublished(
        district_id=D,
        lesson_id="lesson-7",
        version=version,
        title=title,
        subject="math",
        summary="",
        published_at=NOW,
        components=[
            LessonComponentData(
                component_id="c1",
                title="Intro",
                kind=ComponentKind.INTRODUCE,
                mode_fit=ModeFit.ON_DEMAND,
                minutes=5,
            ),
        ],
    )


async def deliver(store: FakeScheduler, event: CloudEvent) -> None:
    """Through the inbound table, as the consumer hands it over."""
    state = ServiceState(
        store=store, settings=SchedulerSettings(), clock=Clock(NOW), ids=counting_ids()
    )
    await inbound(state)(event)


async def test_a_published_lesson_becomes_a_copy_and_a_repeat_changes_nothing() -> None:
    store = FakeScheduler()
    event = new_event("bookend/catalog", published(1))
    await deliver(store, event)
    # The same id carrying a newer version shows the inbox, not the version check, skips it.
    await deliver(store, new_event("bookend/catalog", published(5), event_id=event.id))
    lesson = await store.get_lesson(D, "lesson-7")
    assert lesson is not None
    assert (lesson.version, lesson.title, len(lesson.components)) == (1, "Fractions", 1)

    async def seen_before(tx: Transaction) -> bool:
        return not await tx.first_time(CONSUMER, event.id)

    assert await store.atomically(seen_before)


async def test_an_older_version_arriving_late_leaves_the_newer_copy() -> None:
    store = FakeScheduler()
    await deliver(store, new_event("bookend/catalog", published(2, "Newer")))
    await deliver(store, new_event("bookend/catalog", published(1, "Older")))
    lesson = await store.get_lesson(D, "lesson-7")
    assert lesson is not None and lesson.title == "Newer"
