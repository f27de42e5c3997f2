"""The per-request loaders: one query naming hundreds of lessons stays gentle on the catalog."""

from __future__ import annotations

import asyncio

import httpx

from bookend.contracts.catalog import LessonStatus
from gateway.clients import Upstreams
from gateway.loaders import MAX_PARALLEL_CALLS, Loaders
from gateway.upstream import Upstream
from tests.gateway.stubs import a_lesson


class SlowCatalog:
    """A catalog that answers after a moment, counting how many calls are in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most_in_flight = 0
        self.calls = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        lesson_id = request.url.path.rsplit("/", 1)[1]
        return httpx.Response(
            200, content=a_lesson(lesson_id, LessonStatus.PUBLISHED).model_dump_json()
        )


async def test_hundreds_of_lessons_are_loaded_a_few_calls_at_a_time() -> None:
    catalog = SlowCatalog()
    upstream = Upstream(
        "catalog", "http://catalog", 5, transport=httpx.MockTransport(catalog.handle)
    )
    idle = Upstream("other", "http://other", 5, transport=httpx.MockTransport(catalog.handle))
    clients = Upstreams(catalog=upstream, scheduler=idle, feedback=idle).as_caller("token")
    loaders = Loaders.for_caller(clients)
    ids = [f"lesson-{n}" for n in range(300)]
    lessons = await asyncio.gather(*(loaders.lessons.load(i) for i in [*ids, *ids]))
    assert [lesson.id if lesson else None for lesson in lessons] == [*ids, *ids]
    assert catalog.calls == 300  # each distinct lesson once
    assert catalog.most_in_flight <= MAX_PARALLEL_CALLS
