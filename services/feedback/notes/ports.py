"""What notes' use cases need from storage, so unit tests can use fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.cursors import Position
from bookend.outbox import Outbox
from services.feedback.live.domain import LiveChannel
from services.feedback.notes.domain import Note
from services.feedback.plan.ports import PlanReads
from services.feedback.progress.domain import KnownTask

T = TypeVar("T")


class Reads(PlanReads, Protocol):
    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        """The school a section belongs to, as the scheduler's events told it."""
        ...

    async def get_known_task(self, district_id: str, task_id: str) -> KnownTask | None:
        """A task as the scheduler announced it (progress's copy)."""
        ...

    async def get_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        """The session's live channel: who the section expected when it started."""
        ...

    async def get_note(self, district_id: str, note_id: str) -> Note | None: ...

    async def list_notes(
        self, district_id: str, student_id: str, *, after: Position | None, limit: int
    ) -> list[Note]:
        """A student's notes, newest first, after the position given."""
        ...

    async def count_notes_of(self, district_id: str, student_id: str) -> int:
        """How many notes a student has, all told."""
        ...

    async def count_notes(
        self, district_id: str, student_id: str, about: str, *, up_to: int
    ) -> int:
        """How many notes a student has about one task or session, counted no further than
        `up_to`."""
        ...


class Transaction(Reads, Outbox, Protocol):
    async def add_note(self, note: Note) -> None: ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
