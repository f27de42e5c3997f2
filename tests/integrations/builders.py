"""Public events as the services publish them, for the integrations' tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.scheduler import SessionCancelled, SessionScheduled

START = datetime(2026, 11, 30, 9, tzinfo=UTC)


def scheduled(district: str, section: str, session: str) -> CloudEvent:
    payload = SessionScheduled(
        district_id=district,
        session_id=session,
        school_id="school-1",
        section_id=section,
        lesson_id="lesson-1",
        lesson_version=1,
        title="A live session",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        time_zone="UTC",
        task_ids=[],
    )
    return new_event("bookend/scheduler", payload)


def cancelled(district: str, section: str, session: str) -> CloudEvent:
    payload = SessionCancelled(
        district_id=district,
        session_id=session,
        section_id=section,
        starts_at=START,
        cancelled_at=START,
        series_id=None,
    )
    return new_event("bookend/scheduler", payload)
