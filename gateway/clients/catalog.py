"""The catalog's HTTP API as typed calls: lessons and their components."""

from __future__ import annotations

from bookend.contracts.catalog import LessonStatus
from bookend.http_contracts.catalog import Lesson, LessonCreate, LessonPage
from gateway.upstream import Upstream


class CatalogClient:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def get_lesson(self, lesson_id: str, *, token: str) -> Lesson:
        return await self.upstream.call(Lesson, "GET", f"/lessons/{lesson_id}", token=token)

    async def list_lessons(
        self,
        *,
        token: str,
        first: int,
        after: str | None = None,
        status: LessonStatus | None = None,
        search: str | None = None,
    ) -> LessonPage:
        params = {"first": first, "after": after, "status": status, "q": search}
        return await self.upstream.call(LessonPage, "GET", "/lessons", token=token, params=params)

    async def create_lesson(self, lesson: LessonCreate, *, token: str) -> Lesson:
        return await self.upstream.call(Lesson, "POST", "/lessons", token=token, body=lesson)

    async def publish_lesson(self, lesson_id: str, *, token: str) -> Lesson:
        return await self.upstream.call(
            Lesson, "POST", f"/lessons/{lesson_id}/publish", token=token
        )
