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
from bookend.http_contracts.feedback import Question
from gateway.clients import CatalogClient, Clients, FeedbackClient
from gateway.upstream import UpstreamFailure

# At most this many calls to one service in flight for one request, each for at most this many
# ids (the bound of the services' batch reads): a query naming hundreds of lessons (a
# curriculum's units) or sessions (a section's term) costs a few calls.
MAX_PARALLEL_CALLS = 8
BATCH = 100

T = TypeVar("T")


@dataclass(frozen=True)
class Loaders:
    # None: no such lesson, or one this caller may not see.
    lessons: DataLoader[str, Lesson | None]
    # Each session's questions left for its follow-up, as this caller may see them.
    follow_up_questions: DataLoader[str, list[Question]]

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

        async def load_follow_up_questions(session_ids: list[str]) -> list[list[Question]]:
            by_session: dict[str, list[Question]] = defaultdict(list)
            fetch = partial(_follow_up_questions, clients.feedback)
            for question in await batched(session_ids, fetch):
                by_session[question.session_id].append(question)
            return [by_session.get(i, []) for i in session_ids]

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


async def _follow_up_questions(feedback: FeedbackClient, session_ids: list[str]) -> list[Question]:
    """Those the caller may see, of every session at once; a refused read shows none."""
    try:
        return (await feedback.list_follow_up_questions(session_ids)).items
    except UpstreamFailure:
        return []
