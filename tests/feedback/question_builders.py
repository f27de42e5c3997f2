"""The scheduler's plan events as feedback hears them, and the people of a section, for the
questions' and notes' unit and integration tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from bookend.auth import Principal, Role
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.scheduler import (
    Bookend,
    SessionCancelled,
    SessionRescheduled,
    TaskAssigned,
    TaskWithdrawn,
)
from tests.feedback.builders import END, SCHEDULER, START

DISTRICT = "d1"
SECTION = "sec1"


def student(subject: str = "ana", sections: frozenset[str] = frozenset({SECTION})) -> Principal:
    return Principal(subject, DISTRICT, frozenset({Role.STUDENT}), sections=sections)


def guardian(subject: str, *children: str, district: str = DISTRICT) -> Principal:
    return Principal(subject, district, frozenset({Role.GUARDIAN}), children=frozenset(children))


def teacher(subject: str = "t1", sections: frozenset[str] = frozenset({SECTION})) -> Principal:
    return Principal(subject, DISTRICT, frozenset({Role.TEACHER}), sections=sections)


SCHOOL_ADMIN = Principal("a1", DISTRICT, frozenset({Role.SCHOOL_ADMIN}), school="school-1")
OTHER_SCHOOL_ADMIN = Principal("a2", DISTRICT, frozenset({Role.SCHOOL_ADMIN}), school="school-2")
DISTRICT_ADMIN = Principal("a3", DISTRICT, frozenset({Role.DISTRICT_ADMIN}))
OTHER_DISTRICT_ADMIN = Principal("a9", "d2", frozenset({Role.DISTRICT_ADMIN}))


def rescheduled(
    session: str, section: str, district: str, by: timedelta = timedelta(days=1)
) -> CloudEvent:
    payload = SessionRescheduled(
        district_id=district,
        session_id=session,
        section_id=section,
        starts_at=START + by,
        ends_at=END + by,
        previous_starts_at=START,
        previous_ends_at=END,
        modality="on_site",
        join_url=None,
        series_id=None,
    )
    return new_event(SCHEDULER, payload)


def cancelled(session: str, section: str, district: str) -> CloudEvent:
    payload = SessionCancelled(
        district_id=district,
        session_id=session,
        section_id=section,
        starts_at=START,
        cancelled_at=START - timedelta(hours=1),
        series_id=None,
    )
    return new_event(SCHEDULER, payload)


def task_assigned(
    task: str,
    section: str,
    district: str,
    session: str | None = None,
    bookend: Bookend | None = None,
) -> CloudEvent:
    payload = TaskAssigned(
        district_id=district,
        task_id=task,
        section_id=section,
        lesson_id="lesson-1",
        component_id="component-1",
        session_id=session,
        bookend=bookend,
        title="Follow-up" if bookend is Bookend.FOLLOW_UP else "Practice",
        minutes=20,
        opens_at=END,
        due_at=END + timedelta(days=1),
        time_zone="UTC",
    )
    return new_event(SCHEDULER, payload)


def task_withdrawn(
    task: str, section: str, district: str, session: str | None = None
) -> CloudEvent:
    payload = TaskWithdrawn(
        district_id=district,
        task_id=task,
        section_id=section,
        session_id=session,
        withdrawn_at=START,
    )
    return new_event(SCHEDULER, payload)


def during(minutes: float) -> datetime:
    """A moment of the session planned in tests.feedback.builders (09:00 to 09:45 UTC)."""
    return START + timedelta(minutes=minutes)
