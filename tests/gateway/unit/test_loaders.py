"""The per-request loaders: one query naming hundreds of lessons or sessions costs a few
batched calls."""

from __future__ import annotations

import asyncio

import httpx

from bookend.contracts.catalog import LessonStatus
from bookend.http_contracts.catalog import LessonList
from bookend.http_contracts.feedback import FollowUpQuestionPages
from gateway.clients import Upstreams
from gateway.loaders import BATCH, MAX_PARALLEL_CALLS, FirstPage, Loaders
from gateway.upstream import Upstream
from tests.gateway.stubs import a_lesson


class SlowCatalog:
    """A catalog that answers after a moment, counting how many calls are in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most_in_flight = 0
        self.calls = 0
        self.asked: list[str] = []

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        assert request.url.path == "/lessons/by-id"
        ids = request.url.params.get_list("id")
        self.asked += ids
        # One the caller may not see is left out, as the catalog does.
        found = [a_lesson(i, LessonStatus.PUBLISHED) for i in ids if i != "lesson-hidden"]
        return httpx.Response(200, content=LessonList(items=found).model_dump_json())


async def test_hundreds_of_lessons_are_loaded_a_few_calls_at_a_time() -> None:
    catalog = SlowCatalog()
    upstream = Upstream(
        "catalog", "http://catalog", 5, transport=httpx.MockTransport(catalog.handle)
    )
    idle = Upstream("other", "http://other", 5, transport=httpx.MockTransport(catalog.handle))
    others = {"scheduler": idle, "feedback": idle, "integrations": idle}
    clients = Upstreams(catalog=upstream, **others).as_caller("token")
    loaders = Loaders.for_caller(clients)
    ids = [f"lesson-{n}" for n in range(1000)]
    wanted = [*ids, "lesson-hidden", *ids]
    lessons = await asyncio.gather(*(loaders.lessons.load(i) for i in wanted))
    assert [lesson.id if lesson else None for lesson in lessons] == [*ids, None, *ids]
    assert sorted(catalog.asked) == sorted([*ids, "lesson-hidden"])  # each once
    assert catalog.calls == 11  # at most BATCH a call
    assert 1 < catalog.most_in_flight <= MAX_PARALLEL_CALLS


async def test_a_terms_sessions_follow_up_questions_are_loaded_a_hundred_sessions_a_call() -> None:
    asked: list[list[str]] = []

    async def feedback(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/follow-up-questions"
        asked.append(request.url.params.get_list("session_id"))
        return httpx.Response(200, content=FollowUpQuestionPages(items=[]).model_dump_json())

    upstream = Upstream("feedback", "http://feedback", 5, transport=httpx.MockTransport(feedback))
    every = {name: upstream for name in ("catalog", "scheduler", "feedback", "integrations")}
    clients = Upstreams(**every).as_caller("t")
    loaders = Loaders.for_caller(clients)
    ids = [f"session-{n}" for n in range(250)]
    first_pages = [FirstPage(i, 20) for i in [*ids, *ids]]
    found = await asyncio.gather(*map(loaders.follow_up_questions.load, first_pages))
    assert [page.items for page in found] == [[]] * 500
    assert [len(call) for call in asked] == [BATCH, BATCH, 50]
    assert sorted(i for call in asked for i in call) == sorted(ids)  # each once
