"""The feed read model's pure rules: one item per student and session or task, its status,
cursors and page requests."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from bookend.clock import Span, stored_instant
from bookend.contracts.feedback import AttendanceMark, AttendanceSummarized, TaskProgress
from bookend.contracts.scheduler import (
    Bookend,
    FeedItemKind,
    FeedItemStatus,
    Modality,
    SessionStatus,
)
from bookend.problems import FieldError, InvalidInput, refuse_if
from services.scheduler.sessions.domain import LiveSession, Task, range_errors
from services.scheduler.sessions.tasks import StudentWindow

E = TypeVar("E", bound=StrEnum)


SESSION_STATUSES = {
    SessionStatus.SCHEDULED: FeedItemStatus.UPCOMING,
    SessionStatus.LIVE: FeedItemStatus.LIVE,
    SessionStatus.ENDED: FeedItemStatus.ENDED,
    SessionStatus.CANCELLED: FeedItemStatus.CANCELLED,
}


@dataclass(frozen=True, slots=True)
class FeedItem:
    """Denormalised so a student's feed is one range read. Its status is computed when read,
    from what the student did (attendance, progress, an excusal) and the clock."""

    item_id: str
    kind: FeedItemKind
    student_id: str
    district_id: str
    section_id: str
    session_id: str | None
    lesson_id: str
    title: str
    minutes: int
    actionable_at: datetime
    rule_time_zone: str
    bookend: Bookend | None = None  # a task's
    starts_at: datetime | None = None  # a session's
    ends_at: datetime | None = None  # a session's
    opens_at: datetime | None = None  # a task's
    due_at: datetime | None = None  # a task's
    session_status: SessionStatus | None = None  # a session's, kept up to date by the projector
    modality: Modality | None = None  # a session's
    join_url: str | None = None  # a virtual or hybrid session's
    # Grows each time the plan of the item changes (moved, cancelled): calendars order by it.
    revision: int = 0
    closes_at: datetime | None = None  # a task's: late work is taken until then
    # What the student did, kept by the projector from feedback's events and teachers' excusals.
    attendance: AttendanceMark | None = None  # a session's, once it is summarised
    progress: TaskProgress | None = None  # a task's, furthest first
    excused: bool = False  # a task's: a teacher excused the student from it
    # A session's: the student follows it by its recording, not live (a balance proposal
    # accepted, ADR 0038); the recording comes to them as catch-up work when published.
    by_recording: bool = False

    def status(self, now: datetime) -> FeedItemStatus:
        if self.session_status is not None:
            return self._session_status()
        assert self.opens_at is not None and self.due_at is not None
        if self.progress is TaskProgress.COMPLETED:
            return FeedItemStatus.DONE
        if self.excused:
            return FeedItemStatus.EXCUSED
        if now < self.opens_at:
            return FeedItemStatus.UPCOMING
        if now < self.due_at:
            if self.progress is TaskProgress.STARTED:
                return FeedItemStatus.IN_PROGRESS
            return FeedItemStatus.NOT_STARTED
        # With no close, late work is taken for as long as the task stands.
        if self.closes_at is None or now < self.closes_at:
            return FeedItemStatus.OVERDUE
        return FeedItemStatus.MISSED

    def _session_status(self) -> FeedItemStatus:
        assert self.session_status is not None
        if self.session_status is SessionStatus.CANCELLED or self.attendance is None:
            return SESSION_STATUSES[self.session_status]
        if self.attendance is AttendanceMark.ABSENT:
            return FeedItemStatus.MISSED
        return FeedItemStatus.ATTENDED

    def next_change(self, now: datetime) -> datetime | None:
        """When `status` next changes by the clock alone (a session's changes by events)."""
        if self.session_status is not None or self.settled:
            return None
        moments = (self.opens_at, self.due_at, self.closes_at)
        return next((moment for moment in moments if moment and now < moment), None)

    @property
    def settled(self) -> bool:
        """A task done or excused: the clock changes nothing more."""
        return self.progress is TaskProgress.COMPLETED or self.excused

    def progressed(self, progress: TaskProgress) -> FeedItem:
        """Progress only moves forward: a late or repeated report of less changes nothing."""
        if self.progress is TaskProgress.COMPLETED or self.progress is progress:
            return self
        return replace(self, progress=progress)


@dataclass(frozen=True, slots=True)
class AttendanceTaken:
    """Domain event: a session's attendance is known; each student's item shows theirs."""

    district_id: str
    session_id: str
    marks: Mapping[str, AttendanceMark]

    @classmethod
    def of(cls, summary: AttendanceSummarized) -> AttendanceTaken:
        marks = {
            student: mark
            for mark, students in (
                (AttendanceMark.PRESENT, summary.present),
                (AttendanceMark.LATE, summary.late),
                (AttendanceMark.LEFT_EARLY, summary.left_early),
                (AttendanceMark.ABSENT, summary.absent),
            )
            for student in students
        }
        return cls(summary.district_id, summary.session_id, marks)


@dataclass(frozen=True, slots=True)
class RecordingFollowed:
    """Domain event: a student began, or stopped, following a section's sessions that start
    in `starts_at`..`ends_at` by their recording; their items of those sessions say so."""

    district_id: str
    section_id: str
    student_id: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class ProgressMade:
    """Domain event: a student reported progress on a task; their item shows the furthest."""

    district_id: str
    task_id: str
    student_id: str
    progress: TaskProgress


def session_item(student_id: str, session: LiveSession) -> FeedItem:
    return FeedItem(
        item_id=session.id,
        kind=FeedItemKind.LIVE_SESSION,
        student_id=student_id,
        district_id=session.district_id,
        section_id=session.section_id,
        session_id=session.id,
        lesson_id=session.lesson_id,
        title=session.title,
        minutes=session.minutes,
        actionable_at=session.starts_at,
        rule_time_zone=session.time_zone,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        session_status=session.status,
        modality=session.modality,
        join_url=session.join_url,
        revision=session.sequence,
    )


def task_item(student_id: str, task: Task, window: StudentWindow | None = None) -> FeedItem:
    """The student's item of the task, in the student's own window when it has one."""
    opens_at, due_at, closes_at = task.opens_at, task.due_at, task.closes_at
    if window is not None:
        opens_at, due_at, closes_at = window.opens_at, window.due_at, window.closes_at
    return FeedItem(
        item_id=task.id,
        kind=FeedItemKind.TASK,
        student_id=student_id,
        district_id=task.district_id,
        section_id=task.section_id,
        session_id=task.session_id,
        lesson_id=task.lesson_id,
        title=task.title,
        minutes=task.minutes,
        actionable_at=due_at,
        rule_time_zone=task.time_zone,
        bookend=task.bookend,
        opens_at=opens_at,
        due_at=due_at,
        closes_at=closes_at,
    )


# --- a prompt left to students who missed its session (ADR 0034) ----------------------------

PROMPT_PREFIX = "Check for understanding: "
PROMPT_MINUTES = 2  # a question or two: it counts as on-demand work, but barely


@dataclass(frozen=True, slots=True)
class PromptLeft:
    """Domain event: a prompt of a live session is on-demand work for students who missed the
    session, open from when it was left and due with the section's follow-up."""

    session: LiveSession
    prompt_id: str
    student_ids: tuple[str, ...]
    opens_at: datetime
    due_at: datetime


def prompt_left(
    session: LiveSession,
    prompt_id: str,
    student_ids: Iterable[str],
    *,
    followup_due_after: timedelta,
    at: datetime,
) -> PromptLeft:
    opens_at = stored_instant(at)
    due_at = stored_instant(at + followup_due_after)
    return PromptLeft(session, prompt_id, tuple(student_ids), opens_at, due_at)


def prompt_item(student_id: str, left: PromptLeft) -> FeedItem:
    """The student's item of the prompt: its id is the prompt's, answered through feedback;
    done once feedback says they answered it."""
    session = left.session
    return FeedItem(
        item_id=left.prompt_id,
        kind=FeedItemKind.PROMPT,
        student_id=student_id,
        district_id=session.district_id,
        section_id=session.section_id,
        session_id=session.id,
        lesson_id=session.lesson_id,
        title=PROMPT_PREFIX + session.title,
        minutes=PROMPT_MINUTES,
        actionable_at=left.due_at,
        rule_time_zone=session.time_zone,
        bookend=Bookend.FOLLOW_UP,
        opens_at=left.opens_at,
        due_at=left.due_at,
    )


def items_for(
    student_ids: Iterable[str], sessions: Iterable[LiveSession], tasks: Iterable[Task]
) -> list[FeedItem]:
    """Every student's item of each session and task."""
    sessions, tasks = list(sessions), list(tasks)
    return [
        item
        for student_id in student_ids
        for item in [
            *(session_item(student_id, session) for session in sessions),
            *(task_item(student_id, task) for task in tasks),
        ]
    ]


def still_ahead(session: LiveSession, now: datetime) -> bool:
    """A newly enrolled student gets sessions that have not ended."""
    if session.status is SessionStatus.ENDED:
        return False
    return session.status is SessionStatus.LIVE or session.ends_at > now


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ends, in the feed's order (actionable_at, item_id)."""

    actionable_at: datetime
    item_id: str

    def cursor(self) -> str:
        raw = f"{self.actionable_at.isoformat()}|{self.item_id}".encode()
        return base64.urlsafe_b64encode(raw).decode()

    @classmethod
    def of(cls, item: FeedItem) -> Position:
        return cls(item.actionable_at, item.item_id)

    @classmethod
    def from_cursor(cls, cursor: str) -> Position:
        refused = InvalidInput("after", "cursor", "is not a cursor this feed gave")
        try:
            raw = base64.urlsafe_b64decode(cursor.encode()).decode()
            moment, item_id = raw.split("|", 1)
            actionable_at = datetime.fromisoformat(moment)
        except (binascii.Error, UnicodeError, ValueError):
            raise refused from None
        if actionable_at.tzinfo is None or not item_id or range_errors(after=actionable_at):
            raise refused
        return cls(actionable_at, item_id)


@dataclass(frozen=True, slots=True)
class FeedQuery:
    student_id: str
    first: int
    after: Position | None
    span: Span  # of actionable times
    kinds: frozenset[FeedItemKind]
    statuses: frozenset[FeedItemStatus]
    sections: frozenset[str] = frozenset()  # none: every section's items


# A student takes a handful of sections; a filter naming more is a mistake or an attack.
MAX_SECTIONS_FILTER = 50
MAX_ID_LENGTH = 200


def feed_query(
    *,
    student_id: str | None,
    first: int | None,
    after: str | None,
    starts: datetime | None,
    ends: datetime | None,
    kinds: str | None,
    statuses: str | None,
    page_default: int,
    page_max: int,
    sections: str | None = None,
) -> FeedQuery:
    """Check a feed request; every broken rule is named at once."""
    errors: list[FieldError] = []
    if not student_id:
        # Only a student's own feed goes without saying whose it is.
        errors.append(FieldError("student_id", "required", "name the student whose feed to read"))
    size = page_default if first is None else first
    if size < 1:
        errors.append(FieldError("first", "min_page_size", "must be at least 1"))
    elif size > page_max:
        errors.append(FieldError("first", "max_page_size", f"must be at most {page_max}"))
    wanted_kinds = _choices(kinds, FeedItemKind, "kinds", "known_kind", errors)
    wanted_statuses = _choices(statuses, FeedItemStatus, "statuses", "known_status", errors)
    wanted_sections = frozenset(
        name.strip() for name in (sections or "").split(",") if name.strip()
    )
    if len(wanted_sections) > MAX_SECTIONS_FILTER:
        message = f"name at most {MAX_SECTIONS_FILTER} sections"
        errors.append(FieldError("sections", "max_items", message))
    elif any(len(name) > MAX_ID_LENGTH for name in wanted_sections):
        message = f"a section id has at most {MAX_ID_LENGTH} characters"
        errors.append(FieldError("sections", "valid_id", message))
    errors += range_errors(**{"from": starts, "to": ends})
    if starts is not None and ends is not None and ends <= starts:
        errors.append(FieldError("to", "after_from", "must be after from"))
    position = None
    if after:
        try:
            position = Position.from_cursor(after)
        except InvalidInput as bad:
            errors += bad.errors
    refuse_if(errors)
    assert student_id  # refused above otherwise
    span = Span(starts, ends)
    return FeedQuery(
        student_id, size, position, span, wanted_kinds, wanted_statuses, wanted_sections
    )


def _choices(
    raw: str | None, enum: type[E], field: str, rule: str, errors: list[FieldError]
) -> frozenset[E]:
    """An empty set means no filter."""
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    known = {member.value: member for member in enum}
    unknown = [name for name in names if name not in known]
    if unknown:
        allowed = ", ".join(known)
        errors.append(FieldError(field, rule, f"{', '.join(unknown)} not among {allowed}"))
    return frozenset(known[name] for name in names if name in known)


@dataclass(frozen=True, slots=True)
class FeedPage:
    items: list[tuple[FeedItem, FeedItemStatus]]
    has_next_page: bool
    end_cursor: str | None
    time_zone: str
    # The first moment a status of an item read for this page changes by the clock alone; until
    # then (and until an event changes the feed) the page stays as it is.
    changes_at: datetime | None = None
