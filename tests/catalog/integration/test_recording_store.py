"""The recordings' store on the real embedded store: a recording comes back as it was stored,
and a second one for a session loses on the unique index (two attaches racing)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bookend.contracts.scheduler import SessionStatus
from bookend.mongo import MIGRATIONS, MongoSettings, connect
from services.catalog.recordings.domain import KnownSession, Recording, RecordingExists
from services.catalog.recordings.ports import Transaction
from services.catalog.recordings.store import (
    ORDER,
    ORDER_ADDED,
    RECORDINGS,
    recording_document,
)
from services.catalog.store import CatalogStore
from tests.catalog.builders import RECORDING, ended, heard, scheduled

# An id that reads as a number: the embedded store once matched such ids by number.
ENDED = heard(scheduled("10", district_id="district-1"), ended("10", district_id="district-1"))


@pytest.fixture
async def store(
    mongo_settings: MongoSettings, unique: Callable[[str], str]
) -> AsyncIterator[CatalogStore]:
    client = connect(mongo_settings)
    store = CatalogStore(client, unique("recording_store"))
    await store.create_indexes()
    try:
        yield store
    finally:
        await client.drop_database(store.db.name)
        await client.close()


def recorded(recording_id: str) -> Recording:
    ids = iter((f"media-{recording_id}", recording_id))
    made, _ = ENDED.record(
        RECORDING, existing=None, new_id=lambda: next(ids), at=datetime(2025, 3, 3, 16, tzinfo=UTC)
    )
    return made


async def test_a_session_and_its_recording_come_back_as_they_were_stored(
    store: CatalogStore,
) -> None:
    recording = recorded("rec-1")

    async def work(tx: Transaction) -> None:
        await tx.save_session(ENDED)
        await tx.add_recording(recording)

    await store.atomically(work)
    assert await store.get_session("district-1", "10") == ENDED
    assert await store.get_recording("district-1", "10") == recording
    assert await store.list_recordings("district-1", "lesson-1", {"sec-x"}) == [recording]
    assert await store.list_recordings("district-1", "lesson-1", {"sec-y"}) == []
    assert await store.get_recording("district-2", "10") is None


async def test_a_second_recording_of_a_session_is_refused_by_the_unique_index(
    store: CatalogStore,
) -> None:
    first = recorded("rec-1")

    async def add(recording: Recording) -> None:
        async def work(tx: Transaction) -> None:
            await tx.add_recording(recording)

        await store.atomically(work)

    await add(first)
    with pytest.raises(RecordingExists):
        await add(replace(recorded("rec-2"), title="Raced"))
    assert await store.list_recordings("district-1", "lesson-1") == [first]


async def test_saving_a_session_again_replaces_it(store: CatalogStore) -> None:
    async def save(session: KnownSession) -> None:
        async def work(tx: Transaction) -> None:
            await tx.save_session(session)

        await store.atomically(work)

    await save(replace(ENDED, status=SessionStatus.LIVE, ended_at=None))
    await save(ENDED)
    assert await store.get_session("district-1", "10") == ENDED
    assert await store.db["sessions"].count_documents({}) == 1


async def test_recordings_stored_before_paging_get_their_order_once_and_are_listed(
    store: CatalogStore,
) -> None:
    older = recorded("rec-old")
    later = datetime(2025, 3, 4, 16, tzinfo=UTC)
    newer = replace(recorded("rec-new"), session_id="11", published_at=later)
    for recording in (older, newer):
        doc = recording_document(recording)
        del doc[ORDER]  # as a recording was stored before lessons' recordings were paged
        await store.db[RECORDINGS].insert_one(doc)
    # The database as it was before: the migration not run yet.
    await store.db[MIGRATIONS].delete_one({"_id": ORDER_ADDED})
    await store.create_indexes()  # what a start-up does
    assert {d["_id"]: d[ORDER] for d in await store.db[RECORDINGS].find().to_list()} == {
        r.id: recording_document(r)[ORDER] for r in (older, newer)
    }
    listed = await store.list_recordings("district-1", older.lesson_id)
    assert listed == [newer, older]
    assert await store.list_recordings("district-1", older.lesson_id, limit=1) == [newer]
