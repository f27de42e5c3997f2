"""The feed read model as a projection of the scheduler's domain events.

Use cases hand their domain events to `project` inside the transaction of the change, so a
student's feed never shows a session that was not stored, nor misses one that was. The table
below is the only place that says how each event changes feeds; progress and attendance join
it as rows of their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

from bookend.contracts.scheduler import SessionStatus
from services.scheduler.feed.domain import FeedItem, items_for, still_ahead
from services.scheduler.roster.domain import StudentEnrolled
from services.scheduler.sessions.domain import (
    LiveSession,
    SessionEnded,
    SessionScheduled,
    SessionStarted,
    Task,
    TaskAssigned,
)

E = TypeVar("E")


class Projection(Protocol):
    """What the projector reads and writes; every slice's transaction offers it.

    It lives beside the projector rather than in `feed/ports.py` because the roster's and the
    sessions' transactions include it, while the feed's own ports build on the roster's.
    """

    async def list_section_students(self, district_id: str, section_id: str) -> list[str]:
        """The students enrolled in a section, in id order."""
        ...

    async def list_sessions_not_ended(self, district_id: str, section_id: str) -> list[LiveSession]:
        """A section's scheduled and live sessions, by start."""
        ...

    async def list_tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]:
        """A section's tasks due after `moment`, by due time."""
        ...

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        """Insert the items students do not have yet; the ones they have are left as they are."""
        ...

    async def save_session_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None:
        """Every student's item of the session shows `status`."""
        ...


class Projector:
    """The table from domain event class to how it changes feeds; other events change none."""

    def __init__(self) -> None:
        self._handlers: dict[type[Any], Callable[[Projection, Any], Awaitable[None]]] = {}

    def on(self, kind: type[E], handler: Callable[[Projection, E], Awaitable[None]]) -> Self:
        self._handlers[kind] = handler
        return self

    async def __call__(self, tx: Projection, events: Iterable[object]) -> None:
        for event in events:
            handler = self._handlers.get(type(event))
            if handler is not None:
                await handler(tx, event)


async def session_scheduled(tx: Projection, event: SessionScheduled) -> None:
    """Every student of the section gets the session."""
    session = event.session
    students = await tx.list_section_students(session.district_id, session.section_id)
    await tx.add_feed_items(items_for(students, [session], []))


async def task_assigned(tx: Projection, event: TaskAssigned) -> None:
    """Every student of the section gets the task."""
    task = event.task
    students = await tx.list_section_students(task.district_id, task.section_id)
    await tx.add_feed_items(items_for(students, [], [task]))


async def session_moved_on(tx: Projection, event: SessionStarted | SessionEnded) -> None:
    """Each student's item of the session shows its new status (one write for the section)."""
    session = event.session
    await tx.save_session_status(session.district_id, session.id, session.status)


async def student_enrolled(tx: Projection, event: StudentEnrolled) -> None:
    """A student who joins gets the section's sessions and tasks still ahead."""
    enrolment, now = event.enrolment, event.at
    district_id, section_id = enrolment.district_id, enrolment.section_id
    sessions = await tx.list_sessions_not_ended(district_id, section_id)
    tasks = await tx.list_tasks_due_after(district_id, section_id, now)
    ahead = [session for session in sessions if still_ahead(session, now)]
    await tx.add_feed_items(items_for([enrolment.student_id], ahead, tasks))


project = (
    Projector()
    .on(SessionScheduled, session_scheduled)
    .on(TaskAssigned, task_assigned)
    .on(SessionStarted, session_moved_on)
    .on(SessionEnded, session_moved_on)
    .on(StudentEnrolled, student_enrolled)
)
