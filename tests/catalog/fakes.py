"""In-memory stand-ins for the catalog's storage ports."""

from __future__ import annotations

from dataclasses import dataclass, field

from bookend.contracts.catalog import LessonStatus
from services.catalog.lessons.domain import Lesson, LessonVersion
from services.catalog.lessons.ports import LessonQuery
from tests.support.fakes import FakeState, FakeStore, FakeTransaction


@dataclass
class CatalogState(FakeState):
    lessons: dict[str, Lesson] = field(default_factory=dict)
    versions: dict[tuple[str, int], LessonVersion] = field(default_factory=dict)


class FakeReads:
    state: CatalogState

    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        lesson = self.state.lessons.get(lesson_id)
        return lesson if lesson is not None and lesson.district_id == district_id else None

    async def list_lessons(self, district_id: str, query: LessonQuery) -> list[Lesson]:
        statuses, title_contains, after = query.statuses, query.title_contains, query.after
        found = sorted(
            (
                lesson
                for lesson in self.state.lessons.values()
                if lesson.district_id == district_id
                and lesson.status in statuses
                and (
                    query.drafts_by in (None, lesson.created_by)
                    or lesson.status is not LessonStatus.DRAFT
                )
                and (not title_contains or title_contains.lower() in lesson.content.title.lower())
                and (
                    after is None
                    or (lesson.created_at, lesson.id) > (after.created_at, after.lesson_id)
                )
            ),
            key=lambda lesson: (lesson.created_at, lesson.id),
        )
        return found[: query.limit]

    async def get_lesson_version(
        self, district_id: str, lesson_id: str, version: int
    ) -> LessonVersion | None:
        found = self.state.versions.get((lesson_id, version))
        return found if found is not None and found.district_id == district_id else None


class FakeCatalogTransaction(FakeTransaction[CatalogState], FakeReads):
    async def add_lesson(self, lesson: Lesson) -> None:
        assert lesson.id not in self.state.lessons
        self.state.lessons[lesson.id] = lesson

    async def save_lesson(self, lesson: Lesson, *, expected: Lesson) -> bool:
        stored = self.state.lessons.get(expected.id)
        if stored is None or stored.edits != expected.edits:
            return False
        self.state.lessons[lesson.id] = lesson
        return True

    async def add_lesson_version(self, version: LessonVersion) -> None:
        key = (version.lesson_id, version.version)
        assert key not in self.state.versions
        self.state.versions[key] = version


class FakeCatalog(FakeStore[CatalogState, FakeCatalogTransaction], FakeReads):
    transaction = FakeCatalogTransaction

    def __init__(self) -> None:
        super().__init__(CatalogState())
