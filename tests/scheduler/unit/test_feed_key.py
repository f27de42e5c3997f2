"""The feed key: one string whose order is the feed's, and whose span bounds keep MongoDB's
millisecond comparison of instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.scheduler.feed.store import feed_key

AT = datetime(2031, 9, 1, 8, tzinfo=UTC)


def test_keys_sort_by_actionable_time_then_item_id() -> None:
    places = [
        (AT, "b"),
        (AT - timedelta(days=400), "z"),
        (AT + timedelta(milliseconds=1), "a"),
        (AT, "a"),
        (AT, "a-1"),
        (datetime(2199, 12, 31, tzinfo=UTC), "a"),
        (datetime(2000, 1, 1, tzinfo=UTC), "a"),
    ]
    assert sorted(places, key=lambda place: feed_key(*place)) == sorted(places)


def test_a_span_bound_sits_before_every_item_of_its_millisecond_and_after_every_earlier() -> None:
    bound = feed_key(AT)
    assert feed_key(AT - timedelta(milliseconds=1), "\U0010ffff") < bound < feed_key(AT, "0")


def test_instants_compare_to_the_millisecond_as_mongodb_stores_them_in_any_zone() -> None:
    assert feed_key(AT + timedelta(microseconds=999)) == feed_key(AT)
    assert feed_key(AT - timedelta(microseconds=1)) < feed_key(AT)
    assert feed_key(AT.astimezone(ZoneInfo("America/New_York")), "a") == feed_key(AT, "a")
