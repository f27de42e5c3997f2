"""Progress against the real embedded broker and store: feedback learns a task from the
scheduler's TaskAssigned, students report over HTTP, and each change of the merged progress is
one ProgressRecorded on its topic, through the outbox, however often a report is sent and in
whatever order an offline queue is replayed."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest

from bookend.auth import Role
from bookend.contracts import CloudEvent, Topic, spec_for
from bookend.contracts.feedback import ProgressRecorded
from bookend.eventbus import KafkaPublisher
from bookend.outbox.emit import OUTBOX
from services.feedback.app import create_app
from services.feedback.progress.store import PROGRESS_LOGS
from services.feedback.settings import FeedbackSettings
from tests.feedback import progress_builders as build
from tests.feedback.integration.conftest import Collect, Feedback
from tests.support.auth import token_for
from tests.support.polling import eventually
from tests.support.running import Fresh

ANA, BEN = "student-ana", "student-ben"
MAX_REPORTS = 6


@pytest.fixture
async def feedback(
    fresh: Fresh, publisher: KafkaPublisher, unique: Callable[[str], str]
) -> AsyncIterator[Feedback]:
    """The conftest's app, with a bound on reports small enough to reach over HTTP."""
    settings = fresh.settings(FeedbackSettings, "feedback").model_copy(
        update={"max_progress_reports": MAX_REPORTS}
    )
    async with fresh.serve(create_app, settings, "feedback") as it:
        yield Feedback(it.http, it.state.store, publisher, unique("section"))


def report(event_id: str, at: datetime, **more: Any) -> dict[str, Any]:
    return {"client_event_id": event_id, "occurred_at": at.isoformat(), **more}


async def send(
    feedback: Feedback, task: str, body: dict[str, Any], student: str = ANA
) -> httpx.Response:
    return await feedback.http.post(
        f"/tasks/{task}/progress", json=body, headers=feedback.student(student)
    )


async def progress_of(feedback: Feedback, task: str) -> dict[str, dict[str, Any]]:
    """Every student's progress on the task as its teacher reads it, by student."""
    response = await feedback.http.get(f"/tasks/{task}/progress", headers=feedback.teacher())
    assert response.status_code == 200, response.text
    return {s["student_id"]: s for s in response.json()["items"]}


async def learned(feedback: Feedback, task: str, students: list[str] | None = None) -> None:
    """The scheduler assigns the task, and feedback knows it."""
    announced = datetime.now(UTC) - timedelta(hours=1)
    event = build.assigned(task, feedback.section, "district-1", students, at=announced)
    await feedback.publisher.publish(event)

    async def known() -> bool:
        response = await feedback.http.get(f"/tasks/{task}/progress", headers=feedback.teacher())
        return response.status_code == 200

    await eventually(known)


