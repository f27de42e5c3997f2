"""The scheduler shows a recording on its session once the catalog publishes it: from the
catalog's topic (once per event), and along the whole path, the catalog learning the session
from the scheduler's own events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bookend.auth import Role
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import ComponentKind, ModeFit, RecordingPublished
from bookend.contracts.feedback import AttendanceSummarized
from services.catalog.app import create_app as create_catalog
from services.catalog.settings import CatalogSettings
from tests.scheduler.integration.harness import (
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)
from tests.support.auth import bearer
from tests.support.polling import eventually
from tests.support.running import Fresh

CDN = "https://cdn.example.org"
# The catalog reads a teacher's sections from the token; the scheduler from its roster.
TEACHER_OF_MATH = bearer("teacher-1", Role.TEACHER, sections=frozenset({"sec-math"}))
RECORDING: Json = {
    "url": f"{CDN}/fractions.mp4",
    "duration_seconds": 3001,
    "bytes": 700_000_000,
    "captions": [{"language": "en", "url": f"{CDN}/fractions.en.vtt"}],
}


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    await fresh_scheduler.load_roster()
    await fresh_scheduler.learn(lesson_published(fresh_scheduler.lesson_id))
    yield fresh_scheduler


def published(session: Json, url: str = f"{CDN}/fractions.mp4") -> CloudEvent:
    payload = RecordingPublished(
        district_id="district-1",
        component_id="rec-1",
        session_id=session["id"],
        section_id=session["section_id"],
        lesson_id=session["lesson_id"],
        lesson_version=session["lesson_version"],
        title="Fractions, recorded",
        kind=ComponentKind.MODEL,
        mode_fit=ModeFit.ON_DEMAND,
        minutes=51,
        url=url,
        duration_seconds=3001,
        bytes=700_000_000,
        published_at=datetime(2025, 3, 3, 16, tzinfo=UTC),
    )
    return new_event("bookend/catalog", payload)


async def recorded(scheduler: Scheduler, session_id: str) -> Any:
    async def shown() -> Any:
        session = await scheduler.ok("GET", f"/sessions/{session_id}", STUDENT)
        return session["recording"]

    return await eventually(shown)


async def test_a_published_recording_shows_on_its_session_once(scheduler: Scheduler) -> None:
    session = await scheduler.schedule(hours_from_now(2))
    assert session["recording"] is None
    event = published(session)
    await scheduler.publisher.publish(event)
    assert await recorded(scheduler, session["id"]) == {
        "component_id": "rec-1",
        "title": "Fractions, recorded",
        "minutes": 51,
        "url": f"{CDN}/fractions.mp4",
        "published_at": "2025-03-03T16:00:00Z",
    }
    # The same id with another URL: the inbox skips it. One partition keeps the section's
    # order, so once a later session's recording shows, the repeat was handled.
    await scheduler.publisher.publish(replace(event, data=event.data | {"url": f"{CDN}/x.mp4"}))
    later = await scheduler.schedule(hours_from_now(5))
    await scheduler.publisher.publish(published(later))
    await recorded(scheduler, later["id"])
    shown = await scheduler.ok("GET", f"/sessions/{session['id']}", TEACHER)
    assert shown["recording"]["url"] == f"{CDN}/fractions.mp4"


async def test_a_recording_attached_in_the_catalog_reaches_the_schedulers_session(
    scheduler: Scheduler, fresh: Fresh
) -> None:
    """The scheduler's events teach the catalog the session; its recording comes back."""
    settings = fresh.settings(CatalogSettings, "catalog")
    async with fresh.serve(create_catalog, settings, "catalog") as catalog:
        session = await scheduler.schedule(hours_from_now(1))
        await scheduler.ok("POST", f"/sessions/{session['id']}/start", TEACHER)
        await scheduler.ok("POST", f"/sessions/{session['id']}/end", TEACHER)

        async def attached() -> Json | None:
            response = await catalog.http.post(
                f"/sessions/{session['id']}/recording", json=RECORDING, headers=TEACHER_OF_MATH
            )
            if response.status_code != 201:  # not heard of, or of its end, yet
                assert response.json()["code"] in ("SESSION_NOT_FOUND", "SESSION_NOT_ENDED")
                return None
            body: Json = response.json()
            return body

        recording = await eventually(attached, seconds=30)
        assert (recording["lesson_id"], recording["lesson_version"]) == (scheduler.lesson_id, 1)
        assert recording["title"] == session["title"]
        shown = await recorded(scheduler, session["id"])
    assert shown["component_id"] == recording["id"]
    assert (shown["minutes"], shown["url"]) == (51, RECORDING["url"])


async def test_the_recording_reaches_the_feeds_of_those_absent_only(scheduler: Scheduler) -> None:
    """Over the real broker: who missed the session (the feedback service's summary) and the
    recording (the catalog's), in either order; the recording lands as catch-up work for the
    absent student only."""
    await scheduler.enrol("sec-math", "student-3", "Europe/London")
    session = await scheduler.schedule(hours_from_now(2))
    absent = AttendanceSummarized(
        district_id="district-1",
        session_id=session["id"],
        section_id="sec-math",
        present=["student-1"],
        late=[],
        left_early=[],
        absent=["student-3"],
        summarized_at=datetime.now(UTC),
    )
    await scheduler.publisher.publish(new_event("bookend/feedback", absent))
    await scheduler.publisher.publish(published(session))
    absent_student = bearer("student-3", Role.STUDENT)

    async def caught_up() -> list[str] | None:
        feed = await scheduler.ok("GET", "/feed", absent_student, params={"first": 100})
        found = [i["title"] for i in feed["items"] if i["title"].startswith("Catch up")]
        return found or None

    assert await eventually(caught_up) == ["Catch up: Fractions, recorded"]
    feed = await scheduler.ok("GET", "/feed", STUDENT, params={"first": 100})
    assert not [i for i in feed["items"] if i["title"].startswith("Catch up")]
