"""The catalog's HTTP API as typed calls: lessons and their components, recordings."""

from __future__ import annotations

from bookend.contracts.catalog import LessonStatus
from bookend.http_contracts.catalog import Lesson, LessonCreate, LessonPage, LessonVersion
from bookend.http_contracts.recordings import Recording, RecordingCreate, RecordingList
from gateway.upstream import Page, ServiceClient, at


class CatalogClient(ServiceClient):
    async def get_lesson(self, lesson_id: str) -> Lesson:
        return await self.call(Lesson, "GET", at("/lessons/{lesson_id}", lesson_id=lesson_id))

    async def get_lesson_version(self, lesson_id: str, version: int) -> LessonVersion:
        path = at(
            "/lessons/{lesson_id}/versions/{version}", lesson_id=lesson_id, version=str(version)
        )
        return await self.call(LessonVersion, "GET", path)

    async def list_lessons(
        self, page: Page, status: LessonStatus | None = None, search: str | None = None
    ) -> LessonPage:
        params = {**page.params(), "status": status, "q": search}
        return await self.call(LessonPage, "GET", "/lessons", params=params)

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

    async def archive_lesson(self, lesson_id: str, key: str | None = None) -> Lesson:
        path = at("/lessons/{lesson_id}/archive", lesson_id=lesson_id)
        return await self.call(Lesson, "POST", path, key=key)

    async def attach_recording(
        self, session_id: str, recording: RecordingCreate, key: str | None = None
    ) -> Recording:
        path = at("/sessions/{session_id}/recording", session_id=session_id)
        return await self.call(Recording, "POST", path, body=recording, key=key)

    async def list_lesson_recordings(self, lesson_id: str) -> RecordingList:
        path = at("/lessons/{lesson_id}/recordings", lesson_id=lesson_id)
        return await self.call(RecordingList, "GET", path)
