"""The catalog's HTTP API as typed calls: lessons and their components, recordings."""

from __future__ import annotations

from bookend.contracts.catalog import LessonStatus
from bookend.http_contracts.catalog import (
    Lesson,
    LessonCreate,
    LessonFilters,
    LessonList,
    LessonPage,
    LessonVersion,
)
from bookend.http_contracts.curricula import (
    Curriculum,
    CurriculumCreate,
    CurriculumPage,
    Placement,
    UnitCreate,
)
from bookend.http_contracts.recordings import Recording, RecordingCreate, RecordingPage
from gateway.upstream import Page, ServiceClient, at


class CatalogClient(ServiceClient):
    async def get_lesson(self, lesson_id: str) -> Lesson:
        return await self.call(Lesson, "GET", at("/lessons/{lesson_id}", lesson_id=lesson_id))

    async def get_lessons(self, lesson_ids: list[str]) -> LessonList:
        return await self.call(LessonList, "GET", "/lessons/by-id", params={"id": lesson_ids})

    async def get_lesson_version(self, lesson_id: str, version: int) -> LessonVersion:
        path = at(
            "/lessons/{lesson_id}/versions/{version}", lesson_id=lesson_id, version=str(version)
        )
        return await self.call(LessonVersion, "GET", path)

    async def list_lessons(
        self,
        page: Page,
        status: LessonStatus | None = None,
        search: str | None = None,
        filters: LessonFilters | None = None,
    ) -> LessonPage:
        params = {**page.params(), "status": status, "q": search}
        if filters is not None:
            params |= filters.model_dump(mode="json")
        return await self.call(LessonPage, "GET", "/lessons", params=params)

    async def get_curriculum(self, curriculum_id: str) -> Curriculum:
        path = at("/curricula/{curriculum_id}", curriculum_id=curriculum_id)
        return await self.call(Curriculum, "GET", path)

    async def list_curricula(self, page: Page) -> CurriculumPage:
        return await self.call(CurriculumPage, "GET", "/curricula", params=page.params())

    async def create_curriculum(
        self, curriculum: CurriculumCreate, key: str | None = None
    ) -> Curriculum:
        return await self.call(Curriculum, "POST", "/curricula", body=curriculum, key=key)

    async def add_unit(
        self, curriculum_id: str, unit: UnitCreate, key: str | None = None
    ) -> Curriculum:
        path = at("/curricula/{curriculum_id}/units", curriculum_id=curriculum_id)
        return await self.call(Curriculum, "POST", path, body=unit, key=key)

    async def place_lesson(
        self,
        curriculum_id: str,
        unit_id: str,
        lesson_id: str,
        placement: Placement,
        key: str | None = None,
    ) -> Curriculum:
        path = at(
            "/curricula/{curriculum_id}/units/{unit_id}/lessons/{lesson_id}",
            curriculum_id=curriculum_id,
            unit_id=unit_id,
            lesson_id=lesson_id,
        )
        return await self.call(Curriculum, "PUT", path, body=placement, key=key)

    async def remove_from_curriculum(
        self, curriculum_id: str, lesson_id: str, key: str | None = None
    ) -> Curriculum:
        path = at(
            "/curricula/{curriculum_id}/lessons/{lesson_id}",
            curriculum_id=curriculum_id,
            lesson_id=lesson_id,
        )
        return await self.call(Curriculum, "DELETE", path, key=key)

    async def create_lesson(self, lesson: LessonCreate, key: str | None = None) -> Lesson:
        return await self.call(Lesson, "POST", "/lessons", body=lesson, key=key)

    async def publish_lesson(self, lesson_id: str, key: str | None = None) -> Lesson:
        return await self.call(
            Lesson, "POST", at("/lessons/{lesson_id}/publish", lesson_id=lesson_id), key=key
        )

    async def edit_lesson(
        self, lesson_id: str, lesson: LessonCreate, key: str | None = None
    ) -> Lesson:
        path = at("/lessons/{lesson_id}", lesson_id=lesson_id)
        return await self.call(Lesson, "PUT", path, body=lesson, key=key)

    async def discard_revision(self, lesson_id: str, key: str | None = None) -> Lesson:
        path = at("/lessons/{lesson_id}/revision", lesson_id=lesson_id)
        return await self.call(Lesson, "DELETE", path, key=key)

    async def adopt_lesson(self, lesson_id: str, key: str | None = None) -> Lesson:
        path = at("/lessons/{lesson_id}/adopt", lesson_id=lesson_id)
        return await self.call(Lesson, "POST", path, key=key)

    async def archive_lesson(self, lesson_id: str, key: str | None = None) -> Lesson:
        path = at("/lessons/{lesson_id}/archive", lesson_id=lesson_id)
        return await self.call(Lesson, "POST", path, key=key)

    async def attach_recording(
        self, session_id: str, recording: RecordingCreate, key: str | None = None
    ) -> Recording:
        path = at("/sessions/{session_id}/recording", session_id=session_id)
        return await self.call(Recording, "POST", path, body=recording, key=key)

    async def list_lesson_recordings(self, lesson_id: str, page: Page) -> RecordingPage:
        path = at("/lessons/{lesson_id}/recordings", lesson_id=lesson_id)
        return await self.call(RecordingPage, "GET", path, params=page.params())
