"""An event of a real contract for the event-bus tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import LessonPublished


def lesson(lesson_id: str) -> CloudEvent:
    return new_event(
        "bookend/test",
        LessonPublished(
            district_id="d1",
            lesson_id=lesson_id,
            version=1,
            title="Theme in texts",
            subject="reading",
            summary="",
            components=[],
            published_at=datetime.now(UTC),
        ),
    )
