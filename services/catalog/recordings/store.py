"""Sessions as the catalog knows them, and their recordings, in the catalog's database.
`services/catalog/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from collections.abc import Collection

from pymongo.errors import DuplicateKeyError

from bookend.cursors import Position
from bookend.mongo import Document, Queries, from_document, order_key, to_document
from services.catalog.recordings.domain import KnownSession, Recording, RecordingExists
from services.catalog.recordings.ports import MAX_PAGE

SESSIONS, RECORDINGS = "sessions", "recordings"
# When published, then id, as one string (dates compare only to the second on the embedded
# store, ADR 0007): newest first, and the key a page goes on from.
ORDER = "order"
NEWEST_FIRST = [(ORDER, -1)]
ORDER_ADDED = "recording_order_added"

# (collection, fields, unique). One recording a session: the unique index settles a race that
# the use case's own check cannot see.
INDEXES: list[tuple[str, list[str], bool]] = [
    (SESSIONS, ["district_id", "session_id"], True),
    (RECORDINGS, ["district_id", "session_id"], True),
    (RECORDINGS, ["district_id", "lesson_id", ORDER], False),
]


def recording_document(recording: Recording) -> Document:
    return to_document(recording, key="id") | {
        ORDER: order_key(recording.published_at, recording.id)
    }


class RecordingQueries(Queries):
    async def get_session(self, district_id: str, session_id: str) -> KnownSession | None:
        query = {"district_id": district_id, "session_id": session_id}
        return await self._get(KnownSession, SESSIONS, query)

    async def get_recording(self, district_id: str, session_id: str) -> Recording | None:
        query = {"district_id": district_id, "session_id": session_id}
        return await self._get(Recording, RECORDINGS, query, key="id")

    async def list_recordings(
        self,
        district_id: str,
        lesson_id: str,
        section_ids: Collection[str] | None = None,
        *,
        after: Position | None = None,
        limit: int = MAX_PAGE,
    ) -> list[Recording]:
        query = _recordings(district_id, lesson_id, section_ids)
        if after is not None:
            query[ORDER] = {"$lt": order_key(after.created_at, after.id)}
        docs = await self._many(RECORDINGS, query, NEWEST_FIRST, limit)
        return [
            from_document(Recording, {k: v for k, v in d.items() if k != ORDER}, key="id")
            for d in docs
        ]

    async def count_recordings(
        self, district_id: str, lesson_id: str, section_ids: Collection[str] | None = None
    ) -> int:
        return await self._count(RECORDINGS, _recordings(district_id, lesson_id, section_ids))

    async def add_recording_order(self) -> None:
        """Recordings stored before they were paged get their order key, once."""
        await self._add_missing(
            RECORDINGS,
            ORDER,
            lambda doc: recording_document(from_document(Recording, doc, key="id")),
            ORDER_ADDED,
        )


class RecordingWrites(RecordingQueries):
    async def save_session(self, session: KnownSession) -> None:
        await self._save(SESSIONS, session, "district_id", "session_id")

    async def add_recording(self, recording: Recording) -> None:
        doc = recording_document(recording)
        try:  # one document: a duplicate is a DuplicateKeyError (several: a BulkWriteError)
            await self.db[RECORDINGS].insert_one(doc, session=self.session)
        except DuplicateKeyError:
            raise RecordingExists(recording.session_id) from None


def _recordings(district_id: str, lesson_id: str, section_ids: Collection[str] | None) -> Document:
    query: Document = {"district_id": district_id, "lesson_id": lesson_id}
    if section_ids is not None:
        query["section_id"] = {"$in": sorted(section_ids)}
    return query
