"""The feed read model as a projection of the scheduler's domain events.

Use cases hand their domain events to `project` inside the transaction of the change, so a
student's feed never shows a session that was not stored, nor misses one that was. The table
below is the only place that says how each event changes feeds; what students did
(attendance, progress, excusals) joins it as rows of their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

from bookend.contracts import CloudEvent, new_event
from bookend.contracts.scheduler import FeedsChanged, SessionStatus
from services.scheduler import SOURCE
from services.scheduler.feed.domain import (
    AttendanceTaken,
    FeedItem,
    ProgressMade,
    PromptLeft,
    RecordingFollowed,
    items_for,
    prompt_item,
    still_ahead,
    task_item,
)
from services.scheduler.roster.calendar import SchoolCalendar
from services.scheduler.roster.domain import Learner, Section, StudentEnrolled
from services.scheduler.sessions.domain import (
    LiveSession,
    SessionCancelled,
    SessionEnded,
    SessionRescheduled,
    SessionScheduled,
    SessionStarted,
    Task,
    TaskAssigned,
    TaskRescheduled,
    TaskWithdrawn,
)
from services.scheduler.sessions.tasks import (
    Extension,
    StudentWindow,
    TaskExcused,
    TaskExtended,
    audience,
    window_for,
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

    async def students_with_item(self, district_id: str, item_id: str) -> list[str]:
        """The students whose feeds hold the session or task, in id order."""
        ...

    async def change_items(
        self,
        district_id: str,
        item_id: str,
        change: Callable[[FeedItem], FeedItem],
        *,
        student_id: str | None = None,
    ) -> list[str]:
        """Every student's item of the session or task (or one student's) as `change` makes
        it; the students whose items it changed."""
        ...

    async def list_recording_followers(
        self, district_id: str, section_id: str, at: datetime
    ) -> list[str]:
        """The students following the section's sessions by recording at `at` (ADR 0038)."""
        ...

    # What a student's own window of a task is resolved from.

    async def get_section(self, district_id: str, section_id: str) -> Section | None: ...

    async def get_calendar(self, district_id: str, school_id: str) -> SchoolCalendar | None: ...

    async def get_learner(self, district_id: str, student_id: str) -> Learner | None: ...

    async def get_session(self, district_id: str, session_id: str) -> LiveSession | None: ...

    async def list_extensions(self, district_id: str, task_id: str) -> list[Extension]:
        """The students' own windows of a task."""
        ...

    async def remove_items(self, district_id: str, item_id: str) -> list[str]:
        """Take the task out of every feed that holds it; the students whose feeds held it."""
        ...

    async def emit(self, *events: CloudEvent) -> None:
        """Send events through the outbox, with the transaction's other writes."""
        ...


# Where a change reaches more students, it is told in several events of this many ids.
STUDENTS_PER_EVENT = 1000


class Changed:
    """The students whose feeds one transaction changed, by district."""

    def __init__(self) -> None:
        self.students: dict[str, set[str]] = {}

    def add(self, district_id: str, student_ids: Iterable[str]) -> None:
        if ids := set(student_ids):
            self.students.setdefault(district_id, set()).update(ids)

    def events(self) -> list[CloudEvent]:
        told = []
        for district_id, students in sorted(self.students.items()):
            ordered = sorted(students)
            for start in range(0, len(ordered), STUDENTS_PER_EVENT):
                chunk = ordered[start : start + STUDENTS_PER_EVENT]
                told.append(
                    new_event(SOURCE, FeedsChanged(district_id=district_id, student_ids=chunk))
                )
        return told


class Projector:
    """The table from domain event class to how it changes feeds; other events change none."""

    def __init__(self) -> None:
        self._handlers: dict[type[Any], Callable[[Projection, Any, Changed], Awaitable[None]]] = {}

    def on(
        self, kind: type[E], handler: Callable[[Projection, E, Changed], Awaitable[None]]
    ) -> Self:
        self._handlers[kind] = handler
        return self

    async def __call__(self, tx: Projection, events: Iterable[object]) -> None:
        """Apply the events to the feeds, then say whose feeds changed (FeedsChanged), in the
        same transaction: whoever keeps a copy of a feed hears of every change to it."""
        changed = Changed()
        for event in events:
            handler = self._handlers.get(type(event))
            if handler is not None:
                await handler(tx, event, changed)
        if changed.students:
            await tx.emit(*changed.events())