async def test_a_report_on_a_task_learned_from_its_event_is_published_once(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    published = await collect(Topic.FEEDBACK_PROGRESS)
    task = unique("task")
    early = await send(feedback, task, report("r1", datetime.now(UTC)))
    # Reported before feedback heard of the task: refused, retryably, and nothing kept.
    assert (early.status_code, early.json()["code"]) == (404, "TASK_NOT_FOUND")
    await learned(feedback, task)

    began = datetime.now(UTC) - timedelta(minutes=10)
    body = report("r1", began, position_seconds=30, time_spent_seconds=30)
    first = await send(feedback, task, body)
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["repeated"] is False
    assert receipt["student"]["progress"] == {
        "state": "started",
        "started_at": receipt["occurred_at"],
        "completed_at": None,
        "position_seconds": 30,
        "time_spent_seconds": 30,
    }
    for _ in range(2):  # the client retries
        again = await send(feedback, task, body)
        assert (again.status_code, again.json()) == (200, receipt | {"repeated": True})

    async def announced() -> list[CloudEvent] | None:
        mine = [e for e in published if e.subject == task]
        return mine or None

    [event] = await eventually(announced)
    assert (event.type, event.source, event.key, event.districtid) == (
        spec_for(ProgressRecorded).type,
        "bookend/feedback",
        feedback.section,
        "district-1",
    )
    payload = ProgressRecorded.model_validate(event.data)
    assert (payload.student_id, payload.state, payload.report_count) == (ANA, "started", 1)
    kept = {"type": event.type, "subject": task}
    assert await feedback.store.db[OUTBOX].count_documents(kept) == 1
    assert await feedback.store.db[PROGRESS_LOGS].count_documents({"task_id": task}) == 1


async def test_an_offline_queue_replayed_out_of_order_and_twice_ends_as_sent_in_order(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    published = await collect(Topic.FEEDBACK_PROGRESS)
    task = unique("task")
    await learned(feedback, task)
    began = datetime.now(UTC) - timedelta(minutes=30)
    queue = [
        report(f"q{i}", began + timedelta(minutes=4 * i), position_seconds=100 * i)
        | {"time_spent_seconds": 240 if i else 0, "completed": i == 4}
        for i in range(5)
    ]
    for body in queue:  # Ana's client was online
        assert (await send(feedback, task, body, ANA)).status_code == 201
    replayed = [*queue, *queue[1:3]]  # Ben's went offline, and replays its queue twice over
    random.Random(7).shuffle(replayed)
    statuses = [(await send(feedback, task, body, BEN)).status_code for body in replayed]
    assert sorted(statuses) == [200, 200, 201, 201, 201, 201, 201]

    both = await progress_of(feedback, task)
    assert both[ANA]["progress"] == both[BEN]["progress"]
    assert both[ANA]["progress"]["state"] == "completed"
    assert both[ANA]["progress"]["time_spent_seconds"] == 960
    assert both[ANA]["report_count"] == both[BEN]["report_count"] == 5

    def merged_last(student: str) -> dict[str, Any] | None:
        """The student's event merging all five reports, once it was published."""
        mine = [e.data for e in published if e.subject == task and e.data["student_id"] == student]
        return next((d for d in mine if d["report_count"] == 5), None)

    for student in (ANA, BEN):
        final = await eventually(partial(merged_last, student))
        assert final["state"] == "completed" and final["time_spent_seconds"] == 960
    ben = [e for e in published if e.subject == task and e.data["student_id"] == BEN]
    assert len(ben) <= 5  # at most one per distinct report, never one for a repeat


async def test_refused_reports_name_the_field_and_rule_and_keep_nothing(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    task, chosen = unique("task"), unique("task")
    await learned(feedback, task)
    await learned(feedback, chosen, students=[BEN])
    now = datetime.now(UTC)

    hostile = await send(
        feedback,
        task,
        report("x" * 101, now + timedelta(hours=1), time_spent_seconds=99_999),
    )
    assert hostile.status_code == 422
    assert [(e["field"], e["rule"]) for e in hostile.json()["errors"]] == [
        ("client_event_id", "valid_id"),
        ("occurred_at", "not_in_future"),
        ("time_spent_seconds", "in_range"),
    ]
    naive = await send(feedback, task, {"client_event_id": "n1", "occurred_at": "2025-01-01T10:00"})
    assert [e["field"] for e in naive.json()["errors"]] == ["occurred_at"]
    not_for_ana = await send(feedback, chosen, report("c1", now))
    assert (not_for_ana.status_code, not_for_ana.json()["code"]) == (403, "NOT_ASSIGNED")
    teacher = await feedback.http.post(
        f"/tasks/{task}/progress", json=report("t1", now), headers=feedback.teacher()
    )
    assert teacher.status_code == 403
    assert await progress_of(feedback, task) == {}

    for i in range(MAX_REPORTS):
        assert (await send(feedback, task, report(f"r{i}", now, time_spent_seconds=1))).is_success
    over = await send(feedback, task, report("over", now, time_spent_seconds=1))
    assert [(e["field"], e["rule"]) for e in over.json()["errors"]] == [("task_id", "max_reports")]
    done = await send(feedback, task, report("done", now, completed=True))
    assert done.status_code == 201, done.text
    assert (await progress_of(feedback, task))[ANA]["report_count"] == MAX_REPORTS + 1

    await feedback.publisher.publish(build.withdrawn(task, feedback.section, "district-1"))

    async def withdrawn() -> bool:
        later = await send(feedback, task, report(unique("r"), now, time_spent_seconds=1))
        return later.status_code == 409 and later.json()["code"] == "TASK_WITHDRAWN"

    await eventually(withdrawn)
    # What was kept answers as it did.
    assert (await send(feedback, task, report("done", now, completed=True))).status_code == 200


async def test_the_section_s_staff_a_student_and_a_guardian_read_whose_they_may(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    task = unique("task")
    await learned(feedback, task)
    now = datetime.now(UTC)
    for student in (ANA, BEN):
        assert (await send(feedback, task, report("r1", now), student)).status_code == 201

    async def read(token: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return await feedback.http.get(f"/tasks/{task}/progress", headers=headers)

    def students(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        return [s["student_id"] for s in response.json()["items"]]

    section = frozenset({feedback.section})
    guardian = token_for("guardian-1", Role.GUARDIAN, children=frozenset({BEN}))
    outsider = token_for("teacher-9", Role.TEACHER, sections=frozenset({"another"}))
    assert sorted(await progress_of(feedback, task)) == [ANA, BEN]
    assert students(await read(token_for(ANA, Role.STUDENT, sections=section))) == [ANA]
    assert students(await read(guardian)) == [BEN]
    assert (await read(outsider)).status_code == 403
    unknown = await feedback.http.get(f"/tasks/{unique('t')}/progress", headers=feedback.teacher())
    assert (unknown.status_code, unknown.json()["code"]) == (404, "TASK_NOT_FOUND")
