"""The scheduler's session events as feedback receives them, for unit and integration tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.scheduler import SessionEnded, SessionScheduled, SessionStarted

START = datetime(2025, 9, 1, 9, tzinfo=UTC)
END = START + timedelta(minutes=45)
SCHEDULER = "bookend/scheduler"


def started(
    session: str,
    section: str,
    district: str,
    at: datetime = START,
    expected: list[str] | None = None,
) -> CloudEvent:
    """The start, naming the students the section expected (none, as before ADR 0034)."""
    payload = SessionStarted(
        district_id=district,
        session_id=session,
        section_id=section,
        started_at=at,
        expected_student_ids=expected or [],
    )
    return new_event(SCHEDULER, payload)


def ended(
    session: str,
    section: str,
    district: str,
    expected: list[str] | None = None,
    at: datetime = END,
) -> CloudEvent:
    """The end, naming the students the section expected (none, as before ADR 0032)."""
    payload = SessionEnded(
        district_id=district,
        session_id=session,
        section_id=section,
        ended_at=at,
        expected_student_ids=expected or [],
    )
    return new_event(SCHEDULER, payload)


def scheduled(session: str, section: str, district: str, school: str) -> CloudEvent:
    payload = SessionScheduled(
        district_id=district,
        session_id=session,
        school_id=school,
        section_id=section,
        lesson_id="lesson-1",
        lesson_version=1,
        title="A live session",
        starts_at=START,
        ends_at=END,
        time_zone="UTC",
        task_ids=[],
    )
    return new_event(SCHEDULER, payload)