async def session_scheduled(tx: Projection, event: SessionScheduled, changed: Changed) -> None:
    """Every student of the section gets the session."""
    session = event.session
    students = await tx.list_section_students(session.district_id, session.section_id)
    followers = await _followers(tx, session)
    await tx.add_feed_items(
        [
            replace(item, by_recording=item.student_id in followers)
            for item in items_for(students, [session], [])
        ]
    )
    changed.add(session.district_id, students)


async def _followers(tx: Projection, session: LiveSession) -> set[str]:
    """Who follows the session by its recording: those following its section when it starts."""
    return set(
        await tx.list_recording_followers(
            session.district_id, session.section_id, session.starts_at
        )
    )


async def task_assigned(tx: Projection, event: TaskAssigned, changed: Changed) -> None:
    """Every student the task is for (its section's, or those chosen) gets it, each in their
    own window."""
    task = event.task
    section_students = await tx.list_section_students(task.district_id, task.section_id)
    students = audience(task, section_students)
    windows = await windows_of(tx, task, students)
    await tx.add_feed_items([task_item(s, task, windows.get(s)) for s in students])
    changed.add(task.district_id, students)


async def windows_of(
    tx: Projection, task: Task, students: Sequence[str], *, extended: bool = True
) -> dict[str, StudentWindow]:
    """Each student's own window of the task, where it differs from the task's: its rules
    resolved in the student's zone by the school's calendar, and (unless not `extended`) the
    student's extension."""
    district = task.district_id
    extensions = (
        {e.student_id: e for e in await tx.list_extensions(district, task.id)} if extended else {}
    )
    if task.rules is None and not extensions:
        return {}
    calendar = session = None
    if task.rules is not None:
        section = await tx.get_section(district, task.section_id)
        if section is not None:
            calendar = await tx.get_calendar(district, section.school_id)
        if task.session_id is not None:
            session = await tx.get_session(district, task.session_id)
    windows: dict[str, StudentWindow] = {}
    for student in students:
        learner = await tx.get_learner(district, student) if task.rules is not None else None
        windows[student] = window_for(
            task,
            zone=learner.time_zone if learner is not None else task.time_zone,
            calendar=calendar,
            session=session,
            extension=extensions.get(student),
        )
    return windows


async def session_moved_on(
    tx: Projection, event: SessionStarted | SessionEnded, changed: Changed
) -> None:
    """Each student's item of the session shows its new status (one write for the section)."""
    session = event.session
    await tx.save_session_status(session.district_id, session.id, session.status)
    changed.add(session.district_id, await tx.students_with_item(session.district_id, session.id))


async def session_rescheduled(tx: Projection, event: SessionRescheduled, changed: Changed) -> None:
    """Each student's item takes the new times; moved into or out of a student's following by
    recording, their item says so."""
    session = event.session
    followers = await _followers(tx, session)

    def moved(item: FeedItem) -> FeedItem:
        return replace(
            item,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            actionable_at=session.starts_at,
            minutes=session.minutes,
            revision=session.sequence,
            by_recording=item.student_id in followers,
        )

    changed.add(session.district_id, await tx.change_items(session.district_id, session.id, moved))


async def session_cancelled(tx: Projection, event: SessionCancelled, changed: Changed) -> None:
    """It stays in the feeds, shown cancelled, so nobody waits for it."""
    session = event.session

    def cancelled(item: FeedItem) -> FeedItem:
        return replace(item, session_status=session.status, revision=session.sequence)

    changed.add(
        session.district_id, await tx.change_items(session.district_id, session.id, cancelled)
    )


async def task_rescheduled(tx: Projection, event: TaskRescheduled, changed: Changed) -> None:
    """Each student's item takes the student's window of the moved task (rules resolved
    again, from the session's new time)."""
    task = event.task
    windows = await windows_of(tx, task, await tx.students_with_item(task.district_id, task.id))
    changed.add(
        task.district_id, await tx.change_items(task.district_id, task.id, moved_to(task, windows))
    )


async def task_extended(tx: Projection, event: TaskExtended, changed: Changed) -> None:
    """The student's item takes their extended window; nobody else's changes."""
    task, student = event.task, event.extension.student_id
    windows = await windows_of(tx, task, [student])
    changed.add(
        task.district_id,
        await tx.change_items(
            task.district_id, task.id, moved_to(task, windows), student_id=student
        ),
    )


