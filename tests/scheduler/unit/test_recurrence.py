"""Recurring sessions: an RRULE expanded at the session's local wall time, blackout dates
skipped, and every rule we do not take refused under `recurrence` with its own rule name."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookend.problems import InvalidInput
from services.scheduler.sessions.recurrence import MAX_OCCURRENCES, expand

CHICAGO = ZoneInfo("America/Chicago")
# A Tuesday, nine in the morning in Chicago, a week before summer time ends (1 November 2026).
FIRST = datetime(2026, 10, 27, 9, 0, tzinfo=CHICAGO)
LENGTH = timedelta(minutes=45)


def local_times(rule: str, skip: frozenset[date] = frozenset()) -> list[str]:
    expansion = expand(
        rule,
        starts_at=FIRST,
        ends_at=FIRST + LENGTH,
        time_zone="America/Chicago",
        skip=skip.__contains__,
    )
    return [
        f"{o.starts_at.astimezone(CHICAGO):%a %m-%d %H:%M}-{o.ends_at.astimezone(CHICAGO):%H:%M}"
        for o in expansion.occurrences
    ]


def test_a_weekly_series_keeps_its_local_time_when_summer_time_ends() -> None:
    assert local_times("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4") == [
        "Tue 10-27 09:00-09:45",
        "Thu 10-29 09:00-09:45",
        "Tue 11-03 09:00-09:45",
        "Thu 11-05 09:00-09:45",
    ]


def test_blackout_dates_are_skipped_and_named() -> None:
    thanksgiving_week = frozenset({date(2026, 11, 3)})
    expansion = expand(
        "RRULE:FREQ=WEEKLY;COUNT=3",
        starts_at=FIRST,
        ends_at=FIRST + LENGTH,
        time_zone="America/Chicago",
        skip=thanksgiving_week.__contains__,
    )
    days = [o.starts_at.astimezone(CHICAGO).date() for o in expansion.occurrences]
    assert days == [date(2026, 10, 27), date(2026, 11, 10)]
    assert expansion.skipped == (date(2026, 11, 3),)


def test_until_as_a_date_takes_that_whole_local_day() -> None:
    assert local_times("FREQ=WEEKLY;UNTIL=20261110")[-1] == "Tue 11-10 09:00-09:45"


def rules_broken(rule: str) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as refused:
        local_times(rule)
    return [(e.field, e.rule) for e in refused.value.errors]


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        pytest.param("FREQ=WEEKLY", ["bounded"], id="endless"),
        pytest.param("FREQ=WEEKLY;COUNT=2;UNTIL=20261201", ["bounded"], id="both-ends"),
        pytest.param("FREQ=HOURLY;COUNT=3", ["supported_freq"], id="hourly"),
        pytest.param("FREQ=DAILY;BYHOUR=9,10;COUNT=3", ["supported_parts"], id="two-a-day"),
        pytest.param("FREQ=DAILY;COUNT=0", ["in_range"], id="no-sessions"),
        pytest.param(f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 1}", ["in_range"], id="too-many"),
        pytest.param("FREQ=DAILY;INTERVAL=99;COUNT=2", ["in_range"], id="interval"),
        pytest.param("FREQ=WEEKLY;UNTIL=20300101", ["max_span"], id="years-long"),
        pytest.param("FREQ=DAILY;UNTIL=20271231", ["max_occurrences"], id="daily-for-a-year"),
        pytest.param("FREQ=WEEKLY;BYDAY=MO;COUNT=3", ["starts_on_rule"], id="first-not-on-rule"),
        pytest.param("FREQ=WEEKLY;BYDAY=XX;COUNT=3", ["valid_rrule"], id="unknown-day"),
        pytest.param("hello", ["valid_rrule"], id="not-a-rule"),
        pytest.param("FREQ=WEEKLY;COUNT=2\nRDATE:20261201", ["valid_rrule"], id="two-lines"),
        pytest.param("FREQ=WEEKLY;COUNT=2;" + "X" * 400, ["max_length"], id="huge"),
    ],
)
def test_rules_we_do_not_take_are_refused_by_name(rule: str, broken: list[str]) -> None:
    assert rules_broken(rule) == [("recurrence", name) for name in broken]


def test_every_broken_part_is_named_at_once() -> None:
    assert rules_broken("FREQ=SECONDLY;BYSETPOS=1") == [
        ("recurrence", "supported_parts"),
        ("recurrence", "supported_freq"),
        ("recurrence", "bounded"),
    ]
