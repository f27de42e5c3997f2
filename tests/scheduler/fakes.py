"""An in-memory stand-in for the scheduler's store: every slice's ports and the projector's."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bookend.clock import ALL_TIME, Span
from bookend.contracts.scheduler import SessionStatus
from services.scheduler.calendars.domain import CalendarLink, Owner
from services.scheduler.feed.domain import FeedItem, FeedQuery, Position
from services.scheduler.roster.domain import Enrolment, Learner, School, Section
from services.scheduler.roster.ports import SectionFilter
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.domain import LessonSummary, LiveSession, SessionSeries, Task
from tests.support.fakes import FakeState, FakeStore, FakeTransaction


@dataclass
class SchedulerState(FakeState):
    schools: dict[tuple[str, str], School] = field(default_factory=dict)
    sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    enrolments: set[Enrolment] = field(default_factory=set)
    learners: dict[tuple[str, str], Learner] = field(default_factory=dict)
    lessons: dict[tuple[str, str], LessonSummary] = field(default_factory=dict)
    sessions: dict[str, LiveSession] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    feed: dict[tuple[str, str], FeedItem] = field(default_factory=dict)
    series: dict[str, SessionSeries] = field(default_factory=dict)
    windows: dict[tuple[str, str], BookendWindows] = field(default_factory=dict)
    calendar_links: dict[str, CalendarLink] = field(default_factory=dict)


class FakeReads:
    state: SchedulerState

    # --- roster

    async def get_school(self, district_id: str, school_id: str) -> School | None:
        return self.state.schools.get((district_id, school_id))

    async def get_section(self, district_id: str, section_id: str) -> Section | None:
        return self.state.sections.get((district_id, section_id))

    async def list_sections(self, district_id: str, which: SectionFilter) -> list[Section]:
        return sorted(
            (
                s
                for (district, _), s in self.state.sections.items()
                if district == district_id
                and which.school_id in (None, s.school_id)
                and (which.teacher_id is None or which.teacher_id in s.teacher_ids)
                and (which.section_ids is None or s.id in which.section_ids)
            ),
            key=lambda s: s.id,
        )

    async def list_enrolments(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Enrolment]:
        return sorted(
            (
                e
                for e in self.state.enrolments
                if e.district_id == district_id and e.student_id in student_ids
            ),
            key=lambda e: (e.section_id, e.student_id),
        )

    async def get_learner(self, district_id: str, student_id: str) -> Learner | None:
        return self.state.learners.get((district_id, student_id))

    async def list_section_students(self, district_id: str, section_id: str) -> list[str]:
        return sorted(
            e.student_id
            for e in self.state.enrolments
            if (e.district_id, e.section_id) == (district_id, section_id)
        )

    # --- sessions

    async def get_lesson(self, district_id: str, lesson_id: str) -> LessonSummary | None:
        return self.state.lessons.get((district_id, lesson_id))

    async def get_session(self, district_id: str, session_id: str) -> LiveSession | None:
        session = self.state.sessions.get(session_id)
        return session if session is not None and session.district_id == district_id else None

    async def list_sessions(
        self, district_id: str, section_id: str, starting: Span = ALL_TIME
    ) -> list[LiveSession]:
        return self._sessions(district_id, section_id, lambda s: s.starts_at in starting)

    async def list_sessions_not_ended(self, district_id: str, section_id: str) -> list[LiveSession]:
        return self._sessions(district_id, section_id, lambda s: s.status != SessionStatus.ENDED)

    def _sessions(
        self, district_id: str, section_id: str, wanted: Callable[[LiveSession], bool]
    ) -> list[LiveSession]:
        return sorted(
            (
                s
                for s in self.state.sessions.values()
                if (s.district_id, s.section_id) == (district_id, section_id) and wanted(s)
            ),
            key=lambda s: (s.starts_at, s.id),
        )

    async def list_tasks(self, district_id: str, session_ids: Collection[str]) -> list[Task]:
        return self._tasks(district_id, lambda t: t.session_id in session_ids)

    async def list_tasks_due_after(
        self, district_id: str, section_id: str, moment: datetime
    ) -> list[Task]:
        return self._tasks(
            district_id,
            lambda t: t.section_id == section_id and t.due_at > moment and t.withdrawn_at is None,
        )

    async def get_series(self, district_id: str, series_id: str) -> SessionSeries | None:
        series = self.state.series.get(series_id)
        return series if series is not None and series.district_id == district_id else None

    async def list_series_sessions(self, district_id: str, series_id: str) -> list[LiveSession]:
        return sorted(
            (
                s
                for s in self.state.sessions.values()
                if s.district_id == district_id and s.series_id == series_id
            ),
            key=lambda s: (s.starts_at, s.id),
        )

    async def get_bookend_windows(self, district_id: str, section_id: str) -> BookendWindows | None:
        return self.state.windows.get((district_id, section_id))

    def _tasks(self, district_id: str, wanted: Callable[[Task], bool]) -> list[Task]:
        return sorted(
            (t for t in self.state.tasks.values() if t.district_id == district_id and wanted(t)),
            key=lambda t: (t.due_at, t.id),
        )

    # --- feed

    async def list_feed_items(
        self, district_id: str, query: FeedQuery, after: Position | None, limit: int
    ) -> list[FeedItem]:
        items = sorted(
            (
                i
                for i in self.state.feed.values()
                if (i.district_id, i.student_id) == (district_id, query.student_id)
                and i.actionable_at in query.span
                and (not query.kinds or i.kind in query.kinds)
                and (
                    after is None
                    or (i.actionable_at, i.item_id) > (after.actionable_at, after.item_id)
                )
            ),
            key=lambda i: (i.actionable_at, i.item_id),
        )
        return items[:limit]

    async def students_with_item(self, district_id: str, item_id: str) -> list[str]:
        return sorted(
            i.student_id
            for i in self.state.feed.values()
            if (i.district_id, i.item_id) == (district_id, item_id)
        )

    # --- calendars

    async def find_calendar_link(self, secret_hash: str) -> CalendarLink | None:
        return next(
            (
                link
                for link in self.state.calendar_links.values()
                if link.secret_hash == secret_hash
            ),
            None,
        )

    async def get_calendar_link(self, district_id: str, link_id: str) -> CalendarLink | None:
        link = self.state.calendar_links.get(link_id)
        return link if link is not None and link.district_id == district_id else None

    async def list_calendar_links(
        self, district_id: str, *, owner: Owner | None, created_by: str | None, limit: int
    ) -> list[CalendarLink]:
        found = [
            link
            for link in self.state.calendar_links.values()
            if link.district_id == district_id
            and link.is_live
            and owner in (None, link.owner)
            and created_by in (None, link.created_by)
        ]
        return sorted(found, key=lambda link: (link.created_at, link.id), reverse=True)[:limit]


class FakeSchedulerTransaction(FakeTransaction[SchedulerState], FakeReads):
    async def save_school(self, school: School) -> None:
        self.state.schools[(school.district_id, school.id)] = school

    async def save_section(self, section: Section) -> None:
        self.state.sections[(section.district_id, section.id)] = section

    async def save_enrolment(self, enrolment: Enrolment) -> None:
        self.state.enrolments.add(enrolment)

    async def save_learner(self, learner: Learner) -> None:
        self.state.learners[(learner.district_id, learner.student_id)] = learner

    async def save_lesson(self, lesson: LessonSummary) -> None:
        self.state.lessons[(lesson.district_id, lesson.lesson_id)] = lesson

    async def add_session(self, session: LiveSession) -> None:
        assert session.id not in self.state.sessions
        self.state.sessions[session.id] = session

    async def add_tasks(self, tasks: Sequence[Task]) -> None:
        assert not {task.id for task in tasks} & set(self.state.tasks)
        self.state.tasks |= {task.id: task for task in tasks}

    async def save_session(self, session: LiveSession) -> None:
        self.state.sessions[session.id] = session

    async def save_tasks(self, tasks: Sequence[Task]) -> None:
        assert {task.id for task in tasks} <= set(self.state.tasks)
        self.state.tasks |= {task.id: task for task in tasks}

    async def save_series(self, series: SessionSeries) -> None:
        self.state.series[series.id] = series

    async def save_bookend_windows(
        self, district_id: str, section_id: str, windows: BookendWindows
    ) -> None:
        self.state.windows[(district_id, section_id)] = windows

    async def change_items(
        self, district_id: str, item_id: str, change: Callable[[FeedItem], FeedItem]
    ) -> list[str]:
        students = []
        for key, item in self.state.feed.items():
            if (item.district_id, item.item_id) == (district_id, item_id):
                self.state.feed[key] = change(item)
                students.append(item.student_id)
        return sorted(students)

    async def remove_items(self, district_id: str, item_id: str) -> list[str]:
        students = await self.students_with_item(district_id, item_id)
        for student_id in students:
            del self.state.feed[(student_id, item_id)]
        return students

    async def add_calendar_link(self, link: CalendarLink) -> None:
        assert link.id not in self.state.calendar_links
        assert await self.find_calendar_link(link.secret_hash) is None  # the unique index
        self.state.calendar_links[link.id] = link

    async def save_calendar_link(self, link: CalendarLink) -> None:
        self.state.calendar_links[link.id] = link

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        for item in items:
            self.state.feed.setdefault((item.student_id, item.item_id), item)

    async def save_session_status(
        self, district_id: str, session_id: str, status: SessionStatus
    ) -> None:
        for key, item in self.state.feed.items():
            if (item.district_id, item.item_id) == (district_id, session_id):
                self.state.feed[key] = replace(item, session_status=status)


class FakeScheduler(FakeStore[SchedulerState, FakeSchedulerTransaction], FakeReads):
    transaction = FakeSchedulerTransaction

    def __init__(self) -> None:
        super().__init__(SchedulerState())
