"""Balance policies over HTTP against the real store: a change is measured in its transaction;
advise answers with warnings and sends the event, enforce refuses with the figures and changes
nothing; weekly plans of a section and a student.

The harness's lesson bookends a session with 10 minutes of pre-work due when it starts and 15
of follow-up due 48 hours after it ends. Monday 2031-03-10, 10:00 in New York (the section's
zone) is in ISO week 2031-W11.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bookend.contracts import Topic
from bookend.eventbus import KafkaSettings
from tests.scheduler.integration.harness import (
    GUARDIAN,
    OTHER_STUDENT,
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    lesson_published,
)
from tests.support.polling import eventually
from tests.support.running import watching

MONDAY_10 = datetime(2031, 3, 10, 14, 0, tzinfo=UTC)
WEEK = "2031-W11"


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    await fresh_scheduler.load_roster()
    await fresh_scheduler.learn(lesson_published(fresh_scheduler.lesson_id))
    yield fresh_scheduler


async def set_policy(scheduler: Scheduler, mode: str, cap: int | None = 60) -> Json:
    body = {"min_on_demand_share": 0.1, "max_live_minutes_per_day": cap, "mode": mode}
    return await scheduler.ok("PUT", "/sections/sec-math/balance-policy", TEACHER, json=body)


async def plan(scheduler: Scheduler) -> Json:
    return await scheduler.ok("GET", "/sections/sec-math/plan", TEACHER, params={"week": WEEK})


async def test_advise_mode_answers_with_the_warning_and_sends_the_event(
    scheduler: Scheduler, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    policy = await set_policy(scheduler, "advise")
    assert (policy["daily_cap"], policy["mode"], policy["set_by"]) == (60, "advise", "teacher-1")
    first = await scheduler.schedule(MONDAY_10)
    assert first["balance_warnings"] == []
    async with watching(kafka_settings, [Topic.SCHEDULER_BALANCE], unique("balance")) as seen:
        second = await scheduler.schedule(MONDAY_10 + timedelta(hours=2))

        def mine() -> list[Json]:
            return [e.data for e in seen if e.data["warnings"][0]["period"] == "2031-03-10"]

        await eventually(lambda: len(mine()) >= 1)
    warning = {
        "rule": "max_live_minutes_per_day",
        "period": "2031-03-10",
        "figure": 100.0,
        "limit": 60.0,
        "live_minutes": 100,
        "on_demand_minutes": 20,
    }
    assert second["balance_warnings"] == [
        warning
        | {"message": "100 live minutes on 2031-03-10, more than the 60 a day the policy allows"}
    ]
    [event] = mine()
    assert event == {
        "district_id": "district-1",
        "section_id": "sec-math",
        "mode": "advise",
        "change": "sessions_scheduled",
        "warnings": [warning],
    }
    listed = await scheduler.ok("GET", "/sections/sec-math/sessions", TEACHER)
    assert len(listed["items"]) == 2


async def test_enforce_mode_refuses_with_the_figures_and_nothing_changes(
    scheduler: Scheduler,
) -> None:
    await set_policy(scheduler, "enforce")
    first = await scheduler.schedule(MONDAY_10)
    before = await plan(scheduler)
    refused = await scheduler.http.post(
        "/sessions", headers=TEACHER, json=scheduler.session_body(MONDAY_10 + timedelta(hours=2))
    )
    body = refused.json()
    assert (refused.status_code, body["kind"], body["code"]) == (
        409,
        "policy_violation",
        "BALANCE_POLICY_VIOLATION",
    )
    assert [(b["rule"], b["period"], b["figure"], b["limit"]) for b in body["breaches"]] == [
        ("max_live_minutes_per_day", "2031-03-10", 100, 60)
    ]
    assert await plan(scheduler) == before
    listed = await scheduler.ok("GET", "/sections/sec-math/sessions", TEACHER)
    assert [s["id"] for s in listed["items"]] == [first["id"]]
    later = MONDAY_10 + timedelta(days=1)
    moved = await scheduler.http.post(
        f"/sessions/{first['id']}/reschedule",
        headers=TEACHER,
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()},
    )
    assert (moved.status_code, moved.json()["breaches"][0]["period"]) == (409, "2031-03-11")


async def test_a_series_change_answers_with_the_warnings_of_the_whole_change(
    scheduler: Scheduler,
) -> None:
    first = await scheduler.schedule(MONDAY_10, recurrence="FREQ=DAILY;COUNT=2")
    await set_policy(scheduler, "advise")
    moved = await scheduler.ok(
        "POST",
        f"/series/{first['series_id']}/reschedule",
        TEACHER,
        json={"starts_at": "09:00:00", "minutes": 90},
    )
    assert [s["balance_warnings"] for s in moved["items"]] == [[], []]
    assert [(w["period"], w["figure"]) for w in moved["balance_warnings"]] == [
        ("2031-03-10", 90),
        ("2031-03-11", 90),
    ]


async def test_the_weekly_plan_of_a_section_and_of_a_student(scheduler: Scheduler) -> None:
    await scheduler.schedule(MONDAY_10)
    await scheduler.schedule(MONDAY_10 + timedelta(hours=2))
    await set_policy(scheduler, "advise")
    week = await scheduler.ok("GET", "/sections/sec-math/plan", STUDENT, params={"week": WEEK})
    assert (week["week"], week["time_zone"], week["live_minutes"], week["on_demand_minutes"]) == (
        WEEK,
        "America/New_York",
        100,
        50,
    )
    # Pre-work (2 x 10) due Monday, follow-up (2 x 15) due Wednesday.
    assert [(d["day"], d["live_minutes"], d["on_demand_minutes"]) for d in week["days"][:3]] == [
        ("2031-03-10", 100, 20),
        ("2031-03-11", 0, 0),
        ("2031-03-12", 0, 30),
    ]
    assert week["on_demand_share"] == pytest.approx(50 / 150)
    assert week["policy"]["daily_cap"] == 60
    assert [w["rule"] for w in week["warnings"]] == ["max_live_minutes_per_day"]
    # Student-1 is in London: the same minutes, on London's days.
    mine = await scheduler.ok("GET", "/students/student-1/plan", GUARDIAN, params={"week": WEEK})
    assert (mine["time_zone"], mine["live_minutes"], mine["on_demand_minutes"]) == (
        "Europe/London",
        100,
        50,
    )
    assert mine["policy"] is None and mine["student_id"] == "student-1"
    other = await scheduler.http.get("/students/student-1/plan", headers=OTHER_STUDENT)
    assert other.status_code == 403
    bad = await scheduler.http.get(
        "/sections/sec-math/plan", headers=TEACHER, params={"week": "2031-11"}
    )
    assert (bad.status_code, [(e["field"], e["rule"]) for e in bad.json()["errors"]]) == (
        422,
        [("week", "iso_week")],
    )


async def test_a_policy_is_set_by_the_sections_teacher_and_checked_whole(
    scheduler: Scheduler,
) -> None:
    none = await scheduler.http.get("/sections/sec-math/balance-policy", headers=TEACHER)
    assert (none.status_code, none.json()["code"]) == (404, "BALANCE_POLICY_NOT_FOUND")
    bad = {"min_on_demand_share": 2, "max_live_minutes_per_day": -1, "mode": "enforce"}
    refused = await scheduler.http.put(
        "/sections/sec-math/balance-policy", headers=TEACHER, json=bad
    )
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [
        ("min_on_demand_share", "in_range"),
        ("max_live_minutes_per_day", "in_range"),
    ]
    student = await scheduler.http.put(
        "/sections/sec-math/balance-policy",
        headers=STUDENT,
        json={"min_on_demand_share": 0.6},
    )
    assert student.status_code == 403
    set_ = await set_policy(scheduler, "advise", cap=None)
    assert (set_["max_live_minutes_per_day"], set_["daily_cap"], set_["grade_band"]) == (
        None,
        None,
        None,
    )
    read = await scheduler.ok("GET", "/sections/sec-math/balance-policy", TEACHER)
    assert read == set_
