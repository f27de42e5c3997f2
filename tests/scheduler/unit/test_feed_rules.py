"""The feed read model's pure rules: item status, cursors and page requests."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bookend.problems import InvalidInput
from services.scheduler.domain import bookend_tasks
from services.scheduler.feed import (
    ItemKind,
    ItemStatus,
    Position,
    feed_query,
    session_item,
    still_ahead,
    task_item,
)
from tests.scheduler.builders import ENDS, LESSON, STARTS, WINDOWS, session


def query(**overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "student_id": "student-1", "first": None, "after": None, "starts": None, "ends": None,
        "kinds": None, "statuses": None, "page_default": 20, "page_max": 100,
    }
    return feed_query(**(arguments | overrides))


def rules(failure: InvalidInput) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in failure.errors]


def test_a_session_item_is_actionable_when_the_session_starts_and_shows_its_status() -> None:
    item = session_item("student-1", session())
    assert (item.kind, item.actionable_at, item.bookend) == (ItemKind.LIVE_SESSION, STARTS, None)
    assert item.minutes == 50
    assert item.status(STARTS + timedelta(days=9)) is ItemStatus.SCHEDULED
    assert session_item("s", session().start(STARTS)).status(STARTS) is ItemStatus.LIVE


def test_a_task_is_upcoming_then_open_then_overdue() -> None:
    follow_up = task_item("student-1", bookend_tasks(session(), LESSON, WINDOWS)[-1])
    assert follow_up.actionable_at == follow_up.due_at
    assert follow_up.status(ENDS - timedelta(seconds=1)) is ItemStatus.UPCOMING
    assert follow_up.status(ENDS) is ItemStatus.OPEN
    assert follow_up.status(ENDS + timedelta(hours=48) - timedelta(seconds=1)) is ItemStatus.OPEN
    assert follow_up.status(ENDS + timedelta(hours=48)) is ItemStatus.OVERDUE


def test_a_new_student_gets_sessions_that_have_not_ended() -> None:
    assert still_ahead(session(), STARTS)
    assert not still_ahead(session(), ENDS)
    assert still_ahead(session().start(STARTS), ENDS + timedelta(hours=1))  # running over
    assert not still_ahead(session().start(STARTS).end(ENDS), STARTS)


def test_a_cursor_points_back_at_the_same_position() -> None:
    position = Position(datetime(2025, 3, 10, 14, 0, 0, 123000, tzinfo=UTC), "item|with|bars")
    assert Position.from_cursor(position.cursor()) == position


@pytest.mark.parametrize("cursor", ["garbage!", "bm8tc2VwYXJhdG9y", "MjAyNS0wMy0xMHxh"])
def test_a_cursor_the_feed_did_not_give_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        query(after=cursor)
    assert rules(raised.value) == [("after", "valid_cursor")]


def test_page_size_defaults_and_is_capped() -> None:
    assert query().first == 20
    assert query(first=100).first == 100
    with pytest.raises(InvalidInput) as too_big:
        query(first=101)
    assert rules(too_big.value) == [("first", "max_page_size")]
    with pytest.raises(InvalidInput) as too_small:
        query(first=0)
    assert rules(too_small.value) == [("first", "min_page_size")]


def test_kinds_and_statuses_are_comma_lists_of_known_names() -> None:
    parsed = query(kinds="task, live_session", statuses="open,overdue")
    assert parsed.kinds == {ItemKind.TASK, ItemKind.LIVE_SESSION}
    assert parsed.statuses == {ItemStatus.OPEN, ItemStatus.OVERDUE}
    assert query().kinds == frozenset()
    with pytest.raises(InvalidInput) as raised:
        query(kinds="homework", statuses="late")
    assert rules(raised.value) == [("kinds", "known_kind"), ("statuses", "known_status")]


def test_to_must_come_after_from() -> None:
    with pytest.raises(InvalidInput) as raised:
        query(starts=STARTS, ends=STARTS)
    assert rules(raised.value) == [("to", "after_from")]


def test_a_cursor_built_from_the_json_instant_is_accepted() -> None:
    # The gateway builds per-edge cursors from the item's JSON `actionable_at` ("...Z").
    raw = b"2025-03-10T14:00:00.123000Z|task-1"
    position = Position.from_cursor(base64.urlsafe_b64encode(raw).decode())
    assert position == Position(datetime(2025, 3, 10, 14, 0, 0, 123000, tzinfo=UTC), "task-1")


def test_a_feed_request_must_say_whose_feed_it_is() -> None:
    with pytest.raises(InvalidInput) as refused:
        query(student_id=None)
    assert rules(refused.value) == [("student_id", "required")]
