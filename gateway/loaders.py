"""The per-request DataLoaders, one typed field each, built for one caller's rights."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from bookend.http_contracts.catalog import Lesson
from gateway.clients import CatalogClient, Clients
from gateway.upstream import UpstreamFailure


@dataclass(frozen=True)
class Loaders:
    # None: no such lesson, or one this caller may not see.
    lessons: DataLoader[str, Lesson | None]

    @classmethod
    def for_caller(cls, clients: Clients) -> Loaders:
        """Fresh loaders: their caches hold what this caller may see, so never share them."""

        async def load_lessons(ids: list[str]) -> list[Lesson | None]:
            # The catalog has no batch read yet: one request per distinct id, all at once.
            return list(await asyncio.gather(*(_lesson(clients.catalog, i) for i in ids)))

        return cls(lessons=DataLoader(load_fn=load_lessons))


async def _lesson(catalog: CatalogClient, lesson_id: str) -> Lesson | None:
    try:
        return await catalog.get_lesson(lesson_id)
    except UpstreamFailure:
        return None  # not found, or not visible to this caller
