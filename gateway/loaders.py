"""The per-request DataLoaders, one typed field each, built for one caller's rights."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from bookend.http_contracts.catalog import Lesson
from gateway.clients import CatalogClient, Clients
from gateway.upstream import UpstreamFailure

# At most this many calls to one service in flight for one request: a query naming hundreds of
# lessons waits its turn instead of opening hundreds of connections at once.
MAX_PARALLEL_CALLS = 8


@dataclass(frozen=True)
class Loaders:
    # None: no such lesson, or one this caller may not see.
    lessons: DataLoader[str, Lesson | None]

    @classmethod
    def for_caller(cls, clients: Clients) -> Loaders:
        """Fresh loaders: their caches hold what this caller may see, so never share them."""

        turns = asyncio.Semaphore(MAX_PARALLEL_CALLS)

        async def one(lesson_id: str) -> Lesson | None:
            async with turns:
                return await _lesson(clients.catalog, lesson_id)

        async def load_lessons(ids: list[str]) -> list[Lesson | None]:
            # The catalog has no batch read yet: one request per distinct id, a few at a time.
            return list(await asyncio.gather(*(one(i) for i in ids)))

        return cls(lessons=DataLoader(load_fn=load_lessons))


async def _lesson(catalog: CatalogClient, lesson_id: str) -> Lesson | None:
    try:
        return await catalog.get_lesson(lesson_id)
    except UpstreamFailure:
        return None  # not found, or not visible to this caller
