"""What feedback's use cases and handlers need from storage, so unit tests can use fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from bookend.paging import KeyedPage, PageAsk
from services.feedback.live.domain import (
    AttendanceSummary,
    Attendee,
    CheckIn,
    LiveChannel,
    SectionSchool,
)

T = TypeVar("T")


class Reads(Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_channel(self, district_id: str, session_id: str) -> LiveChannel | None: ...

    async def get_check_in(self, district_id: str, checkin_id: str) -> CheckIn | None: ...

    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        """The school a section belongs to, as the scheduler's events told it."""
        ...

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]:
        """A session's check-ins (only one student's, if given) in the order they were recorded."""
        ...

    async def page_check_ins(
        self, district_id: str, session_id: str, asked: PageAsk, *, student_id: str | None = None
    ) -> KeyedPage[CheckIn]:
        """A page of a session's check-ins (only one student's, if given), as recorded."""
        ...

    async def get_attendee(
        self, district_id: str, session_id: str, student_id: str
    ) -> Attendee | None:
        """One student's joins and leaves of a session, if they reported any."""
        ...

    async def list_attendees(self, district_id: str, session_id: str) -> list[Attendee]:
        """Every student who reported joining a session (at most its section's students)."""
        ...

    async def get_attendance_summary(
        self, district_id: str, session_id: str
    ) -> AttendanceSummary | None: ...


class Transaction(Reads, Outbox, Protocol):
    """One transaction: state, emitted events and the inbox mark commit together or not at all."""

    async def save_channel(self, channel: LiveChannel) -> None: ...

    async def add_check_in(self, check_in: CheckIn) -> None: ...

    async def save_section_school(self, placement: SectionSchool) -> None: ...

    async def save_attendee(self, attendee: Attendee) -> None: ...

    async def add_attendance_summary(self, summary: AttendanceSummary) -> None:
        """One a session: a second fails the transaction."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
