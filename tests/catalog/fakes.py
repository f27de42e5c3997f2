"""In-memory stand-ins for the catalog's storage ports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from services.catalog.domain import Lesson, LessonStatus
from services.catalog.ports import CatalogUnit, LessonPosition
from bookend.contracts import CloudEvent

T = TypeVar("T")


@dataclass
class FakeUnit:
    """Buffers writes and events; the store applies them only if the work succeeds."""

    lessons: dict[str, Lesson]
    events: list[CloudEvent] = field(default_factory=list)

    async def find_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        lesson = self.lessons.get(lesson_id)
        return lesson if lesson is not None and lesson.district_id == district_id else None

    async def insert_lesson(self, lesson: Lesson) -> None:
        assert lesson.id not in self.lessons
        self.lessons[lesson.id] = lesson

    async def replace_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        stored = self.lessons.get(expected.id)
        if stored is None or (stored.status, stored.version) != (expected.status, expected.version):
            return False
        self.lessons[lesson.id] = lesson
        return True

    async def emit(self, event: CloudEvent) -> None:
        self.events.append(event)


@dataclass
class FakeCatalog:
    lessons: dict[str, Lesson] = field(default_factory=dict)
    events: list[CloudEvent] = field(default_factory=list)

    async def atomically(self, work: Callable[[CatalogUnit], Awaitable[T]]) -> T:
        unit = FakeUnit(dict(self.lessons))
        result = await work(unit)
        self.lessons, self.events = unit.lessons, [*self.events, *unit.events]
        return result

    async def find_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        return await FakeUnit(self.lessons).find_lesson(district_id, lesson_id)

    async def list_lessons(
        self,
        district_id: str,
        *,
        statuses: Collection[LessonStatus],
        title_contains: str | None,
        after: LessonPosition | None,
        limit: int,
    ) -> list[Lesson]:
        found = sorted(
            (
                lesson for lesson in self.lessons.values()
                if lesson.district_id == district_id and lesson.status in statuses
                and (not title_contains or title_contains.lower() in lesson.title.lower())
                and (after is None
                     or (lesson.created_at, lesson.id) > (after.created_at, after.lesson_id))
            ),
            key=lambda lesson: (lesson.created_at, lesson.id),
        )
        return found[:limit]


class TickingClock:
    """A clock that moves one second each time it is read, so creation order is clear."""

    def __init__(self, start: datetime = datetime(2025, 9, 1, 8, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now
