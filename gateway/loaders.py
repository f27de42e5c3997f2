"""The per-request DataLoaders, one typed field each, built for one caller's rights."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from bookend.http_contracts.catalog import Lesson
from gateway.clients import CatalogClient, Clients
from gateway.upstream import UpstreamFailure

# At most this many calls to one service in flight for one request, each for at most this many
# lessons: a query naming hundreds of lessons (a curriculum's units) costs a few calls.
MAX_PARALLEL_CALLS = 8
BATCH = 100


@dataclass(frozen=True)
class Loaders:
    # None: no such lesson, or one this caller may not see.
    lessons: DataLoader[str, Lesson | None]

    @classmethod
    def for_caller(cls, clients: Clients) -> Loaders:
        """Fresh loaders: their caches hold what this caller may see, so never share them."""

        turns = asyncio.Semaphore(MAX_PARALLEL_CALLS)

        async def some(lesson_ids: list[str]) -> list[Lesson]:
            async with turns:
                return await _lessons(clients.catalog, lesson_ids)

        async def load_lessons(ids: list[str]) -> list[Lesson | None]:
            chunks = [ids[at : at + BATCH] for at in range(0, len(ids), BATCH)]
            found = {
                lesson.id: lesson
                for chunk in await asyncio.gather(*(some(chunk) for chunk in chunks))
                for lesson in chunk
            }
            return [found.get(i) for i in ids]

        return cls(lessons=DataLoader(load_fn=load_lessons))


async def _lessons(catalog: CatalogClient, lesson_ids: list[str]) -> list[Lesson]:
    """Those the caller may see; a refused read (an id no service could take) shows none."""
    try:
        return (await catalog.get_lessons(lesson_ids)).items
    except UpstreamFailure:
        return []
