"""Rules a session request must keep, and the transitions a live session goes through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bookend.clock import stored_instant
from bookend.contracts.scheduler import SessionStatus
from bookend.problems import InvalidInput
from services.scheduler.sessions.domain import (
    SessionDraft,
    SessionEnded,
    SessionNotLive,
    SessionNotScheduled,
    SessionStarted,
)
from tests.scheduler.builders import STARTS, session

HOUR_LATER = STARTS + timedelta(hours=1)


def rules(failure: InvalidInput) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in failure.errors]


@pytest.mark.parametrize(
    ("ends_at", "time_zone", "title", "broken"),
    [
        pytest.param(STARTS, "UTC", None, [("ends_at", "after_start")], id="ends-at-start"),
        pytest.param(
            HOUR_LATER, "Mars/Olympus", None, [("time_zone", "iana_zone")], id="unknown-zone"
        ),
        pytest.param(HOUR_LATER, "UTC", "   ", [("title", "not_blank")], id="blank-title"),
        pytest.param(
            STARTS - timedelta(hours=1),
            "Nowhere/Town",
            "",
            [("ends_at", "after_start"), ("time_zone", "iana_zone"), ("title", "not_blank")],
            id="every-broken-rule-at-once",
        ),
    ],
)
def test_a_session_request_names_each_rule_it_breaks(
    ends_at: datetime, time_zone: str, title: str | None, broken: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInput) as raised:
        SessionDraft("sec", "lesson", STARTS, ends_at, time_zone, title).check()
    assert rules(raised.value) == broken


@pytest.mark.parametrize("zone", ["", "../etc/passwd", "EST5EDT/x", "not a zone"])
def test_malformed_zones_are_refused_not_crashed_on(zone: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        SessionDraft("sec", "lesson", STARTS, HOUR_LATER, zone).check()
    assert rules(raised.value) == [("time_zone", "iana_zone")]


def test_a_scheduled_session_goes_live_then_ends_and_records_each_step() -> None:
    at = STARTS + timedelta(minutes=1)
    live, started = session().start(at)
    assert (live.status, live.started_at) == (SessionStatus.LIVE, at)
    assert started == [SessionStarted(live)]
    over, ended = live.end(at + timedelta(minutes=45))
    assert (over.status, over.ended_at) == (SessionStatus.ENDED, at + timedelta(minutes=45))
    assert ended == [SessionEnded(over)]


def test_only_a_scheduled_session_can_start() -> None:
    live, _ = session().start(STARTS)
    with pytest.raises(SessionNotScheduled) as raised:
        live.start(STARTS)
    assert raised.value.code == "SESSION_NOT_SCHEDULED"


def test_only_a_live_session_can_end() -> None:
    with pytest.raises(SessionNotLive) as raised:
        session().end(STARTS)
    assert raised.value.code == "SESSION_NOT_LIVE"
    live, _ = session().start(STARTS)
    over, _ = live.end(STARTS)
    with pytest.raises(SessionNotLive):
        over.end(STARTS)


def test_wrong_transitions_are_conflicts() -> None:
    with pytest.raises(SessionNotLive) as raised:
        session().end(STARTS)
    assert (raised.value.status, raised.value.kind) == (409, "conflict")


def test_instants_are_kept_in_utc_to_the_millisecond() -> None:
    local = datetime(2025, 3, 10, 9, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-5)))
    assert stored_instant(local) == datetime(2025, 3, 10, 14, 0, 0, 123000, tzinfo=UTC)
    assert stored_instant(local).tzinfo is UTC
