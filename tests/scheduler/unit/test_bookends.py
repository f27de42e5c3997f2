"""The bookending rule: pre-work before a live session, follow-up after it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend, SessionStatus
from services.scheduler.sessions.bookends import BookendWindows, bookend_tasks, plan_session
from services.scheduler.sessions.domain import (
    BookendedSession,
    LessonSummary,
    SessionDraft,
    SessionScheduled,
    Task,
    TaskAssigned,
)
from tests.scheduler.builders import ENDS, LESSON, SECTION, STARTS, WINDOWS, component, session
from tests.support.fakes import counting_ids


def lesson_of(*components: tuple[ComponentKind, ModeFit]) -> LessonSummary:
    return LessonSummary(
        lesson_id="lesson-1",
        district_id="d1",
        version=1,
        title="Fractions",
        subject="math",
        summary="",
        components=tuple(
            component(f"c{n}", kind, fit) for n, (kind, fit) in enumerate(components, 1)
        ),
    )


def tasks_of(
    *components: tuple[ComponentKind, ModeFit], windows: BookendWindows = WINDOWS
) -> list[Task]:
    return bookend_tasks(session(), lesson_of(*components), windows, new_id=counting_ids())


SHORT = BookendWindows(timedelta(hours=24), timedelta(hours=72))


@pytest.mark.parametrize(
    ("component", "windows", "bookend", "opens_at", "due_at"),
    [
        (
            (ComponentKind.INTRODUCE, ModeFit.ON_DEMAND),
            WINDOWS,
            Bookend.PRE_WORK,
            STARTS - timedelta(hours=48),
            STARTS,
        ),
        (
            (ComponentKind.MODEL, ModeFit.EITHER),
            SHORT,
            Bookend.PRE_WORK,
            STARTS - timedelta(hours=24),
            STARTS,
        ),
        (
            (ComponentKind.PRACTICE, ModeFit.ON_DEMAND),
            WINDOWS,
            Bookend.FOLLOW_UP,
            ENDS,
            ENDS + timedelta(hours=48),
        ),
        (
            (ComponentKind.FLUENCY, ModeFit.EITHER),
            SHORT,
            Bookend.FOLLOW_UP,
            ENDS,
            ENDS + timedelta(hours=72),
        ),
    ],
    ids=[
        "pre-work is due when the session starts",
        "pre-work opens the configured hours before",
        "follow-up opens when the session ends",
        "follow-up is due the configured hours after",
    ],
)
def test_a_bookend_task_is_placed_around_the_session_by_its_windows(
    component: tuple[ComponentKind, ModeFit],
    windows: BookendWindows,
    bookend: Bookend,
    opens_at: datetime,
    due_at: datetime,
) -> None:
    [task] = tasks_of(component, windows=windows)
    assert (task.bookend, task.opens_at, task.due_at) == (bookend, opens_at, due_at)


def test_autonomy_is_follow_up_too() -> None:
    [task] = tasks_of((ComponentKind.AUTONOMY, ModeFit.ON_DEMAND))
    assert task.bookend is Bookend.FOLLOW_UP


@pytest.mark.parametrize(
    "components",
    [
        pytest.param([(kind, ModeFit.LIVE) for kind in ComponentKind], id="live-fit"),
        pytest.param(
            [
                (ComponentKind.DISCUSSION, ModeFit.ON_DEMAND),
                (ComponentKind.FEEDBACK, ModeFit.EITHER),
            ],
            id="discussion-and-feedback",
        ),
    ],
)
def test_live_fit_components_and_discussion_and_feedback_get_no_tasks(
    components: list[tuple[ComponentKind, ModeFit]],
) -> None:
    assert tasks_of(*components) == []


def test_a_task_takes_the_component_title_and_minutes_and_the_session_zone() -> None:
    [task] = tasks_of((ComponentKind.INTRODUCE, ModeFit.ON_DEMAND))
    assert (task.title, task.minutes, task.time_zone) == ("introduce c1", 10, "America/New_York")
    assert (task.component_id, task.session_id, task.section_id) == ("c1", "session-1", "sec-math")


def test_tasks_keep_the_order_of_the_lesson_components() -> None:
    tasks = bookend_tasks(session(), LESSON, WINDOWS, new_id=counting_ids())
    assert [t.component_id for t in tasks] == ["c1", "c2", "c4", "c6"]


def plan(
    title: str | None = None,
) -> tuple[BookendedSession, list[SessionScheduled | TaskAssigned]]:
    draft = SessionDraft("sec-math", "lesson-1", STARTS, ENDS, "America/New_York", title)
    return plan_session(
        draft, section=SECTION, lesson=LESSON, windows=WINDOWS, new_id=counting_ids()
    )


def test_a_planned_session_lists_its_tasks_and_defaults_to_the_lesson_title() -> None:
    planned, _ = plan()
    assert planned.session.title == LESSON.title
    assert planned.session.task_ids == tuple(t.id for t in planned.tasks)
    assert (planned.session.school_id, planned.session.lesson_version) == ("school-1", 1)
    assert planned.session.status is SessionStatus.SCHEDULED


def test_a_given_title_overrides_the_lesson_title() -> None:
    planned, _ = plan("  Review day ")
    assert planned.session.title == "Review day"


def test_planning_records_the_session_then_each_task_as_events() -> None:
    planned, events = plan()
    assert events == [
        SessionScheduled(planned.session),
        *(TaskAssigned(task) for task in planned.tasks),
    ]


def test_a_newer_lesson_version_supersedes_the_copy_and_an_older_one_does_not() -> None:
    v2 = replace(LESSON, version=2)
    assert v2.supersedes(LESSON)
    assert not LESSON.supersedes(v2)
    assert not LESSON.supersedes(LESSON)
    assert LESSON.supersedes(None)
