"""The catalog's one database: every slice's queries and writes on one store and transaction,
so a change in one slice and the events it causes commit together."""

from __future__ import annotations

from bookend.outbox import OutboxStore, OutboxTransaction
from services.catalog.curricula import store as curricula
from services.catalog.curricula.store import CurriculumQueries, CurriculumWrites
from services.catalog.lessons import store as lessons
from services.catalog.lessons.store import LessonQueries, LessonWrites
from services.catalog.recordings import store as recordings
from services.catalog.recordings.store import RecordingQueries, RecordingWrites


class CatalogTransaction(OutboxTransaction, LessonWrites, CurriculumWrites, RecordingWrites):
    """Offers every slice's `Transaction` port."""


class CatalogStore(
    OutboxStore[CatalogTransaction], LessonQueries, CurriculumQueries, RecordingQueries
):
    transaction = CatalogTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        for collection, fields, unique in (
            *lessons.INDEXES,
            *curricula.INDEXES,
            *recordings.INDEXES,
        ):
            await self._index(collection, fields, unique=unique)
        await self.nest_lesson_content()
        await self.add_search_fields()
        await self.add_recording_order()
