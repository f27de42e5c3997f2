"""What students did shows in their own feeds: progress reported on a task (late, repeated or out
of order), a session's attendance, and a teacher's excusal, with an in-memory store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookend.auth import Principal
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.feedback import ProgressRecorded, TaskProgress
from bookend.contracts.scheduler import FeedItemStatus, FeedsChanged
from bookend.problems import Forbidden, InvalidInput
from services.scheduler.feed.domain import FeedItem
from services.scheduler.sessions import excusals
from services.scheduler.sessions.domain import Task
from tests.scheduler.builders import (
    MONDAY,
    NOW,
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    D,
    enrol,
    feed_of,
    schedule,
)
from tests.scheduler.fakes import FakeScheduler
from tests.scheduler.unit.test_assignments import assign
from tests.scheduler.unit.test_remedial_work import attendance
from tests.scheduler.unit.test_session_recordings import deliver
from tests.support.fakes import Clock

OPEN = MONDAY + timedelta(hours=1)  # the task opens on MONDAY and is due two days later


def progress(task: Task, student: str, state: TaskProgress, report: str) -> CloudEvent:
    payload = ProgressRecorded(
        district_id=D,
        report_id=report,
        task_id=task.id,
        section_id=task.section_id,
        student_id=student,
        state=state,
        position_seconds=120,
        time_spent_seconds=300,
        occurred_at=NOW,
        recorded_at=NOW,
    )
    return new_event("bookend/feedback", payload)


async def item_of(store: FakeScheduler, student: str, item_id: str) -> FeedItem:
    [item] = [i for i in await feed_of(store, student) if i.item_id == item_id]
    return item


def told(store: FakeScheduler) -> list[str]:
    """The students whose feeds the outbox says changed, in order told."""
    return [
        student
        for event in store.state.outbox
        if event.type == "bookend.scheduler.feed.changed.v1"
        for student in FeedsChanged.model_validate(event.data).student_ids
    ]


async def test_progress_shows_in_that_students_feed_furthest_first_whatever_the_order(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    task = await assign(store, clock)
    started = progress(task, "student-1", TaskProgress.STARTED, "r1")
    await deliver(store, started)
    assert (await item_of(store, "student-1", task.id)).status(OPEN) is FeedItemStatus.IN_PROGRESS
    # Completed, then a started report that was queued offline arrives late: still done.
    completed = progress(task, "student-1", TaskProgress.COMPLETED, "r2")
    await deliver(store, completed)
    store.state.outbox.clear()
    await deliver(store, progress(task, "student-1", TaskProgress.STARTED, "r0"), completed)
    assert (await item_of(store, "student-1", task.id)).status(OPEN) is FeedItemStatus.DONE
    assert told(store) == []  # nothing changed, nobody told
    assert (await item_of(store, "student-3", task.id)).status(OPEN) is FeedItemStatus.NOT_STARTED


async def test_progress_on_a_task_not_in_the_students_feed_changes_nothing(
    store: FakeScheduler, clock: Clock
) -> None:
    task = await assign(store, clock, student_ids=("student-1",))
    await enrol(store, clock, "sec-math", "student-3")
    before = await feed_of(store, "student-3")
    await deliver(store, progress(task, "student-3", TaskProgress.COMPLETED, "r1"))
    assert await feed_of(store, "student-3") == before


async def test_attendance_shows_each_student_as_attended_or_missed(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    await enrol(store, clock, "sec-math", "student-4")
    task = await assign(store, clock)  # not a session: untouched by attendance
    session = (await schedule(store, MONDAY)).session
    await deliver(store, attendance(session.id, absent=["student-3"], present=["student-1"]))
    statuses = {
        student: (await item_of(store, student, session.id)).status(NOW)
        for student in ("student-1", "student-3", "student-4")
    }
    assert statuses == {
        "student-1": FeedItemStatus.ATTENDED,
        "student-3": FeedItemStatus.MISSED,
        "student-4": FeedItemStatus.UPCOMING,  # not in the summary: as the session stands
    }
    assert sorted(set(told(store))) >= ["student-1", "student-3"]
    assert (await item_of(store, "student-1", task.id)).attendance is None


async def test_a_teacher_excuses_a_student_and_can_take_it_back(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    task = await assign(store, clock)
    excusal = await excusals.excuse_from_task(
        task.id, "student-3", reason=" medical ", principal=TEACHER, store=store, clock=clock
    )
    assert (excusal.reason, excusal.excused_by) == ("medical", "teacher-1")
    assert (await item_of(store, "student-3", task.id)).status(OPEN) is FeedItemStatus.EXCUSED
    assert (await item_of(store, "student-1", task.id)).status(OPEN) is FeedItemStatus.NOT_STARTED
    assert await store.get_excusal(D, task.id, "student-3") == excusal
    # The reason stays with staff: no event but the feed's (ids only) tells of it.
    assert {e.type for e in store.state.outbox} <= {
        "bookend.scheduler.feed.changed.v1",
        "bookend.scheduler.task.assigned.v1",
    }
    assert all("medical" not in str(e.data) for e in store.state.outbox)
    await excusals.take_back_excusal(task.id, "student-3", principal=TEACHER, store=store)
    assert (await item_of(store, "student-3", task.id)).status(OPEN) is FeedItemStatus.NOT_STARTED
    assert await store.get_excusal(D, task.id, "student-3") is None
    store.state.outbox.clear()
    await excusals.take_back_excusal(task.id, "student-3", principal=TEACHER, store=store)
    assert store.state.outbox == []  # not excused: nothing to take back


@pytest.mark.parametrize(
    ("student", "reason", "broken"),
    [
        ("student-1", "", [("reason", "not_blank")]),
        ("student-1", "x" * 201, [("reason", "max_length")]),
        ("student-9", "ill", [("student_id", "has_task")]),
    ],
)
async def test_an_excusal_without_a_reason_or_for_a_stranger_is_refused(
    store: FakeScheduler, clock: Clock, student: str, reason: str, broken: list[tuple[str, str]]
) -> None:
    task = await assign(store, clock)
    with pytest.raises(InvalidInput) as refused:
        await excusals.excuse_from_task(
            task.id, student, reason=reason, principal=TEACHER, store=store, clock=clock
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == broken
    assert (await item_of(store, "student-1", task.id)).excused is False


@pytest.mark.parametrize("who", [STUDENT, OTHER_TEACHER], ids=["student", "other-teacher"])
async def test_only_staff_of_the_section_excuse(
    store: FakeScheduler, clock: Clock, who: Principal
) -> None:
    task = await assign(store, clock)
    with pytest.raises(Forbidden):
        await excusals.excuse_from_task(
            task.id, "student-1", reason="ill", principal=who, store=store, clock=clock
        )
