"""The feed read model's pure rules: item status, cursors and page requests."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bookend.contracts.feedback import AttendanceMark, AttendanceSummarized, TaskProgress
from bookend.contracts.scheduler import FeedItemKind, FeedItemStatus, SessionStatus
from bookend.problems import InvalidInput
from services.scheduler.feed.domain import (
    AttendanceTaken,
    FeedItem,
    Position,
    session_item,
    still_ahead,
    task_item,
)
from services.scheduler.sessions.bookends import bookend_tasks
from tests.scheduler.builders import ENDS, LESSON, STARTS, WINDOWS, feed_request, session
from tests.support.fakes import counting_ids


def broken_rules(**overrides: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as raised:
        feed_request(**overrides)
    return [(e.field, e.rule) for e in raised.value.errors]


def test_a_session_item_is_actionable_when_the_session_starts_and_shows_its_status() -> None:
    item = session_item("student-1", session())
    assert (item.kind, item.actionable_at, item.bookend) == (
        FeedItemKind.LIVE_SESSION,
        STARTS,
        None,
    )
    assert item.minutes == 50
    assert item.status(STARTS + timedelta(days=9)) is FeedItemStatus.UPCOMING
    live, _ = session().start(STARTS)
    assert session_item("s", live).status(STARTS) is FeedItemStatus.LIVE


def test_a_task_is_upcoming_then_not_started_then_overdue() -> None:
    follow_up = task_item(
        "student-1", bookend_tasks(session(), LESSON, WINDOWS, new_id=counting_ids())[-1]
    )
    assert follow_up.actionable_at == follow_up.due_at
    assert follow_up.status(ENDS - timedelta(seconds=1)) is FeedItemStatus.UPCOMING
    assert follow_up.status(ENDS) is FeedItemStatus.NOT_STARTED
    assert (
        follow_up.status(ENDS + timedelta(hours=48) - timedelta(seconds=1))
        is FeedItemStatus.NOT_STARTED
    )
    assert follow_up.status(ENDS + timedelta(hours=48)) is FeedItemStatus.OVERDUE
    # When the status changes next, by the clock alone: when it opens, then when it falls due.
    assert follow_up.next_change(ENDS - timedelta(seconds=1)) == ENDS
    assert follow_up.next_change(ENDS) == ENDS + timedelta(hours=48)
    assert follow_up.next_change(ENDS + timedelta(hours=48)) is None
    assert session_item("s", session()).next_change(STARTS) is None  # events change sessions


def test_a_new_student_gets_sessions_that_have_not_ended() -> None:
    live, _ = session().start(STARTS)
    over, _ = live.end(ENDS)
    assert still_ahead(session(), STARTS)
    assert not still_ahead(session(), ENDS)
    assert still_ahead(live, ENDS + timedelta(hours=1))  # running over
    assert not still_ahead(over, STARTS)


def test_a_cursor_points_back_at_the_same_position() -> None:
    position = Position(datetime(2025, 3, 10, 14, 0, 0, 123000, tzinfo=UTC), "item|with|bars")
    assert Position.from_cursor(position.cursor()) == position


def test_a_cursor_built_from_the_json_instant_is_accepted() -> None:
    # The gateway builds per-edge cursors from the item's JSON `actionable_at` ("...Z").
    raw = b"2025-03-10T14:00:00.123000Z|task-1"
    position = Position.from_cursor(base64.urlsafe_b64encode(raw).decode())
    assert position == Position(datetime(2025, 3, 10, 14, 0, 0, 123000, tzinfo=UTC), "task-1")


def test_page_size_defaults_and_may_be_up_to_the_cap() -> None:
    assert feed_request().first == 20
    assert feed_request(first=100).first == 100


def follow_up_item(**changes: Any) -> FeedItem:
    task = bookend_tasks(session(), LESSON, WINDOWS, new_id=counting_ids())[-1]
    return replace(task_item("student-1", task), **changes)


DUE = ENDS + timedelta(hours=48)


def test_a_tasks_status_follows_the_students_progress_and_the_clock() -> None:
    started = follow_up_item(progress=TaskProgress.STARTED)
    assert started.status(ENDS - timedelta(seconds=1)) is FeedItemStatus.UPCOMING
    assert started.status(ENDS) is FeedItemStatus.IN_PROGRESS
    assert started.status(DUE) is FeedItemStatus.OVERDUE  # late, however far along
    done = started.progressed(TaskProgress.COMPLETED)
    assert done.status(ENDS) is FeedItemStatus.DONE
    assert done.status(DUE + timedelta(days=30)) is FeedItemStatus.DONE
    assert done.next_change(ENDS) is None  # done: the clock changes nothing more


def test_progress_only_moves_forward_so_late_and_repeated_reports_change_nothing() -> None:
    done = follow_up_item().progressed(TaskProgress.COMPLETED)
    assert done.progressed(TaskProgress.STARTED) is done
    assert done.progressed(TaskProgress.COMPLETED) is done
    started = follow_up_item().progressed(TaskProgress.STARTED)
    assert started.progressed(TaskProgress.STARTED) is started


def test_a_task_not_done_is_missed_once_it_closes_and_overdue_until_then() -> None:
    closing = follow_up_item(closes_at=DUE + timedelta(days=2))
    assert closing.status(DUE) is FeedItemStatus.OVERDUE
    assert closing.next_change(DUE) == DUE + timedelta(days=2)
    assert closing.status(DUE + timedelta(days=2)) is FeedItemStatus.MISSED
    assert closing.next_change(DUE + timedelta(days=2)) is None
    # With no close, late work is taken for as long as the task stands.
    assert follow_up_item().status(DUE + timedelta(days=300)) is FeedItemStatus.OVERDUE


def test_an_excused_task_shows_excused_unless_the_student_did_it_anyway() -> None:
    excused = follow_up_item(excused=True, closes_at=DUE)
    assert excused.status(ENDS - timedelta(hours=1)) is FeedItemStatus.EXCUSED
    assert excused.status(DUE + timedelta(days=1)) is FeedItemStatus.EXCUSED
    assert excused.next_change(ENDS - timedelta(hours=1)) is None
    assert excused.progressed(TaskProgress.COMPLETED).status(ENDS) is FeedItemStatus.DONE


def test_a_sessions_status_ends_as_attended_or_missed_by_its_attendance() -> None:
    ended, _ = session().start(STARTS)[0].end(ENDS)
    item = session_item("student-1", ended)
    assert item.status(ENDS) is FeedItemStatus.ENDED  # attendance not known yet
    for mark in (AttendanceMark.PRESENT, AttendanceMark.LATE, AttendanceMark.LEFT_EARLY):
        assert replace(item, attendance=mark).status(ENDS) is FeedItemStatus.ATTENDED
    assert replace(item, attendance=AttendanceMark.ABSENT).status(ENDS) is FeedItemStatus.MISSED
    cancelled = replace(item, session_status=SessionStatus.CANCELLED)
    assert replace(cancelled, attendance=AttendanceMark.ABSENT).status(ENDS) is (
        FeedItemStatus.CANCELLED
    )


def test_an_attendance_summary_marks_each_student_once_by_how_they_attended() -> None:
    summary = AttendanceSummarized(
        district_id="d",
        session_id="s",
        section_id="sec",
        present=["a"],
        late=["b"],
        left_early=["c"],
        absent=["d"],
        summarized_at=ENDS,
    )
    assert AttendanceTaken.of(summary).marks == {
        "a": AttendanceMark.PRESENT,
        "b": AttendanceMark.LATE,
        "c": AttendanceMark.LEFT_EARLY,
        "d": AttendanceMark.ABSENT,
    }


def test_sections_are_a_bounded_comma_list_of_ids() -> None:
    assert feed_request(sections=" sec-a,sec-b ,,").sections == {"sec-a", "sec-b"}
    assert feed_request().sections == frozenset()
    assert broken_rules(sections=",".join(f"s{n}" for n in range(51))) == [
        ("sections", "max_items")
    ]
    assert broken_rules(sections="x" * 201) == [("sections", "valid_id")]


def test_kinds_and_statuses_are_comma_lists_of_known_names() -> None:
    parsed = feed_request(kinds="task, live_session", statuses="not_started,overdue")
    assert parsed.kinds == {FeedItemKind.TASK, FeedItemKind.LIVE_SESSION}
    assert parsed.statuses == {FeedItemStatus.NOT_STARTED, FeedItemStatus.OVERDUE}
    assert feed_request().kinds == frozenset()


@pytest.mark.parametrize(
    ("overrides", "broken"),
    [
        pytest.param({"after": "garbage!"}, [("after", "cursor")], id="not-base64"),
        pytest.param({"after": "bm8tc2VwYXJhdG9y"}, [("after", "cursor")], id="no-separator"),
        pytest.param({"after": "MjAyNS0wMy0xMHxh"}, [("after", "cursor")], id="naive-instant"),
        pytest.param({"first": 101}, [("first", "max_page_size")], id="over-the-cap"),
        pytest.param({"first": 0}, [("first", "min_page_size")], id="empty-page"),
        pytest.param(
            {"kinds": "homework", "statuses": "late"},
            [("kinds", "known_kind"), ("statuses", "known_status")],
            id="unknown-names",
        ),
        pytest.param({"starts": STARTS, "ends": STARTS}, [("to", "after_from")], id="empty-range"),
        pytest.param({"student_id": None}, [("student_id", "required")], id="whose-feed"),
    ],
)
def test_a_bad_feed_request_names_each_rule_it_breaks(
    overrides: dict[str, Any], broken: list[tuple[str, str]]
) -> None:
    assert broken_rules(**overrides) == broken
