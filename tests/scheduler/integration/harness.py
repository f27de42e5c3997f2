"""The scheduler app against the real embedded broker and store, with a small roster and lesson."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bookend.auth import AuthSettings, Role
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import ComponentKind, LessonComponentData, LessonPublished, ModeFit
from bookend.eventbus import EventConsumer, KafkaPublisher, KafkaSettings
from bookend.outbox import MongoSettings
from services.scheduler.app import create_app
from services.scheduler.settings import SchedulerSettings
from tests.support.auth import token_for

Json = dict[str, Any]


def bearer(subject: str, *roles: Role, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(subject, *roles, **claims)}"}


ADMIN = bearer("admin-1", Role.DISTRICT_ADMIN)
TEACHER = bearer("teacher-1", Role.TEACHER)
OTHER_TEACHER = bearer("teacher-2", Role.TEACHER)
STUDENT = bearer("student-1", Role.STUDENT)
OTHER_STUDENT = bearer("student-2", Role.STUDENT)
GUARDIAN = bearer("guardian-1", Role.GUARDIAN, children=frozenset({"student-1"}))
OTHER_GUARDIAN = bearer("guardian-2", Role.GUARDIAN, children=frozenset({"student-2"}))
OTHER_DISTRICT = bearer("teacher-9", Role.TEACHER, district="district-2")


async def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    """Poll until `condition` holds; the deadline only bounds a broken run."""
    async with asyncio.timeout(seconds):
        while True:
            if condition():
                return
            await asyncio.sleep(0.05)


def lesson_published(lesson_id: str, *, version: int = 1, title: str = "Fractions") -> CloudEvent:
    components = [
        ("c1", "Watch the number line", "introduce", "on_demand", 10),
        ("c2", "Discuss placements", "discussion", "live", 20),
        ("c3", "Place ten fractions", "practice", "either", 15),
    ]
    return new_event("bookend/catalog", LessonPublished(
        district_id="district-1", lesson_id=lesson_id, version=version, title=title,
        subject="math", summary="Fractions between 0 and 1.", published_at=datetime.now(UTC),
        components=[
            LessonComponentData(
                component_id=cid, title=t, kind=ComponentKind(kind), mode_fit=ModeFit(fit),
                minutes=m,
            )
            for cid, t, kind, fit, m in components
        ],
    ))


def hours_from_now(hours: float) -> datetime:
    """Whole hours ahead, so statuses do not change while a test runs."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


@dataclass
class Scheduler:
    http: httpx.AsyncClient
    publisher: KafkaPublisher
    database: str
    lesson_id: str = field(default_factory=lambda: f"lesson-{uuid.uuid4().hex[:8]}")

    async def ok(self, method: str, url: str, headers: dict[str, str], **kw: Any) -> Json:
        response = await self.http.request(method, url, headers=headers, **kw)
        assert response.status_code in (200, 201), response.text
        body: Json = response.json()
        return body

    async def learn(self, event: CloudEvent) -> Json:
        """Publish a lesson event as the catalog would and wait until the scheduler knows it."""
        await self.publisher.publish(event)
        lesson_id, version = event.data["lesson_id"], event.data["version"]
        async with asyncio.timeout(10):
            while True:
                response = await self.http.get(f"/lessons/{lesson_id}", headers=TEACHER)
                if response.status_code == 200 and response.json()["version"] >= version:
                    learned: Json = response.json()
                    return learned
                await asyncio.sleep(0.05)

    async def load_roster(self) -> None:
        """Math (teacher-1, student-1) in school-1; art (teacher-2, student-2) in school-2."""
        for school in ("school-1", "school-2"):
            await self.ok("PUT", f"/schools/{school}", ADMIN, json={"name": school})
        for section, school, teacher, student in (
            ("sec-math", "school-1", "teacher-1", "student-1"),
            ("sec-art", "school-2", "teacher-2", "student-2"),
        ):
            await self.ok("PUT", f"/sections/{section}", ADMIN, json={
                "school_id": school, "name": section, "subject": "math",
                "time_zone": "America/New_York", "teacher_ids": [teacher],
            })
            await self.ok("PUT", f"/sections/{section}/enrolments/{student}", ADMIN,
                          json={"time_zone": "Europe/London"})

    def session_body(self, starts: datetime, **overrides: Any) -> Json:
        body: Json = {
            "section_id": "sec-math", "lesson_id": self.lesson_id,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=50)).isoformat(),
            "time_zone": "America/New_York",
        }
        return body | overrides

    async def schedule(self, starts: datetime, **overrides: Any) -> Json:
        return await self.ok("POST", "/sessions", TEACHER,
                             json=self.session_body(starts, **overrides))


@asynccontextmanager
async def running_scheduler(
    kafka: KafkaSettings, mongo: MongoSettings, auth: AuthSettings, unique: Callable[[str], str]
) -> AsyncIterator[Scheduler]:
    database = unique("scheduler")
    app = create_app(
        SchedulerSettings(database=database, relay_poll_interval=0.1),
        kafka=kafka, mongo=mongo, auth=auth, consumer_group=unique("scheduler-group"),
    )
    publisher = KafkaPublisher(kafka)
    async with app.router.lifespan_context(app):
        await publisher.start()
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://scheduler") as http:
                yield Scheduler(http, publisher, database)
        finally:
            await publisher.stop()


@asynccontextmanager
async def watching(
    kafka: KafkaSettings, topics: Collection[str], group: str
) -> AsyncIterator[list[CloudEvent]]:
    """Collect every event that reaches `topics` while the block runs."""
    received: list[CloudEvent] = []

    async def keep(event: CloudEvent) -> None:
        received.append(event)

    watcher = EventConsumer(kafka, topics=topics, handle=keep, group_id=group, dead_letters=None)
    await watcher.start()
    try:
        yield received
    finally:
        await watcher.stop()

