"""Which week a pulse may be given or changed in: its own, as a calendar anywhere on Earth
counts it (ADR 0036)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookend.clock import IsoWeek
from bookend.problems import InvalidInput
from services.feedback.pulse.domain import open_week, week_is_open

W48 = IsoWeek(2026, 48)  # Monday 23 to Sunday 29 November 2026
MINUTE = timedelta(minutes=1)


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def refusal(week: str, at: datetime) -> tuple[str, str, str]:
    with pytest.raises(InvalidInput) as refused:
        open_week(week, at)
    (error,) = refused.value.errors
    return error.field, error.rule, error.message


def test_a_student_in_chicago_answers_their_week_until_their_sunday_ends() -> None:
    assert open_week("2026-W48", local("America/Chicago", 2026, 11, 29, 23, 59)) == W48


def test_a_student_in_chicago_answers_the_new_week_from_their_monday() -> None:
    monday = local("America/Chicago", 2026, 11, 30, 0, 1)
    assert open_week("2026-W49", monday) == IsoWeek(2026, 49)


def test_a_family_in_auckland_answers_on_their_monday_while_it_is_still_sunday_in_utc() -> None:
    monday_morning = local("Pacific/Auckland", 2026, 11, 23, 8, 0)
    assert monday_morning.weekday() == 6  # Sunday the 22nd, in UTC
    assert open_week("2026-W48", monday_morning) == W48


def test_a_week_is_open_from_its_first_monday_on_earth_to_its_last_sunday() -> None:
    first_monday = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # 00:00 at UTC+14 (Kiritimati)
    last_sunday_ends = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 24:00 at UTC-12
    assert not week_is_open(W48, first_monday - MINUTE)
    assert week_is_open(W48, first_monday)
    assert week_is_open(W48, last_sunday_ends - MINUTE)
    assert not week_is_open(W48, last_sunday_ends)


def test_a_past_week_is_refused_naming_the_week_and_the_rule() -> None:
    field, rule, message = refusal("2026-W47", local("America/Chicago", 2026, 11, 30, 9, 0))
    assert (field, rule) == ("week", "current_week")
    assert "2026-W47 is over" in message


def test_a_week_that_has_not_begun_anywhere_is_refused() -> None:
    field, rule, message = refusal("2026-W49", local("America/Chicago", 2026, 11, 25, 9, 0))
    assert (field, rule) == ("week", "current_week")
    assert "has not begun" in message


@pytest.mark.parametrize("text", ["2026-48", "W48", "2026-W54", "", "2026-W48; drop"])
def test_a_week_that_is_not_an_iso_week_is_refused(text: str) -> None:
    assert refusal(text, datetime(2026, 11, 25, tzinfo=UTC))[:2] == ("week", "iso_week")
