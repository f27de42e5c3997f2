"""In-memory fakes of the scheduler's ports: a store whose transactions commit all or nothing."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bookend.contracts import CloudEvent
from services.scheduler.domain import (
    Enrolment,
    Learner,
    LessonSummary,
    LiveSession,
    School,
    Section,
    SessionStatus,
    Task,
)
from services.scheduler.feed import FeedItem, ItemKind, Position
from services.scheduler.ports import Transaction

T = TypeVar("T")


@dataclass
class State:
    schools: dict[tuple[str, str], School] = field(default_factory=dict)
    sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    enrolments: set[Enrolment] = field(default_factory=set)
    learners: dict[tuple[str, str], Learner] = field(default_factory=dict)
    lessons: dict[tuple[str, str], LessonSummary] = field(default_factory=dict)
    sessions: dict[str, LiveSession] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    feed: dict[tuple[str, str], FeedItem] = field(default_factory=dict)
    inbox: set[str] = field(default_factory=set)
    outbox: list[CloudEvent] = field(default_factory=list)


class FakeReads:
    state: State

    async def school(self, district_id: str, school_id: str) -> School | None:
        return self.state.schools.get((district_id, school_id))

    async def section(self, district_id: str, section_id: str) -> Section | None:
        return self.state.sections.get((district_id, section_id))

    async def sections(
        self,
        district_id: str,
        *,
        school_id: str | None = None,
        teacher_id: str | None = None,
        section_ids: Sequence[str] | None = None,
    ) -> list[Section]:
        return sorted(
            (
                s for (d, _), s in self.state.sections.items()
                if d == district_id
                and (school_id is None or s.school_id == school_id)
                and (teacher_id is None or teacher_id in s.teacher_ids)
                and (section_ids is None or s.id in section_ids)
            ),
            key=lambda s: s.id,
        )

    async def enrolled_section_ids(self, district_id: str, student_ids: Sequence[str]) -> list[str]:
        return sorted({
            e.section_id for e in self.state.enrolments
            if e.district_id == district_id and e.student_id in student_ids
        })

    async def enrolled_student_ids(self, district_id: str, section_id: str) -> list[str]:
        return sorted({
            e.student_id for e in self.state.enrolments
            if e.district_id == district_id and e.section_id == section_id
        })

    async def learner(self, district_id: str, student_id: str) -> Learner | None:
        return self.state.learners.get((district_id, student_id))

    async def lesson(self, district_id: str, lesson_id: str) -> LessonSummary | None:
        return self.state.lessons.get((district_id, lesson_id))

    async def live_session(self, district_id: str, session_id: str) -> LiveSession | None:
        session = self.state.sessions.get(session_id)
        return session if session and session.district_id == district_id else None

    async def sessions_of_section(
        self,
        district_id: str,
        section_id: str,
        *,
        starts: datetime | None = None,
        ends: datetime | None = None,
        statuses: Sequence[SessionStatus] | None = None,
    ) -> list[LiveSession]:
        return sorted(
            (
                s for s in self.state.sessions.values()
                if s.district_id == district_id and s.section_id == section_id
                and (starts is None or s.starts_at >= starts)
                and (ends is None or s.starts_at < ends)
                and (statuses is None or s.status in statuses)
            ),
            key=lambda s: (s.starts_at, s.id),
        )

    async def tasks_of_sessions(self, district_id: str, session_ids: Sequence[str]) -> list[Task]:
        return [
            t for t in self.state.tasks.values()
            if t.district_id == district_id and t.session_id in session_ids
        ]

    async def tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]:
        return [
            t for t in self.state.tasks.values()
            if t.district_id == district_id and t.section_id == section_id and t.due_at > moment
        ]

    async def feed_items(
        self,
        district_id: str,
        student_id: str,
        *,
        after: Position | None,
        starts: datetime | None,
        ends: datetime | None,
        kinds: frozenset[ItemKind],
        limit: int,
    ) -> list[FeedItem]:
        items = sorted(
            (
                i for i in self.state.feed.values()
                if i.student_id == student_id and i.district_id == district_id
                and (starts is None or i.actionable_at >= starts)
                and (ends is None or i.actionable_at < ends)
                and (not kinds or i.kind in kinds)
                and (after is None or (i.actionable_at, i.item_id)
                     > (after.actionable_at, after.item_id))
            ),
            key=lambda i: (i.actionable_at, i.item_id),
        )
        return items[:limit]


class FakeTransaction(FakeReads):
    def __init__(self, state: State) -> None:
        self.state = state

    async def emit(self, event: CloudEvent) -> None:
        self.state.outbox.append(event)

    async def first_time(self, consumer: str, event_id: str) -> bool:
        key = f"{consumer}:{event_id}"
        if key in self.state.inbox:
            return False
        self.state.inbox.add(key)
        return True

    async def put_school(self, school: School) -> None:
        self.state.schools[(school.district_id, school.id)] = school

    async def put_section(self, section: Section) -> None:
        self.state.sections[(section.district_id, section.id)] = section

    async def put_enrolment(self, enrolment: Enrolment) -> None:
        self.state.enrolments.add(enrolment)

    async def put_learner(self, learner: Learner) -> None:
        self.state.learners[(learner.district_id, learner.student_id)] = learner

    async def put_lesson(self, lesson: LessonSummary) -> None:
        self.state.lessons[(lesson.district_id, lesson.lesson_id)] = lesson

    async def add_session(self, session: LiveSession, tasks: Sequence[Task]) -> None:
        self.state.sessions[session.id] = session
        self.state.tasks |= {task.id: task for task in tasks}

    async def save_session(self, session: LiveSession) -> None:
        self.state.sessions[session.id] = session

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        for item in items:
            self.state.feed.setdefault((item.student_id, item.item_id), item)

    async def set_session_item_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None:
        for key, item in self.state.feed.items():
            if item.item_id == session_id and item.district_id == district_id:
                self.state.feed[key] = replace(item, session_status=status)


class FakeStore(FakeReads):
    """Work runs on a copy of the state, which replaces the state only if the work succeeds."""

    def __init__(self) -> None:
        self.state = State()

    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        draft = copy.deepcopy(self.state)
        result = await work(FakeTransaction(draft))
        self.state = draft
        return result

    @property
    def events(self) -> list[CloudEvent]:
        return self.state.outbox


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def counting_ids(prefix: str = "id") -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{prefix}-{next(counter):03d}"
