"""What feedback's use cases and handlers need from storage, so unit tests can use fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.contracts import CloudEvent
from services.feedback.domain import CheckIn, LiveChannel

T = TypeVar("T")


class FeedbackUnit(Protocol):
    """One transaction: state, emitted events and the inbox mark commit together or not at all."""

    async def find_channel(self, district_id: str, session_id: str) -> LiveChannel | None: ...

    async def save_channel(self, channel: LiveChannel) -> None: ...

    async def insert_check_in(self, check_in: CheckIn) -> None: ...

    async def emit(self, event: CloudEvent) -> None: ...

    async def first_time(self, consumer: str, event_id: str) -> bool: ...


class FeedbackRepository(Protocol):
    async def atomically(self, work: Callable[[FeedbackUnit], Awaitable[T]]) -> T: ...

    async def find_channel(self, district_id: str, session_id: str) -> LiveChannel | None: ...

    async def find_check_in(self, district_id: str, checkin_id: str) -> CheckIn | None: ...

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]:
        """A session's check-ins (only one student's, if given) in the order they were recorded."""
        ...