def moved_to(task: Task, windows: dict[str, StudentWindow]) -> Callable[[FeedItem], FeedItem]:
    def moved(item: FeedItem) -> FeedItem:
        window = windows.get(item.student_id) or StudentWindow(
            task.opens_at, task.due_at, task.closes_at
        )
        return replace(
            item,
            opens_at=window.opens_at,
            due_at=window.due_at,
            closes_at=window.closes_at,
            actionable_at=window.due_at,
            revision=item.revision + 1,
        )

    return moved


async def task_withdrawn(tx: Projection, event: TaskWithdrawn, changed: Changed) -> None:
    """Nothing left to do: it leaves the feeds."""
    task = event.task
    changed.add(task.district_id, await tx.remove_items(task.district_id, task.id))


async def student_enrolled(tx: Projection, event: StudentEnrolled, changed: Changed) -> None:
    """A student who joins gets the section's sessions and tasks still ahead."""
    enrolment, now = event.enrolment, event.at
    district_id, section_id = enrolment.district_id, enrolment.section_id
    sessions = await tx.list_sessions_not_ended(district_id, section_id)
    student = enrolment.student_id
    tasks = [
        task
        for task in await tx.list_tasks_due_after(district_id, section_id, now)
        if audience(task, [student])
    ]
    ahead = [session for session in sessions if still_ahead(session, now)]
    items = items_for([student], ahead, [])
    for task in tasks:
        items.append(task_item(student, task, (await windows_of(tx, task, [student])).get(student)))
    if items:
        await tx.add_feed_items(items)
        changed.add(district_id, [enrolment.student_id])


async def attendance_taken(tx: Projection, event: AttendanceTaken, changed: Changed) -> None:
    """Each student's item of the session shows how they attended (attended or missed)."""

    def marked(item: FeedItem) -> FeedItem:
        mark = event.marks.get(item.student_id)
        return item if mark is None else replace(item, attendance=mark)

    changed.add(
        event.district_id, await tx.change_items(event.district_id, event.session_id, marked)
    )


async def progress_made(tx: Projection, event: ProgressMade, changed: Changed) -> None:
    """The student's item of the task shows the furthest progress reported (in progress,
    done); a repeated or late report changes nothing and tells nobody."""
    students = await tx.change_items(
        event.district_id,
        event.task_id,
        lambda item: item.progressed(event.progress),
        student_id=event.student_id,
    )
    changed.add(event.district_id, students)


async def task_excused(tx: Projection, event: TaskExcused, changed: Changed) -> None:
    """The student's item shows the excusal (or, taken back, the status the clock gives)."""
    task = event.task
    students = await tx.change_items(
        task.district_id,
        task.id,
        lambda item: replace(item, excused=event.excused),
        student_id=event.student_id,
    )
    changed.add(task.district_id, students)


async def prompt_left(tx: Projection, event: PromptLeft, changed: Changed) -> None:
    """Each student the prompt was left to gets it (ADR 0034); one who has it keeps theirs."""
    await tx.add_feed_items([prompt_item(student, event) for student in event.student_ids])
    changed.add(event.session.district_id, event.student_ids)


async def recording_followed(tx: Projection, event: RecordingFollowed, changed: Changed) -> None:
    """The student's items of the section's sessions not ended in the span say whether they
    follow them by recording, as the followings stored now have it (another following may
    still cover a session when one is undone)."""
    district, student = event.district_id, event.student_id
    for session in await tx.list_sessions_not_ended(district, event.section_id):
        if not event.starts_at <= session.starts_at < event.ends_at:
            continue
        follows = student in await _followers(tx, session)
        changed.add(
            district,
            await tx.change_items(district, session.id, _following(follows), student_id=student),
        )


def _following(follows: bool) -> Callable[[FeedItem], FeedItem]:
    return lambda item: replace(item, by_recording=follows)


project = (
    Projector()
    .on(SessionScheduled, session_scheduled)
    .on(TaskAssigned, task_assigned)
    .on(SessionStarted, session_moved_on)
    .on(SessionEnded, session_moved_on)
    .on(SessionRescheduled, session_rescheduled)
    .on(SessionCancelled, session_cancelled)
    .on(TaskRescheduled, task_rescheduled)
    .on(TaskWithdrawn, task_withdrawn)
    .on(TaskExtended, task_extended)
    .on(StudentEnrolled, student_enrolled)
    .on(AttendanceTaken, attendance_taken)
    .on(ProgressMade, progress_made)
    .on(TaskExcused, task_excused)
    .on(PromptLeft, prompt_left)
    .on(RecordingFollowed, recording_followed)
)
