"""The scheduler app against the real embedded broker and store, with a small roster and lesson."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bookend.auth import Role
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import (
    ComponentKind,
    LessonArchived,
    LessonComponentData,
    LessonPublished,
    LessonVersionData,
    ModeFit,
)
from bookend.eventbus import KafkaPublisher
from services.scheduler.app import create_app
from services.scheduler.settings import SchedulerSettings
from services.scheduler.store import SchedulerStore
from tests.support.auth import bearer
from tests.support.polling import eventually
from tests.support.running import Fresh

Json = dict[str, Any]

ADMIN = bearer("admin-1", Role.DISTRICT_ADMIN)
TEACHER = bearer("teacher-1", Role.TEACHER)
OTHER_TEACHER = bearer("teacher-2", Role.TEACHER)
STUDENT = bearer("student-1", Role.STUDENT)
OTHER_STUDENT = bearer("student-2", Role.STUDENT)
GUARDIAN = bearer("guardian-1", Role.GUARDIAN, children=frozenset({"student-1"}))
OTHER_GUARDIAN = bearer("guardian-2", Role.GUARDIAN, children=frozenset({"student-2"}))
OTHER_DISTRICT = bearer("teacher-9", Role.TEACHER, district="district-2")


def lesson_published(
    lesson_id: str,
    *,
    version: int = 1,
    title: str = "Fractions",
    kind: type[LessonVersionData] = LessonPublished,
) -> CloudEvent:
    """As the catalog announces a lesson's first version (or, with `kind`, a later one)."""
    components = [
        ("c1", "Watch the number line", ComponentKind.INTRODUCE, ModeFit.ON_DEMAND, 10),
        ("c2", "Discuss placements", ComponentKind.DISCUSSION, ModeFit.LIVE, 20),
        ("c3", "Place ten fractions", ComponentKind.PRACTICE, ModeFit.EITHER, 15),
    ]
    payload = kind(
        district_id="district-1",
        lesson_id=lesson_id,
        version=version,
        title=title,
        subject="math",
        summary="Fractions between 0 and 1.",
        published_at=datetime.now(UTC),
        components=[
            LessonComponentData(component_id=cid, title=t, kind=kind, mode_fit=fit, minutes=m)
            for cid, t, kind, fit, m in components
        ],
    )
    return new_event("bookend/catalog", payload)


def lesson_archived(lesson_id: str, *, version: int = 1) -> CloudEvent:
    payload = LessonArchived(
        district_id="district-1",
        lesson_id=lesson_id,
        version=version,
        archived_at=datetime.now(UTC),
    )
    return new_event("bookend/catalog", payload)


def hours_from_now(hours: float) -> datetime:
    """Whole hours ahead, so statuses do not change while a test runs."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


@dataclass
class Scheduler:
    http: httpx.AsyncClient
    publisher: KafkaPublisher
    database: str
    # The app's own store: writes made beside the API go through its client and write gate.
    store: SchedulerStore
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

        async def known() -> Json | None:
            response = await self.http.get(f"/lessons/{lesson_id}", headers=TEACHER)
            learned: Json = response.json()
            return (
                learned if response.status_code == 200 and learned["version"] >= version else None
            )

        return await eventually(known)

    async def load_roster(self) -> None:
        """Math (teacher-1, student-1) in school-1; art (teacher-2, student-2) in school-2."""
        for school in ("school-1", "school-2"):
            named = {"name": school, "time_zone": "America/New_York"}
            await self.ok("PUT", f"/schools/{school}", ADMIN, json=named)
        for section, school, teacher, student in (
            ("sec-math", "school-1", "teacher-1", "student-1"),
            ("sec-art", "school-2", "teacher-2", "student-2"),
        ):
            body = {
                "school_id": school,
                "name": section,
                "subject": "math",
                "time_zone": "America/New_York",
                "teacher_ids": [teacher],
            }
            await self.ok("PUT", f"/sections/{section}", ADMIN, json=body)
            await self.enrol(section, student, "Europe/London")

    async def enrol(self, section: str, student: str, time_zone: str) -> Json:
        url = f"/sections/{section}/enrolments/{student}"
        return await self.ok("PUT", url, ADMIN, json={"time_zone": time_zone})

    def session_body(self, starts: datetime, **overrides: Any) -> Json:
        body: Json = {
            "section_id": "sec-math",
            "lesson_id": self.lesson_id,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=50)).isoformat(),
            "time_zone": "America/New_York",
        }
        return body | overrides

    async def schedule(self, starts: datetime, **overrides: Any) -> Json:
        body = self.session_body(starts, **overrides)
        return await self.ok("POST", "/sessions", TEACHER, json=body)


@asynccontextmanager
async def running_scheduler(fresh: Fresh, publisher: KafkaPublisher) -> AsyncIterator[Scheduler]:
    """A fresh app on its own database and consumer group, and a publisher posing as the catalog."""
    settings = fresh.settings(SchedulerSettings, "scheduler")
    async with fresh.serve(create_app, settings, "scheduler") as it:
        yield Scheduler(it.http, publisher, settings.database, it.state.store)
