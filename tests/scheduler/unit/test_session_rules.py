"""Rules a session request must keep, and the transitions a live session goes through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bookend.clock import stored_instant
from bookend.problems import InvalidInput
from services.scheduler.domain import (
    SessionNotLive,
    SessionNotScheduled,
    SessionStatus,
    check_session,
    check_zone,
)
from tests.scheduler.builders import STARTS, session


def rules(failure: InvalidInput) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in failure.errors]


def test_a_session_must_end_after_it_starts() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_session(starts_at=STARTS, ends_at=STARTS, time_zone="UTC", title=None)
    assert rules(raised.value) == [("ends_at", "after_start")]


def test_a_session_zone_must_be_an_iana_zone() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_session(starts_at=STARTS, ends_at=STARTS + timedelta(hours=1),
                      time_zone="Mars/Olympus", title=None)
    assert rules(raised.value) == [("time_zone", "iana_zone")]


@pytest.mark.parametrize("zone", ["", "../etc/passwd", "EST5EDT/x", "not a zone"])
def test_malformed_zones_are_refused_not_crashed_on(zone: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_zone(zone)
    assert rules(raised.value) == [("time_zone", "iana_zone")]


def test_a_blank_title_override_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_session(starts_at=STARTS, ends_at=STARTS + timedelta(hours=1), time_zone="UTC",
                      title="   ")
    assert rules(raised.value) == [("title", "not_blank")]


def test_every_broken_rule_is_named_at_once() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_session(starts_at=STARTS, ends_at=STARTS - timedelta(hours=1),
                      time_zone="Nowhere/Town", title="")
    assert rules(raised.value) == [
        ("ends_at", "after_start"), ("time_zone", "iana_zone"), ("title", "not_blank")
    ]


def test_a_scheduled_session_goes_live_then_ends() -> None:
    at = STARTS + timedelta(minutes=1)
    live = session().start(at)
    assert (live.status, live.started_at) == (SessionStatus.LIVE, at)
    over = live.end(at + timedelta(minutes=45))
    assert (over.status, over.ended_at) == (SessionStatus.ENDED, at + timedelta(minutes=45))


def test_only_a_scheduled_session_can_start() -> None:
    live = session().start(STARTS)
    with pytest.raises(SessionNotScheduled) as raised:
        live.start(STARTS)
    assert raised.value.code == "SESSION_NOT_SCHEDULED"


def test_only_a_live_session_can_end() -> None:
    with pytest.raises(SessionNotLive) as raised:
        session().end(STARTS)
    assert raised.value.code == "SESSION_NOT_LIVE"
    with pytest.raises(SessionNotLive):
        session().start(STARTS).end(STARTS).end(STARTS)


def test_instants_are_kept_in_utc_to_the_millisecond() -> None:
    local = datetime(2025, 3, 10, 9, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-5)))
    assert stored_instant(local) == datetime(2025, 3, 10, 14, 0, 0, 123000, tzinfo=UTC)
    assert stored_instant(local).tzinfo is UTC
