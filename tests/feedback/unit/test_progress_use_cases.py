"""Progress with an in-memory store: feedback learns tasks from the scheduler's events, takes
reports only from the students a task is for, emits ProgressRecorded when the merged progress
changes, and shows it to the section's staff, the student and their guardians."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts import CloudEvent, Topic
from bookend.contracts.feedback import ProgressRecorded, TaskProgress
from bookend.hosting import ServiceState
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.feedback.events import inbound
from services.feedback.progress import service
from services.feedback.progress.domain import (
    NotAssigned,
    ProgressRules,
    Reported,
    ReportSent,
    TaskNotFound,
    TaskWithdrawn,
)
from services.feedback.settings import FeedbackSettings
from tests.feedback import progress_builders as build
from tests.feedback.fakes import FakeFeedback
from tests.feedback.progress_builders import DUE, OPENS, sent
from tests.support.fakes import Clock, counting_ids

ALL = PageAsk()  # a first page, more than these tests list

NOW = OPENS + timedelta(days=1)


def student(subject: str, sections: frozenset[str] = frozenset({"sec1"})) -> Principal:
    return Principal(subject, "d1", frozenset({Role.STUDENT}), sections=sections)


async def deliver(store: FakeFeedback, *events: CloudEvent) -> None:
    state = ServiceState(
        store=store, settings=FeedbackSettings(), clock=Clock(NOW), ids=counting_ids()
    )
    for event in events:
        await inbound(state)(event)


async def store_with(*events: CloudEvent) -> FakeFeedback:
    store = FakeFeedback()
    await deliver(store, *events)
    return store


async def report(
    store: FakeFeedback,
    one: ReportSent,
    who: Principal | None = None,
    task: str = "t1",
    rules: ProgressRules = ProgressRules(),
) -> Reported:
    return await service.record_progress(
        task,
        sent=one,
        principal=who or student("ana"),
        store=store,
        clock=Clock(NOW),
        ids=counting_ids("change"),
        rules=rules,
    )


def recorded(store: FakeFeedback) -> list[ProgressRecorded]:
    return [
        ProgressRecorded.model_validate(e.data)
        for e in store.emitted
        if e.topic == Topic.FEEDBACK_PROGRESS
    ]


async def test_a_report_on_a_task_of_the_section_records_and_publishes_the_merged_progress() -> (
    None
):
    store = await store_with(build.assigned("t1", "sec1", "d1"))
    first = await report(store, sent("r1", 10, spent=60, position=45))
    assert not first.repeated
    [event] = recorded(store)
    assert event.model_dump(exclude={"recorded_at", "report_id"}) == {
        "district_id": "d1",
        "task_id": "t1",
        "section_id": "sec1",
        "student_id": "ana",
        "state": TaskProgress.STARTED,
        "position_seconds": 45,
        "time_spent_seconds": 60,
        "occurred_at": OPENS + timedelta(minutes=10),
        "started_at": OPENS + timedelta(minutes=10),
        "completed_at": None,
        "report_count": 1,
    }
    assert (event.recorded_at, event.report_id) == (NOW, "change-001")
    key = next(e.key for e in store.emitted)
    assert key == "sec1"  # one section's progress stays in order on its topic


async def test_a_report_sent_again_records_and_publishes_nothing() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d1"))
    first = await report(store, sent("r1", 10, spent=60))
    again = await report(store, sent("r1", 10, spent=60))
    assert again.repeated and again.log == first.log
    assert len(recorded(store)) == 1


async def test_a_completion_stays_completed_while_reports_sent_before_it_add_their_time() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d1"))
    await report(store, sent("r2", 20, spent=600, completed=True))
    await report(store, sent("r1", 10, spent=60))  # sent earlier, arrived later
    events = recorded(store)
    assert [(e.state, e.time_spent_seconds, e.report_count) for e in events] == [
        (TaskProgress.COMPLETED, 600, 1),
        (TaskProgress.COMPLETED, 660, 2),
    ]
    assert events[-1].started_at == OPENS + timedelta(minutes=10)
    await report(store, sent("r0", 5))  # an earlier start is news
    assert recorded(store)[-1].started_at == OPENS + timedelta(minutes=5)


async def test_a_task_for_chosen_students_refuses_the_rest_of_the_section() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d1", students=["ana"]))
    await report(store, sent("r1", 1))
    with pytest.raises(NotAssigned):
        await report(store, sent("r1", 1), student("ben"))
    with pytest.raises(NotAssigned):
        await report(store, sent("r1", 1), student("ana", frozenset({"sec2"})))
    teacher = Principal("t", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec1"}))
    with pytest.raises(Forbidden):
        await report(store, sent("r1", 1), teacher)
    assert list(store.state.progress.logs) == [("d1", "t1", "ana")]


async def test_a_task_not_heard_of_is_refused_retryably_and_nothing_is_kept() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d2"))  # another district's
    with pytest.raises(TaskNotFound) as refused:
        await report(store, sent("r1", 1))
    assert refused.value.code == "TASK_NOT_FOUND"
    assert "send it again later" in refused.value.message
    await deliver(store, build.assigned("t1", "sec1", "d1"))
    # Once heard of, the same report is taken: the client's queue kept it.
    assert not (await report(store, sent("r1", 1))).repeated


async def test_invalid_reports_name_every_field_and_rule_and_keep_nothing() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d1"))
    hostile = ReportSent("", NOW + timedelta(hours=1), time_spent_seconds=-5)
    with pytest.raises(InvalidInput) as refused:
        await report(store, hostile)
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("client_event_id", "valid_id"),
        ("occurred_at", "not_in_future"),
        ("time_spent_seconds", "in_range"),
    ]
    assert store.state.progress.logs == {} and store.emitted == []


async def test_a_withdrawn_task_refuses_new_reports_and_answers_those_kept() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d1"))
    await report(store, sent("r1", 1, spent=30))
    await deliver(store, build.withdrawn("t1", "sec1", "d1"))
    assert (await report(store, sent("r1", 1, spent=30))).repeated
    with pytest.raises(TaskWithdrawn):
        await report(store, sent("r2", 2, spent=30))


async def test_an_announcement_heard_again_never_takes_back_a_withdrawal() -> None:
    announced = build.assigned("t1", "sec1", "d1")
    store = await store_with(announced, build.withdrawn("t1", "sec1", "d1"))
    replayed = build.assigned("t1", "sec1", "d1")  # the same task, as a new event (a replay)
    await deliver(store, announced, replayed)
    assert store.state.progress.tasks["t1"].withdrawn_at == DUE


async def test_a_withdrawal_of_a_task_never_heard_of_keeps_it_withdrawn() -> None:
    store = await store_with(build.withdrawn("t1", "sec1", "d1"))
    await deliver(store, build.assigned("t1", "sec1", "d1"))  # dead-lettered, replayed late
    with pytest.raises(TaskWithdrawn):
        await report(store, sent("r1", 1))


async def test_a_rescheduled_task_moves_its_copy() -> None:
    store = await store_with(
        build.assigned("t1", "sec1", "d1"),
        build.rescheduled("t1", "sec1", "d1", timedelta(days=1)),
        build.rescheduled("t2", "sec1", "d1", timedelta(days=1)),  # never heard of: nothing
    )
    task = store.state.progress.tasks["t1"]
    assert (task.opens_at, task.due_at) == (OPENS + timedelta(days=1), DUE + timedelta(days=1))
    assert "t2" not in store.state.progress.tasks


async def test_a_recordings_duration_bounds_the_position_reported_on_it() -> None:
    store = await store_with(
        build.assigned("t1", "sec1", "d1", component="recording-1"),
        build.recording("recording-1", "sec1", "d1", 2950),
    )
    with pytest.raises(InvalidInput) as refused:
        await report(store, sent("r1", 1, position=2951))
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("position_seconds", "within_media")
    ]
    assert (await report(store, sent("r1", 1, position=2950))).log.progress.position_seconds == 2950


async def test_the_bound_on_reports_is_a_setting_and_a_completion_passes_it_once() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d1"))
    rules = ProgressRules(max_reports=2)
    for i in range(2):
        await report(store, sent(f"r{i}", i), rules=rules)
    with pytest.raises(InvalidInput) as refused:
        await report(store, sent("r2", 2), rules=rules)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("task_id", "max_reports")]
    done = await report(store, sent("r3", 3, completed=True), rules=rules)
    assert done.log.progress.state is TaskProgress.COMPLETED


async def test_staff_see_every_student_a_student_their_own_a_guardian_their_childrens() -> None:
    store = await store_with(build.assigned("t1", "sec1", "d1"))
    for who in ("ana", "ben"):
        await report(store, sent(f"{who}-1", 1), student(who))
    teacher = Principal("t", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec1"}))
    guardian = Principal("g", "d1", frozenset({Role.GUARDIAN}), children=frozenset({"ben"}))

    async def seen(who: Principal) -> list[str]:
        page = await service.list_task_progress("t1", ALL, principal=who, store=store)
        return [s.student_id for s in page.items]

    assert await seen(teacher) == ["ana", "ben"]
    assert await seen(student("ana")) == ["ana"]
    assert await seen(student("cai")) == []
    assert await seen(guardian) == ["ben"]
    other = Principal("t2", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec2"}))
    integration = Principal("i", "d1", frozenset({Role.INTEGRATION}))
    for refused in (other, integration):
        with pytest.raises(Forbidden):
            await seen(refused)
    elsewhere = Principal("t", "d2", frozenset({Role.TEACHER}), sections=frozenset({"sec1"}))
    with pytest.raises(TaskNotFound):
        await seen(elsewhere)
