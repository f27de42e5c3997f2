"""What the recordings' use cases and the session handlers need from storage, so unit tests
can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Protocol, TypeVar

from bookend.cursors import Position
from bookend.outbox import Outbox
from services.catalog.recordings.domain import KnownSession, Recording

T = TypeVar("T")

# A lesson's recordings are read newest first, a page of at most this many at a time.
MAX_PAGE = 100


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_session(self, district_id: str, session_id: str) -> KnownSession | None: ...

    async def get_recording(self, district_id: str, session_id: str) -> Recording | None:
        """The recording of a session, if it has one."""
        ...

    async def list_recordings(
        self,
        district_id: str,
        lesson_id: str,
        section_ids: Collection[str] | None = None,
        *,
        after: Position | None = None,
        limit: int = MAX_PAGE,
    ) -> list[Recording]:
        """A lesson's recordings, newest first (by when published, then id), after the
        position `after` (exclusive); with `section_ids`, only those of these sections."""
        ...

    async def count_recordings(
        self, district_id: str, lesson_id: str, section_ids: Collection[str] | None = None
    ) -> int: ...


class Transaction(Reads, Outbox, Protocol):
    """One transaction: a recording and the event announcing it commit together or not at all."""

    async def save_session(self, session: KnownSession) -> None: ...

    async def add_recording(self, recording: Recording) -> None:
        """Store a new recording; RecordingExists if its session has one already."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
