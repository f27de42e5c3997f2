"""The catalog's event contract mapping and its (for now empty) inbound handler table."""

from __future__ import annotations

from services.catalog.domain import Lesson
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import LessonComponentData, LessonPublished
from bookend.eventbus import Handler

SOURCE = "bookend/catalog"
CONSUMER = "bookend.catalog"

# Empty until recordings arrive: then `session.ended` links a recording to its session's lesson.
HANDLERS: dict[str, Handler] = {}


def lesson_published(lesson: Lesson) -> CloudEvent:
    assert lesson.published_at is not None, "only a published lesson is announced"
    return new_event(SOURCE, LessonPublished(
        district_id=lesson.district_id,
        lesson_id=lesson.id,
        version=lesson.version,
        title=lesson.title,
        subject=lesson.subject,
        summary=lesson.summary,
        components=[
            LessonComponentData(
                component_id=c.id, title=c.title, kind=c.kind, mode_fit=c.mode_fit,
                minutes=c.minutes,
            )
            for c in lesson.components
        ],
        published_at=lesson.published_at,
    ))
