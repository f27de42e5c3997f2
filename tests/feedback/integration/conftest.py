"""A fresh feedback app per test on the real embedded broker and store, with helpers to drive
it as the scheduler and students would, and watchers of the topics it writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest

from bookend.auth import Role
from bookend.contracts import CloudEvent
from bookend.eventbus import EventConsumer, KafkaPublisher, KafkaSettings
from services.feedback.app import create_app
from services.feedback.settings import FeedbackSettings
from services.feedback.store import FeedbackStore
from tests.feedback import builders
from tests.support.auth import token_for
from tests.support.polling import eventually
from tests.support.running import Fresh

Collect = Callable[[str], Awaitable[list[CloudEvent]]]


@dataclass
class Feedback:
    http: httpx.AsyncClient
    store: FeedbackStore
    publisher: KafkaPublisher
    section: str

    def teacher(self) -> dict[str, str]:
        token = token_for("teacher-1", Role.TEACHER, sections=frozenset({self.section}))
        return {"Authorization": f"Bearer {token}"}

    def student(self, subject: str = "student-1") -> dict[str, str]:
        token = token_for(subject, Role.STUDENT, sections=frozenset({self.section}))
        return {"Authorization": f"Bearer {token}"}

    def started(self, session: str, at: datetime = builders.START) -> CloudEvent:
        return builders.started(session, self.section, "district-1", at)

    def ended(
        self, session: str, expected: list[str] | None = None, at: datetime = builders.END
    ) -> CloudEvent:
        return builders.ended(session, self.section, "district-1", expected, at)

    async def channel(self, session: str) -> dict[str, Any] | None:
        response = await self.http.get(f"/sessions/{session}/channel", headers=self.teacher())
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def channel_with(self, session: str, status: str) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            channel = await self.channel(session)
            return channel if channel is not None and channel["status"] == status else None

        return await eventually(reached)

    async def live(self, session: str) -> None:
        """The scheduler starts the session, and its channel is open."""
        await self.publisher.publish(self.started(session))
        await self.channel_with(session, "open")

    async def check_in(self, session: str, body: dict[str, Any]) -> httpx.Response:
        return await self.http.post(
            f"/sessions/{session}/checkins", json=body, headers=self.student()
        )

    async def presence(
        self, session: str, move: str, event_id: str, student: str = "student-1"
    ) -> httpx.Response:
        """`move` is `joins` or `leaves`; `event_id` the client's id for it."""
        return await self.http.post(
            f"/sessions/{session}/{move}",
            json={"client_event_id": event_id},
            headers=self.student(student),
        )


@pytest.fixture
async def feedback(
    fresh: Fresh, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> AsyncIterator[Feedback]:
    settings = fresh.settings(FeedbackSettings, "feedback")
    async with fresh.serve(create_app, settings, "feedback") as it:
        yield Feedback(it.http, it.state.store, publisher, unique("section"))


@pytest.fixture
async def collect(
    kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> AsyncIterator[Callable[[str], Awaitable[list[CloudEvent]]]]:
    """Start a watcher on a topic (from its beginning); returns the list it fills."""
    watchers: list[EventConsumer] = []

    async def watch(topic: str) -> list[CloudEvent]:
        received: list[CloudEvent] = []

        async def keep(event: CloudEvent) -> None:
            received.append(event)

        watcher = EventConsumer(
            kafka_settings,
            topics=[topic],
            handle=keep,
            group_id=unique("feedback-watch"),
            dead_letters=None,
        )
        await watcher.start()
        watchers.append(watcher)
        return received

    yield watch
    for watcher in watchers:
        await watcher.stop()
