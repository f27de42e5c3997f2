"""The per-request DataLoaders, one typed field each, built for one caller's rights."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from strawberry.dataloader import DataLoader

from bookend.http_contracts.catalog import Lesson
from bookend.http_contracts.feedback import QuestionPage, SessionQuestionPage
from bookend.http_contracts.paging import PageInfo
from gateway.clients import CatalogClient, Clients, FeedbackClient
from gateway.upstream import Page, UpstreamFailure

# At most this many calls to one service in flight for one request, each for at most this many
# ids (the bound of the services' batch reads): a query naming hundreds of lessons (a
# curriculum's units) or sessions (a section's term) costs a few calls.
MAX_PARALLEL_CALLS = 8
BATCH = 100

T = TypeVar("T")


@dataclass(frozen=True)
class FirstPage:
    """The first page of a session's questions left for its follow-up: how many, and whether
    they are all counted too. Sessions asked the same are read together."""

    session_id: str
    first: int
    total: bool = False


@dataclass(frozen=True)
class Loaders:
    # None: no such lesson, or one this caller may not see.
    lessons: DataLoader[str, Lesson | None]
    # The first page of each session's questions left for its follow-up, as this caller may
    # see them (none of a session they may not read).
    follow_up_questions: DataLoader[FirstPage, QuestionPage]

    @classmethod
    def for_caller(cls, clients: Clients) -> Loaders:
        """Fresh loaders: their caches hold what this caller may see, so never share them."""

        turns = asyncio.Semaphore(MAX_PARALLEL_CALLS)

        async def batched(
            ids: list[str], fetch: Callable[[list[str]], Awaitable[list[T]]]
        ) -> list[T]:
            async def some(chunk: list[str]) -> list[T]:
                async with turns:
                    return await fetch(chunk)

            chunks = [ids[at : at + BATCH] for at in range(0, len(ids), BATCH)]
            return [item for found in await asyncio.gather(*map(some, chunks)) for item in found]

        async def load_lessons(ids: list[str]) -> list[Lesson | None]:
            found = {
                lesson.id: lesson
                for lesson in await batched(ids, partial(_lessons, clients.catalog))
            }
            return [found.get(i) for i in ids]

        async def load_follow_up_questions(keys: list[FirstPage]) -> list[QuestionPage]:
            asked: dict[tuple[int, bool], list[str]] = defaultdict(list)
            for key in keys:
                asked[key.first, key.total].append(key.session_id)
            found: dict[FirstPage, QuestionPage] = {}
            for (first, total), session_ids in asked.items():
                fetch = partial(_follow_up_questions, clients.feedback, Page(first, total=total))
                for page in await batched(session_ids, fetch):
                    found[FirstPage(page.session_id, first, total)] = page
            return [found.get(key) or _none(key) for key in keys]

        return cls(
            lessons=DataLoader(load_fn=load_lessons),
            follow_up_questions=DataLoader(load_fn=load_follow_up_questions),
        )


async def _lessons(catalog: CatalogClient, lesson_ids: list[str]) -> list[Lesson]:
    """Those the caller may see; a refused read (an id no service could take) shows none."""
    try:
        return (await catalog.get_lessons(lesson_ids)).items
    except UpstreamFailure:
        return []


async def _follow_up_questions(
    feedback: FeedbackClient, page: Page, session_ids: list[str]
) -> list[SessionQuestionPage]:
    """The first page of each session's, as the caller may see them, of every session at
    once; a refused read shows none."""
    try:
        return (await feedback.list_follow_up_questions(session_ids, page)).items
    except UpstreamFailure:
        return []


def _none(key: FirstPage) -> QuestionPage:
    """An empty first page: a session whose questions the caller may not read."""
    info = PageInfo(has_next_page=False, end_cursor=None, total_count=0 if key.total else None)
    return QuestionPage(items=[], page_info=info)
