"""In-memory stand-ins for feedback's storage ports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bookend.contracts import CloudEvent
from services.feedback.domain import CheckIn, LiveChannel
from services.feedback.ports import FeedbackUnit

T = TypeVar("T")


@dataclass
class FakeUnit:
    """Works on copies; the store keeps them only if the work succeeds."""

    channels: dict[str, LiveChannel]
    check_ins: dict[str, CheckIn]
    inbox: set[str]
    events: list[CloudEvent] = field(default_factory=list)

    async def find_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        channel = self.channels.get(session_id)
        return channel if channel is not None and channel.district_id == district_id else None

    async def save_channel(self, channel: LiveChannel) -> None:
        self.channels[channel.session_id] = channel

    async def insert_check_in(self, check_in: CheckIn) -> None:
        assert check_in.id not in self.check_ins
        self.check_ins[check_in.id] = check_in

    async def emit(self, event: CloudEvent) -> None:
        self.events.append(event)

    async def first_time(self, consumer: str, event_id: str) -> bool:
        key = f"{consumer}:{event_id}"
        if key in self.inbox:
            return False
        self.inbox.add(key)
        return True


@dataclass
class FakeFeedback:
    channels: dict[str, LiveChannel] = field(default_factory=dict)
    check_ins: dict[str, CheckIn] = field(default_factory=dict)
    inbox: set[str] = field(default_factory=set)
    events: list[CloudEvent] = field(default_factory=list)

    async def atomically(self, work: Callable[[FeedbackUnit], Awaitable[T]]) -> T:
        unit = FakeUnit(dict(self.channels), dict(self.check_ins), set(self.inbox))
        result = await work(unit)
        self.channels, self.check_ins, self.inbox = unit.channels, unit.check_ins, unit.inbox
        self.events = [*self.events, *unit.events]
        return result

    async def find_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        return await self._view().find_channel(district_id, session_id)

    async def find_check_in(self, district_id: str, checkin_id: str) -> CheckIn | None:
        item = self.check_ins.get(checkin_id)
        return item if item is not None and item.district_id == district_id else None

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]:
        return sorted(
            (
                item for item in self.check_ins.values()
                if (item.district_id, item.session_id) == (district_id, session_id)
                and student_id in (None, item.student_id)
            ),
            key=lambda item: (item.recorded_at, item.id),
        )

    def _view(self) -> FakeUnit:
        return FakeUnit(self.channels, self.check_ins, self.inbox)


class TickingClock:
    """A clock that moves one second each time it is read, so recording order is clear."""

    def __init__(self, start: datetime = datetime(2025, 9, 1, 9, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now
