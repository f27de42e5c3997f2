"""In-memory stand-ins for the catalog's storage ports."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bookend.contracts.catalog import LessonStatus
from bookend.cursors import Position
from services.catalog.curricula.domain import Curriculum
from services.catalog.curricula.ports import CurriculumPosition
from services.catalog.lessons.domain import Lesson, LessonVersion
from services.catalog.lessons.ports import LessonQuery
from services.catalog.lessons.search import TITLE_WORDS, WORDS, findable
from services.catalog.recordings.domain import KnownSession, Recording, RecordingExists
from services.catalog.recordings.ports import MAX_PAGE
from tests.support.fakes import FakeState, FakeStore, FakeTransaction


@dataclass
class CatalogState(FakeState):
    lessons: dict[str, Lesson] = field(default_factory=dict)
    versions: dict[tuple[str, int], LessonVersion] = field(default_factory=dict)
    curricula: dict[str, Curriculum] = field(default_factory=dict)
    sessions: dict[tuple[str, str], KnownSession] = field(default_factory=dict)
    recordings: dict[tuple[str, str], Recording] = field(default_factory=dict)  # by session


class FakeReads:
    state: CatalogState

    async def get_lesson(self, district_id: str, lesson_id: str) -> Lesson | None:
        lesson = self.state.lessons.get(lesson_id)
        return lesson if lesson is not None and lesson.district_id == district_id else None

    async def list_lessons(self, district_id: str, query: LessonQuery) -> list[Lesson]:
        found = sorted(
            (
                lesson
                for lesson in self.state.lessons.values()
                if lesson.district_id == district_id
                and lesson.status in query.statuses
                and (
                    query.drafts_by in (None, lesson.created_by)
                    or lesson.status is not LessonStatus.DRAFT
                )
                and _matches(lesson, query)
                and (
                    query.after is None
                    or (lesson.created_at, lesson.id)
                    > (query.after.created_at, query.after.lesson_id)
                )
            ),
            key=lambda lesson: (lesson.created_at, lesson.id),
        )
        return found[: query.limit]

    async def count_lessons(self, district_id: str, query: LessonQuery) -> int:
        every = replace(query, limit=len(self.state.lessons))
        return len(await self.list_lessons(district_id, every))

    async def get_lessons(self, district_id: str, lesson_ids: list[str]) -> list[Lesson]:
        found = (self.state.lessons.get(i) for i in set(lesson_ids))
        return [
            lesson for lesson in found if lesson is not None and lesson.district_id == district_id
        ]

    async def lessons_of_curriculum(
        self, district_id: str, curriculum_id: str
    ) -> frozenset[str] | None:
        curriculum = self.state.curricula.get(curriculum_id)
        if curriculum is None or curriculum.district_id != district_id:
            return None
        return curriculum.lesson_ids

    async def get_curriculum(self, district_id: str, curriculum_id: str) -> Curriculum | None:
        found = self.state.curricula.get(curriculum_id)
        return found if found is not None and found.district_id == district_id else None

    async def list_curricula(
        self, district_id: str, after: CurriculumPosition | None, limit: int
    ) -> list[Curriculum]:
        found = sorted(
            (
                c
                for c in self.state.curricula.values()
                if c.district_id == district_id
                and (
                    after is None or (c.created_at, c.id) > (after.created_at, after.curriculum_id)
                )
            ),
            key=lambda c: (c.created_at, c.id),
        )
        return found[:limit]

    async def count_curricula(self, district_id: str) -> int:
        return sum(c.district_id == district_id for c in self.state.curricula.values())

    async def get_lesson_version(
        self, district_id: str, lesson_id: str, version: int
    ) -> LessonVersion | None:
        found = self.state.versions.get((lesson_id, version))
        return found if found is not None and found.district_id == district_id else None

    async def get_session(self, district_id: str, session_id: str) -> KnownSession | None:
        return self.state.sessions.get((district_id, session_id))

    async def get_recording(self, district_id: str, session_id: str) -> Recording | None:
        return self.state.recordings.get((district_id, session_id))

    async def list_recordings(
        self,
        district_id: str,
        lesson_id: str,
        section_ids: Collection[str] | None = None,
        *,
        after: Position | None = None,
        limit: int = MAX_PAGE,
    ) -> list[Recording]:
        found = [
            recording
            for (district, _), recording in self.state.recordings.items()
            if district == district_id
            and recording.lesson_id == lesson_id
            and (section_ids is None or recording.section_id in section_ids)
            and (
                after is None
                or (recording.published_at, recording.id) < (after.created_at, after.id)
            )
        ]
        found.sort(key=lambda r: (r.published_at, r.id), reverse=True)
        return found[:limit]

    async def count_recordings(
        self, district_id: str, lesson_id: str, section_ids: Collection[str] | None = None
    ) -> int:
        every = len(self.state.recordings)
        return len(await self.list_recordings(district_id, lesson_id, section_ids, limit=every))


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

    async def add_curriculum(self, curriculum: Curriculum) -> None:
        assert curriculum.id not in self.state.curricula
        self.state.curricula[curriculum.id] = curriculum

    async def save_curriculum(self, curriculum: Curriculum, *, expected: Curriculum) -> bool:
        stored = self.state.curricula.get(expected.id)
        if stored is None or stored.edits != expected.edits:
            return False
        self.state.curricula[curriculum.id] = curriculum
        return True

    async def add_lesson_version(self, version: LessonVersion) -> None:
        key = (version.lesson_id, version.version)
        assert key not in self.state.versions
        self.state.versions[key] = version

    async def save_session(self, session: KnownSession) -> None:
        self.state.sessions[(session.district_id, session.session_id)] = session

    async def add_recording(self, recording: Recording) -> None:
        key = (recording.district_id, recording.session_id)
        if key in self.state.recordings:
            raise RecordingExists(recording.session_id)
        self.state.recordings[key] = recording


class FakeCatalog(FakeStore[CatalogState, FakeCatalogTransaction], FakeReads):
    transaction = FakeCatalogTransaction

    def __init__(self) -> None:
        super().__init__(CatalogState())


def _matches(lesson: Lesson, query: LessonQuery) -> bool:
    """The store's filters and search, over the same fields `findable` gives it."""
    found: dict[str, Any] = findable(lesson.content)
    filters = query.filters
    wanted = [
        filters.subject is None or found["subject_key"] == filters.subject.strip().casefold(),
        filters.grade_band is None or found["grade_band"] == filters.grade_band.value,
        filters.standard is None or filters.standard.strip().upper() in found["standard_keys"],
        filters.mode_fit is None or filters.mode_fit.value in found["mode_fits"],
        filters.media_kind is None or filters.media_kind.value in found["media_kinds"],
        filters.max_download_bytes is None or found["download_bytes"] <= filters.max_download_bytes,
        filters.lesson_ids is None or lesson.id in filters.lesson_ids,
        set(query.words) <= set(found[WORDS]),
        query.in_title is None or query.in_title == (set(query.words) <= set(found[TITLE_WORDS])),
    ]
    return all(wanted)


def _at(position: Position) -> tuple[datetime, str]:
    return position.created_at, position.id
