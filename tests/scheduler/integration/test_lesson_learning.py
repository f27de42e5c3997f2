"""The scheduler learns lessons from the catalog's topic: once per event, newest version kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bookend.contracts import CloudEvent, Topic, dead_letter_topic
from bookend.contracts.catalog import LessonRevised
from bookend.eventbus import KafkaSettings
from bookend.mongo import MongoSettings, connect
from bookend.outbox.inbox import INBOX
from services.scheduler.sessions.store import LESSONS
from tests.scheduler.integration.harness import (
    OTHER_DISTRICT,
    TEACHER,
    Scheduler,
    hours_from_now,
    lesson_archived,
    lesson_published,
)
from tests.support.polling import eventually
from tests.support.running import watching


@pytest.fixture
def scheduler(fresh_scheduler: Scheduler) -> Scheduler:
    return fresh_scheduler


async def test_a_published_lesson_becomes_a_summary_the_api_answers_with(
    scheduler: Scheduler,
) -> None:
    learned = await scheduler.learn(lesson_published(scheduler.lesson_id))
    assert learned["lesson_id"] == scheduler.lesson_id
    assert (learned["district_id"], learned["version"], learned["title"]) == (
        "district-1",
        1,
        "Fractions",
    )
    assert [
        (c["component_id"], c["kind"], c["mode_fit"], c["minutes"]) for c in learned["components"]
    ] == [
        ("c1", "introduce", "on_demand", 10),
        ("c2", "discussion", "live", 20),
        ("c3", "practice", "either", 15),
    ]
    elsewhere = await scheduler.http.get(f"/lessons/{scheduler.lesson_id}", headers=OTHER_DISTRICT)
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "LESSON_NOT_FOUND")


async def test_the_same_event_twice_leaves_one_summary_and_one_inbox_mark(
    scheduler: Scheduler, mongo_settings: MongoSettings
) -> None:
    event = lesson_published(scheduler.lesson_id)
    await scheduler.learn(event)
    await scheduler.publisher.publish(event)
    # The same id carrying other data shows the inbox, not the version check, skips it.
    await scheduler.publisher.publish(replace(event, data=event.data | {"version": 5}))
    # One partition keeps order: once a later lesson is learned, the repeats were handled.
    await scheduler.learn(lesson_published(f"{scheduler.lesson_id}-later"))
    client = connect(mongo_settings)
    try:
        db = client[scheduler.database]
        assert await db[LESSONS].count_documents({"lesson_id": scheduler.lesson_id}) == 1
        assert await db[INBOX].count_documents({"event_id": event.id}) == 1
    finally:
        await client.close()
    lesson = await scheduler.http.get(f"/lessons/{scheduler.lesson_id}", headers=TEACHER)
    assert lesson.json()["version"] == 1


async def test_an_older_version_arriving_late_is_ignored(scheduler: Scheduler) -> None:
    await scheduler.learn(lesson_published(scheduler.lesson_id, version=2, title="Newer"))
    await scheduler.publisher.publish(
        lesson_published(scheduler.lesson_id, version=1, title="Older")
    )
    await scheduler.learn(lesson_published(f"{scheduler.lesson_id}-later"))
    lesson = await scheduler.http.get(f"/lessons/{scheduler.lesson_id}", headers=TEACHER)
    assert (lesson.json()["version"], lesson.json()["title"]) == (2, "Newer")


async def test_a_lesson_event_whose_data_fails_validation_ends_in_the_dead_letter_topic(
    scheduler: Scheduler, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    broken = CloudEvent(
        id=str(uuid.uuid4()),
        source="bookend/catalog",
        type="bookend.catalog.lesson.published.v1",
        subject=scheduler.lesson_id,
        time=datetime.now(UTC),
        districtid="district-1",
        key=scheduler.lesson_id,
        topic=Topic.CATALOG_LESSON.value,
        data={"district_id": "district-1", "lesson_id": scheduler.lesson_id, "version": "one"},
    )
    dlq = dead_letter_topic(Topic.CATALOG_LESSON)
    assert dlq == "bookend.catalog.lesson.v1.dlq"
    async with watching(kafka_settings, [dlq], unique("dlq-watch")) as dead:
        await scheduler.publisher.publish(broken)
        await eventually(lambda: any(e.id == broken.id for e in dead))
    assert next(e.topic for e in dead if e.id == broken.id) == dlq
    missing = await scheduler.http.get(f"/lessons/{scheduler.lesson_id}", headers=TEACHER)
    assert missing.status_code == 404


async def test_a_revised_lesson_replaces_the_copy_and_a_planned_session_keeps_its_version(
    scheduler: Scheduler,
) -> None:
    await scheduler.load_roster()
    await scheduler.learn(lesson_published(scheduler.lesson_id))
    session = await scheduler.schedule(hours_from_now(72))
    assert session["lesson_version"] == 1
    revised = lesson_published(
        scheduler.lesson_id, version=2, title="Fractions, revised", kind=LessonRevised
    )
    assert revised.type == "bookend.catalog.lesson.revised.v1"
    learned = await scheduler.learn(revised)
    assert (learned["version"], learned["title"]) == (2, "Fractions, revised")
    kept = await scheduler.ok("GET", f"/sessions/{session['id']}", TEACHER)
    assert kept["lesson_version"] == 1


async def test_an_archived_lesson_is_planned_with_no_more(scheduler: Scheduler) -> None:
    await scheduler.load_roster()
    await scheduler.learn(lesson_published(scheduler.lesson_id))
    await scheduler.publisher.publish(lesson_archived(scheduler.lesson_id))

    async def archived() -> bool:
        lesson = await scheduler.ok("GET", f"/lessons/{scheduler.lesson_id}", TEACHER)
        return bool(lesson["archived"])

    await eventually(archived)
    refused = await scheduler.http.post(
        "/sessions", json=scheduler.session_body(hours_from_now(72)), headers=TEACHER
    )
    assert refused.status_code == 422
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [
        ("lesson_id", "not_archived")
    ]
