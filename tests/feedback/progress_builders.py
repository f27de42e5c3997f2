"""The scheduler's task events and the catalog's recordings as feedback receives them, and
students' reports, for progress's unit and integration tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import ComponentKind, ModeFit, RecordingPublished
from bookend.contracts.scheduler import TaskAssigned, TaskRescheduled, TaskWithdrawn
from services.feedback.progress.domain import ReportSent

OPENS = datetime(2025, 9, 1, 8, tzinfo=UTC)
DUE = OPENS + timedelta(days=2)
SCHEDULER, CATALOG = "bookend/scheduler", "bookend/catalog"


def assigned(
    task: str,
    section: str,
    district: str,
    students: list[str] | None = None,
    component: str = "component-1",
    at: datetime = OPENS,
) -> CloudEvent:
    """A task for the whole section, or for the students chosen; announced `at`."""
    payload = TaskAssigned(
        district_id=district,
        task_id=task,
        section_id=section,
        lesson_id="lesson-1",
        component_id=component,
        session_id=None,
        bookend=None,
        title="Practice",
        minutes=20,
        opens_at=OPENS,
        due_at=DUE,
        time_zone="America/Chicago",
        student_ids=students,
    )
    return replace(new_event(SCHEDULER, payload), time=at)


def rescheduled(task: str, section: str, district: str, by: timedelta) -> CloudEvent:
    payload = TaskRescheduled(
        district_id=district,
        task_id=task,
        section_id=section,
        session_id=None,
        opens_at=OPENS + by,
        due_at=DUE + by,
    )
    return new_event(SCHEDULER, payload)


def withdrawn(task: str, section: str, district: str, at: datetime = DUE) -> CloudEvent:
    payload = TaskWithdrawn(
        district_id=district, task_id=task, section_id=section, session_id=None, withdrawn_at=at
    )
    return new_event(SCHEDULER, payload)


def recording(component: str, section: str, district: str, seconds: int) -> CloudEvent:
    payload = RecordingPublished(
        district_id=district,
        component_id=component,
        session_id="session-1",
        section_id=section,
        lesson_id="lesson-1",
        lesson_version=1,
        title="Seminar",
        kind=ComponentKind.DISCUSSION,
        mode_fit=ModeFit.ON_DEMAND,
        minutes=-(-seconds // 60),
        url="https://cdn.example.org/seminar.mp4",
        duration_seconds=seconds,
        bytes=1000,
        published_at=OPENS,
    )
    return new_event(CATALOG, payload)


def sent(
    event_id: str,
    minutes: float,
    *,
    spent: int = 0,
    position: int | None = None,
    completed: bool = False,
) -> ReportSent:
    """A report `minutes` after the task was announced (OPENS), by the client's clock."""
    return ReportSent(
        client_event_id=event_id,
        occurred_at=OPENS + timedelta(minutes=minutes),
        completed=completed,
        position_seconds=position,
        time_spent_seconds=spent,
    )
