"""What students did reaches their feeds on the real broker and store: progress reports from the
feedback topic (repeated and out of order), a session's attendance summary, and a teacher's
excusal over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bookend.auth import Role
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.feedback import AttendanceSummarized, ProgressRecorded, TaskProgress
from tests.scheduler.integration.harness import (
    ADMIN,
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)
from tests.support.auth import bearer
from tests.support.polling import eventually

NOW = datetime.now(UTC)
NEW_STUDENT = bearer("student-3", Role.STUDENT)


@pytest.fixture
async def scheduler(fresh_scheduler: Scheduler) -> AsyncIterator[Scheduler]:
    await fresh_scheduler.load_roster()
    await fresh_scheduler.enrol("sec-math", "student-3", "America/Chicago")
    await fresh_scheduler.learn(lesson_published(fresh_scheduler.lesson_id))
    yield fresh_scheduler


def progress(task: Json, student: str, state: TaskProgress, report: str) -> CloudEvent:
    payload = ProgressRecorded(
        district_id="district-1",
        report_id=report,
        task_id=task["item_id"],
        section_id=task["section_id"],
        student_id=student,
        state=state,
        time_spent_seconds=60,
        occurred_at=NOW,
        recorded_at=NOW,
    )
    return new_event("bookend/feedback", payload)


async def statuses(scheduler: Scheduler, student: dict[str, str]) -> dict[str, str]:
    feed = await scheduler.ok("GET", "/feed", student)
    return {item["item_id"]: item["status"] for item in feed["items"]}


async def test_progress_and_attendance_from_feedback_become_each_students_statuses(
    scheduler: Scheduler,
) -> None:
    session = await scheduler.schedule(hours_from_now(3))
    feed = (await scheduler.ok("GET", "/feed", STUDENT))["items"]
    pre_work = next(i for i in feed if i["bookend"] == "pre_work" and i["status"] == "not_started")
    # Completed, then the same report again and a started report queued offline before it.
    await scheduler.publisher.publish(progress(pre_work, "student-1", TaskProgress.STARTED, "r1"))
    done = progress(pre_work, "student-1", TaskProgress.COMPLETED, "r2")
    await scheduler.publisher.publish(done)
    await scheduler.publisher.publish(done)
    await scheduler.publisher.publish(progress(pre_work, "student-1", TaskProgress.STARTED, "r0"))
    # Then another student's report, on the same partition (keyed by section): once it shows,
    # every report before it has been applied.
    await scheduler.publisher.publish(progress(pre_work, "student-3", TaskProgress.STARTED, "r9"))
    summary = AttendanceSummarized(
        district_id="district-1",
        session_id=session["id"],
        section_id="sec-math",
        present=[],
        late=["student-1"],
        left_early=[],
        absent=["student-3"],
        summarized_at=NOW,
    )
    await scheduler.publisher.publish(new_event("bookend/feedback", summary))

    async def both_known() -> dict[str, str] | None:
        # Two topics: their events arrive in either order.
        theirs = await statuses(scheduler, NEW_STUDENT)
        known = theirs[session["id"]] == "missed" and theirs[pre_work["item_id"]] == "in_progress"
        return theirs if known else None

    await eventually(both_known)
    # The report queued before the completion, read after it, changed nothing back.
    mine = await statuses(scheduler, STUDENT)
    assert (mine[session["id"]], mine[pre_work["item_id"]]) == ("attended", "done")
    # Filters see the statuses too.
    done_only = await scheduler.ok("GET", "/feed", STUDENT, params={"statuses": "done"})
    assert [i["item_id"] for i in done_only["items"]] == [pre_work["item_id"]]


async def test_a_teacher_excuses_a_student_over_http_and_takes_it_back(
    scheduler: Scheduler,
) -> None:
    await scheduler.schedule(hours_from_now(3))
    feed = (await scheduler.ok("GET", "/feed", NEW_STUDENT))["items"]
    task_id = next(i["item_id"] for i in feed if i["bookend"] == "follow_up")
    url = f"/tasks/{task_id}/students/student-3/excusal"

    refused = await scheduler.http.put(url, headers=TEACHER, json={"reason": "  "})
    assert refused.status_code == 422
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [("reason", "not_blank")]
    assert (
        await scheduler.http.put(url, headers=OTHER_TEACHER, json={"reason": "ill"})
    ).status_code == 403
    assert (
        await scheduler.http.put(url, headers=STUDENT, json={"reason": "ill"})
    ).status_code == 403
    assert (await statuses(scheduler, NEW_STUDENT))[task_id] == "upcoming"

    excusal = await scheduler.ok("PUT", url, TEACHER, json={"reason": "family emergency"})
    assert (excusal["excused"], excusal["reason"], excusal["excused_by"]) == (
        True,
        "family emergency",
        "teacher-1",
    )
    assert (await statuses(scheduler, NEW_STUDENT))[task_id] == "excused"
    assert (await statuses(scheduler, STUDENT))[task_id] == "upcoming"
    taken_back = await scheduler.ok("DELETE", url, ADMIN)
    assert taken_back == {
        "task_id": task_id,
        "student_id": "student-3",
        "excused": False,
        "reason": None,
        "excused_by": None,
        "excused_at": None,
    }
    assert (await statuses(scheduler, NEW_STUDENT))[task_id] == "upcoming"
