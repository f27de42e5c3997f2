"""The feed read model's pure rules: item status, cursors and page requests."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bookend.contracts.scheduler import FeedItemKind, FeedItemStatus
from bookend.problems import InvalidInput
from services.scheduler.feed.domain import (
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
    assert item.status(STARTS + timedelta(days=9)) is FeedItemStatus.SCHEDULED
    live, _ = session().start(STARTS)
    assert session_item("s", live).status(STARTS) is FeedItemStatus.LIVE


def test_a_task_is_upcoming_then_open_then_overdue() -> None:
    follow_up = task_item(
        "student-1", bookend_tasks(session(), LESSON, WINDOWS, new_id=counting_ids())[-1]
    )
    assert follow_up.actionable_at == follow_up.due_at
    assert follow_up.status(ENDS - timedelta(seconds=1)) is FeedItemStatus.UPCOMING
    assert follow_up.status(ENDS) is FeedItemStatus.OPEN
    assert (
        follow_up.status(ENDS + timedelta(hours=48) - timedelta(seconds=1)) is FeedItemStatus.OPEN
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


def test_kinds_and_statuses_are_comma_lists_of_known_names() -> None:
    parsed = feed_request(kinds="task, live_session", statuses="open,overdue")
    assert parsed.kinds == {FeedItemKind.TASK, FeedItemKind.LIVE_SESSION}
    assert parsed.statuses == {FeedItemStatus.OPEN, FeedItemStatus.OVERDUE}
    assert feed_request().kinds == frozenset()


@pytest.mark.parametrize(
    ("overrides", "broken"),
    [
        pytest.param({"after": "garbage!"}, [("after", "valid_cursor")], id="not-base64"),
        pytest.param({"after": "bm8tc2VwYXJhdG9y"}, [("after", "valid_cursor")], id="no-separator"),
        pytest.param(
            {"after": "MjAyNS0wMy0xMHxh"}, [("after", "valid_cursor")], id="naive-instant"
        ),
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
