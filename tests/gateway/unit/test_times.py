"""The time scalars: an instant written in the viewer's zone to the millisecond and read only
with an offset; a day and a time of day written as they are."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from gateway.schema.errors import Unreadable
from gateway.schema.times import (
    instant_in,
    read_day,
    read_instant,
    read_time_of_day,
    write_day,
    write_instant,
    write_time_of_day,
)

CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    ("moment", "zone", "written"),
    [
        (datetime(2026, 11, 24, 15, 30, tzinfo=UTC), CHICAGO, "2026-11-24T09:30:00.000-06:00"),
        (datetime(2026, 7, 1, 16, tzinfo=UTC), CHICAGO, "2026-07-01T11:00:00.000-05:00"),
        (
            datetime(2026, 11, 24, 15, 30, 5, 123456, tzinfo=UTC),
            ZoneInfo("Asia/Kolkata"),
            "2026-11-24T21:00:05.123+05:30",
        ),
        (
            datetime(2026, 11, 25, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
            CHICAGO,
            "2026-11-24T09:30:00.000-06:00",
        ),
        (
            datetime(2026, 11, 24, 9, 30, tzinfo=CHICAGO),
            ZoneInfo("UTC"),
            "2026-11-24T15:30:00.000+00:00",
        ),
    ],
    ids=[
        "standard time",
        "daylight saving time",
        "microseconds cut to milliseconds, a half-hour offset",
        "from another zone",
        "UTC as +00:00",
    ],
)
def test_an_instant_is_written_in_the_viewers_zone_to_the_millisecond(
    moment: datetime, zone: ZoneInfo, written: str
) -> None:
    assert instant_in(moment, zone) == written
    assert datetime.fromisoformat(written) == moment.replace(
        microsecond=moment.microsecond // 1000 * 1000
    )


def test_outside_any_operation_an_instant_is_written_in_utc() -> None:
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=CHICAGO)
    assert write_instant(moment) == "2026-11-24T15:30:00.000+00:00"


def test_a_naive_datetime_is_refused_when_written_never_sent_as_if_utc() -> None:
    with pytest.raises(ValueError, match="naive datetime 2026-11-24T09:30:00 cannot be a DateTime"):
        instant_in(datetime(2026, 11, 24, 9, 30), CHICAGO)


def test_something_other_than_a_datetime_is_refused_when_written() -> None:
    with pytest.raises(TypeError, match="not from str"):
        instant_in("2026-11-24T09:30:00Z", CHICAGO)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2026-11-24T15:30:00Z", timedelta(0)),
        ("2026-11-24T15:30Z", timedelta(0)),
        ("2026-11-24T09:30:00-06:00", timedelta(hours=-6)),
        ("2026-11-24T21:00:00.000+05:30", timedelta(hours=5, minutes=30)),
        ("2026-11-24T15:30:00.000000000+00:00", timedelta(0)),
        ("2026-11-24T16:30:00.5+01:00", timedelta(hours=1)),
    ],
    ids=["Z", "Z without seconds", "-06:00", "+05:30 in milliseconds", "nanoseconds", "tenths"],
)
def test_an_instant_is_read_with_any_offset_and_precision(text: str, offset: timedelta) -> None:
    read = read_instant(text)
    assert read.utcoffset() == offset
    assert read.astimezone(UTC).replace(microsecond=0) == datetime(2026, 11, 24, 15, 30, tzinfo=UTC)


def test_an_instant_keeps_the_offset_it_was_given_even_one_utc_cannot_hold() -> None:
    # The service refuses year 1 by its own range rule, naming the field: reading must not fail.
    read = read_instant("0001-01-01T00:00:00+05:00")
    assert read.tzinfo == timezone(timedelta(hours=5))


@pytest.mark.parametrize("text", ["2026-11-24T09:30:00", "2026-11-24T09:30:00.000", "2026-11-24"])
def test_an_instant_without_an_offset_is_refused_naming_the_rule(text: str) -> None:
    with pytest.raises(Unreadable, match=r"a DateTime needs an offset \(Z or ±hh:mm\)"):
        read_instant(text)


@pytest.mark.parametrize("value", ["next tuesday", "2030-02-30T10:00Z", "", 1764000000, None])
def test_what_is_no_instant_is_refused_naming_the_format(value: object) -> None:
    with pytest.raises(Unreadable, match="a DateTime is a string in ISO 8601"):
        read_instant(value)


def test_a_day_is_written_and_read_as_it_is() -> None:
    assert write_day(date(2026, 11, 24)) == "2026-11-24"
    assert read_day("2026-11-24") == date(2026, 11, 24)


def test_an_instant_is_not_written_as_a_day() -> None:
    # Which day an instant falls on depends on a zone: it is made a day where that is known.
    with pytest.raises(TypeError, match="not from datetime"):
        write_day(datetime(2026, 11, 24, 23, tzinfo=UTC))


@pytest.mark.parametrize("value", ["2026-02-30", "24/11/2026", 20261124])
def test_what_is_no_day_is_refused_naming_the_format(value: object) -> None:
    with pytest.raises(Unreadable, match="a Date is a string in ISO 8601"):
        read_day(value)


def test_a_time_of_day_is_written_and_read_as_a_wall_time() -> None:
    assert write_time_of_day(time(9, 30)) == "09:30:00"
    assert read_time_of_day("09:30") == time(9, 30)


def test_a_time_of_day_with_an_offset_is_refused_when_written() -> None:
    with pytest.raises(ValueError, match="a Time is a wall time"):
        write_time_of_day(time(9, 30, tzinfo=UTC))


@pytest.mark.parametrize("value", ["24:00:00", "7am", 930])
def test_what_is_no_time_of_day_is_refused_naming_the_format(value: object) -> None:
    with pytest.raises(Unreadable, match="a Time is a string in ISO 8601"):
        read_time_of_day(value)
