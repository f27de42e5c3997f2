"""On-demand tasks a teacher assigns, with an in-memory store: chosen students only, windows
as local rules resolved in each student's own zone, one student's extension, withdrawal."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookend.problems import InvalidInput
from services.scheduler.roster import grouping
from services.scheduler.roster.groups import GroupDraft
from services.scheduler.sessions import assignments
from services.scheduler.sessions.tasks import AssignmentDraft, Edge, Extension
from services.scheduler.sessions.windows import Anchor, LocalRule, TimeOfDay
from tests.scheduler.builders import (
    MONDAY,
    OTHER_TEACHER,
    TEACHER,
    D,
    enrol,
    feed_of,
    schedule,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids

ids = counting_ids("task")
# "Due at the end of the student's school day, the school day after the session."
DAY_AFTER_END = LocalRule(Anchor.SESSION_END, 1, TimeOfDay.SCHOOL_DAY_END)
OPENS_WITH_IT = LocalRule(Anchor.SESSION_END, 0, TimeOfDay.SCHOOL_DAY_START)


def draft(**more: object) -> AssignmentDraft:
    fields: dict[str, object] = {
        "section_id": "sec-math",
        "lesson_id": "lesson-1",
        "component_id": "c4",  # practice, on demand
        "opens": Edge(at=MONDAY),
        "due": Edge(at=MONDAY + timedelta(days=2)),
    }
    return AssignmentDraft(**(fields | more))  # type: ignore[arg-type]


async def assign(store: FakeScheduler, clock: Clock, **more: object):  # type: ignore[no-untyped-def]
    assigned = await assignments.assign_task(
        draft(**more), principal=TEACHER, store=store, ids=ids, clock=clock
    )
    return assigned.task


async def task_items(store: FakeScheduler, student: str, task_id: str) -> list[object]:
    return [item for item in await feed_of(store, student) if item.item_id == task_id]


async def test_a_task_for_chosen_students_reaches_only_their_feeds(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    task = await assign(store, clock, student_ids=("student-3",))
    assert await task_items(store, "student-1", task.id) == []
    assert len(await task_items(store, "student-3", task.id)) == 1


async def test_end_of_school_day_rules_resolve_to_each_students_own_day(
    store: FakeScheduler, clock: Clock
) -> None:
    """A session ending late on Monday evening in Chicago is already Tuesday in Tokyo: the
    school day after it is Tuesday for one student and Wednesday for the other."""
    await enrol(store, clock, "sec-math", "student-chi", time_zone="America/Chicago")
    await enrol(store, clock, "sec-math", "student-tyo", time_zone="Asia/Tokyo")
    evening = datetime(2025, 3, 10, 20, 0, tzinfo=ZoneInfo("America/Chicago"))
    booked = await schedule(store, evening.astimezone(UTC), hours=0.5)
    task = await assign(
        store,
        clock,
        session_id=booked.session.id,
        opens=Edge(rule=OPENS_WITH_IT),
        due=Edge(rule=DAY_AFTER_END),
    )
    due = {}
    for student, zone in (("student-chi", "America/Chicago"), ("student-tyo", "Asia/Tokyo")):
        [item] = await task_items(store, student, task.id)
        due[student] = item.due_at.astimezone(ZoneInfo(zone))  # type: ignore[attr-defined]
    # Without terms a school day is Monday to Friday, 08:00 to 15:00.
    assert (due["student-chi"].date().isoformat(), due["student-chi"].time()) == (
        "2025-03-11",
        time(15, 0),
    )
    assert (due["student-tyo"].date().isoformat(), due["student-tyo"].time()) == (
        "2025-03-12",
        time(15, 0),
    )


async def test_an_extension_changes_one_students_window_only(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    task = await assign(store, clock)
    later = task.due_at + timedelta(days=3)
    window = await assignments.extend_task(
        task.id,
        "student-3",
        due_at=later,
        closes_at=None,
        reason="extended time (plan 504)",
        principal=TEACHER,
        store=store,
    )
    assert window.due_at == later
    [theirs] = await task_items(store, "student-3", task.id)
    [others] = await task_items(store, "student-1", task.id)
    assert (theirs.due_at, others.due_at) == (later, task.due_at)  # type: ignore[attr-defined]
    assert await store.list_extensions(D, task.id) == [
        Extension(task.id, "student-3", D, later, None, "extended time (plan 504)", "teacher-1")
    ]
    with pytest.raises(InvalidInput) as refused:
        await assignments.extend_task(
            task.id,
            "student-3",
            due_at=task.due_at,
            closes_at=None,
            reason=" ",
            principal=TEACHER,
            store=store,
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("due_at", "later_than_due"),
        ("reason", "not_blank"),
    ]


async def test_a_withdrawn_task_leaves_every_feed(store: FakeScheduler, clock: Clock) -> None:
    task = await assign(store, clock)
    withdrawn = await assignments.withdraw_task(
        task.id, principal=TEACHER, store=store, clock=clock
    )
    assert withdrawn.task.withdrawn_at is not None
    assert await task_items(store, "student-1", task.id) == []


async def test_a_task_for_a_group_reaches_its_members_when_assigned_only(
    store: FakeScheduler, clock: Clock
) -> None:
    for student in ("student-3", "student-4"):
        await enrol(store, clock, "sec-math", student)
    group = await grouping.create_group(
        "sec-math",
        GroupDraft("Needs support", ["student-1", "student-3"]),
        principal=TEACHER,
        store=store,
        ids=ids,
    )
    task = await assign(store, clock, group_id=group.id)
    assert (task.group_id, task.student_ids) == (group.id, ("student-1", "student-3"))
    for student, has_it in (("student-1", True), ("student-3", True), ("student-4", False)):
        assert bool(await task_items(store, student, task.id)) is has_it
    # Joining the group or the section later brings none of the group's earlier work.
    await grouping.update_group(
        group.id,
        GroupDraft("Needs support", ["student-1", "student-3", "student-4"]),
        principal=TEACHER,
        store=store,
    )
    await enrol(store, clock, "sec-math", "student-5")
    assert await task_items(store, "student-4", task.id) == []
    assert await task_items(store, "student-5", task.id) == []
    # Nor does deleting the group take it from those it went to.
    await grouping.delete_group(group.id, principal=TEACHER, store=store)
    assert len(await task_items(store, "student-3", task.id)) == 1


async def test_a_group_whose_members_all_left_the_section_is_refused(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    group = await grouping.create_group(
        "sec-math", GroupDraft("Tuesday", ["student-3"]), principal=TEACHER, store=store, ids=ids
    )
    store.state.enrolments = {e for e in store.state.enrolments if e.student_id != "student-3"}
    with pytest.raises(InvalidInput) as refused:
        await assign(store, clock, group_id=group.id)
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("group_id", "has_enrolled_members")
    ]
    assert store.state.tasks == {}


async def test_a_group_of_another_section_or_none_is_refused(
    store: FakeScheduler, clock: Clock
) -> None:
    art = await grouping.create_group(
        "sec-art", GroupDraft("Art", ["student-2"]), principal=OTHER_TEACHER, store=store, ids=ids
    )
    for group_id, rule in ((art.id, "same_section"), ("group-nowhere", "known_group")):
        with pytest.raises(InvalidInput) as refused:
            await assign(store, clock, group_id=group_id)
        assert [(e.field, e.rule) for e in refused.value.errors] == [("group_id", rule)]
    assert store.state.tasks == {}


@pytest.mark.parametrize(
    ("more", "broken"),
    [
        ({"component_id": "c3"}, [("component_id", "on_demand_component")]),  # a discussion
        ({"student_ids": ("student-2",)}, [("student_ids", "enrolled")]),  # another section's
        ({"student_ids": ()}, [("student_ids", "not_empty")]),
        (
            {"student_ids": ("student-1",), "group_id": "group-1"},
            [("group_id", "one_audience")],
        ),
        ({"due": Edge(rule=DAY_AFTER_END)}, [("session_id", "required_for_session_rule")]),
        ({"due": Edge(at=MONDAY)}, [("due", "after_opens")]),
        ({"due": Edge()}, [("due", "instant_or_rule")]),
        (
            {"due": Edge(rule=LocalRule(Anchor.ASSIGNED, 99, TimeOfDay.SCHOOL_DAY_END))},
            [("due.school_days", "in_range")],
        ),
    ],
)
async def test_bad_assignments_are_refused_by_field_and_rule(
    store: FakeScheduler, clock: Clock, more: dict[str, object], broken: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await assign(store, clock, **more)
    assert [(e.field, e.rule) for e in refused.value.errors] == broken
    assert await feed_of(store, "student-1") == []
