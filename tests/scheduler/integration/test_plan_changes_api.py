"""Series, moves, cancellations and clashes over HTTP against the real store: the feeds follow
every change, and a refusal changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.scheduler.integration.harness import (
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)

STARTS = hours_from_now(24)


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    await fresh_scheduler.load_roster()
    await fresh_scheduler.learn(lesson_published(fresh_scheduler.lesson_id))
    yield fresh_scheduler


@pytest.fixture(scope="module")
async def refusing(module_scheduler: Scheduler) -> Scheduler:
    """The same, shared by the module's refused plans (each checks the feed stays empty)."""
    await module_scheduler.load_roster()
    await module_scheduler.learn(lesson_published(module_scheduler.lesson_id))
    return module_scheduler


async def feed(scheduler: Scheduler) -> dict[str, Json]:
    page = await scheduler.ok("GET", "/feed", STUDENT, params={"first": 100})
    return {item["item_id"]: item for item in page["items"]}


async def test_a_weekly_series_lands_in_the_feed_and_one_occurrence_moves_with_its_bookends(
    scheduler: Scheduler,
) -> None:
    first = await scheduler.schedule(STARTS, recurrence="FREQ=WEEKLY;COUNT=3")
    series = await scheduler.ok("GET", f"/series/{first['series_id']}", TEACHER)
    assert next(s["starts_at"] for s in series["sessions"]) == first["starts_at"]
    assert len(series["sessions"]) == 3
    second = series["sessions"][1]
    later = STARTS + timedelta(weeks=1, days=1)
    body = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(minutes=50)).isoformat()}
    moved = await scheduler.ok("POST", f"/sessions/{second['id']}/reschedule", TEACHER, json=body)
    items = await feed(scheduler)
    assert items[second["id"]]["starts_at"] == moved["starts_at"]
    for before, after in zip(second["tasks"], moved["tasks"], strict=True):
        assert after["due_at"] != before["due_at"]
        assert items[after["id"]]["due_at"] == after["due_at"]
    # A page read in order still finds each item once, at its new place.
    assert len(items) == 3 * (1 + len(first["tasks"]))


async def test_a_cancelled_occurrence_shows_cancelled_and_its_bookends_leave_the_feed(
    scheduler: Scheduler,
) -> None:
    booked = await scheduler.schedule(STARTS)
    cancelled = await scheduler.ok("POST", f"/sessions/{booked['id']}/cancel", TEACHER)
    assert cancelled["status"] == "cancelled"
    assert all(task["withdrawn_at"] for task in cancelled["tasks"])
    items = await feed(scheduler)
    assert [(i["item_id"], i["status"]) for i in items.values()] == [(booked["id"], "cancelled")]
    again = await scheduler.http.post(f"/sessions/{booked['id']}/cancel", headers=TEACHER)
    assert (again.status_code, again.json()["code"]) == (409, "SESSION_NOT_SCHEDULED")


async def test_a_clash_is_refused_with_the_session_it_clashes_with_and_nothing_changes(
    scheduler: Scheduler,
) -> None:
    booked = await scheduler.schedule(STARTS)
    before = await feed(scheduler)
    refused = await scheduler.http.post(
        "/sessions",
        headers=TEACHER,
        json=scheduler.session_body(
            STARTS + timedelta(minutes=20), recurrence="FREQ=DAILY;COUNT=2"
        ),
    )
    body = refused.json()
    assert (refused.status_code, body["code"]) == (409, "SCHEDULE_CONFLICT")
    assert [(c["kind"], c["other_id"]) for c in body["clashes"]] == [("section", booked["id"])]
    assert await feed(scheduler) == before


@pytest.mark.parametrize(
    ("overrides", "broken"),
    [
        ({"modality": "virtual"}, [("join_url", "required_online")]),
        ({"join_url": "https://meet.example/abc"}, [("join_url", "online_only")]),
        ({"modality": "hybrid", "join_url": "http://plain.example"}, [("join_url", "https_url")]),
        ({"recurrence": "FREQ=WEEKLY"}, [("recurrence", "bounded")]),
        ({"recurrence": "FREQ=MINUTELY;COUNT=5"}, [("recurrence", "supported_freq")]),
    ],
)
async def test_bad_plans_are_refused_by_field_and_rule(
    refusing: Scheduler, overrides: Json, broken: list[tuple[str, str]]
) -> None:
    refused = await refusing.http.post(
        "/sessions", headers=TEACHER, json=refusing.session_body(STARTS, **overrides)
    )
    assert refused.status_code == 422
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == broken
    assert await feed(refusing) == {}


async def test_a_lesson_published_a_moment_ago_can_be_scheduled_at_once(
    scheduler: Scheduler,
) -> None:
    """Read your own writes (ADR 0025): no wait for the event before scheduling."""
    fresh = f"{scheduler.lesson_id}-new"
    await scheduler.publisher.publish(lesson_published(fresh))
    booked = await scheduler.schedule(STARTS, lesson_id=fresh)
    assert booked["lesson_id"] == fresh


async def test_a_series_moves_to_a_new_local_time_and_can_be_cancelled_whole(
    scheduler: Scheduler,
) -> None:
    first = await scheduler.schedule(STARTS, recurrence="FREQ=WEEKLY;COUNT=2")
    url = f"/series/{first['series_id']}"
    moved = await scheduler.ok(
        "POST", f"{url}/reschedule", TEACHER, json={"starts_at": "07:15", "minutes": 30}
    )
    assert [s["sequence"] for s in moved["items"]] == [1, 1]
    assert all(s["starts_at"].endswith(("11:15:00Z", "12:15:00Z")) for s in moved["items"])
    cancelled = await scheduler.ok("POST", f"{url}/cancel", TEACHER)
    assert {s["status"] for s in cancelled["items"]} == {"cancelled"}
