"""An in-memory stand-in for the scheduler's store: every slice's ports and the projector's."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from bookend.clock import ALL_TIME, Span
from bookend.contracts.scheduler import ProposalStatus, SessionStatus
from bookend.cursors import Position as CursorPosition
from bookend.mongo import order_key
from bookend.paging import KeyedPage, PageAsk
from services.scheduler.adjustments.domain import Following, Proposal
from services.scheduler.balance.domain import BalancePolicy
from services.scheduler.calendars.domain import CalendarLink, Owner
from services.scheduler.feed.domain import FeedItem, FeedQuery, Position
from services.scheduler.roster.calendar import calendar_of
from services.scheduler.roster.domain import (
    District,
    Enrolment,
    Guardianship,
    Learner,
    Person,
    PersonRole,
    School,
    SchoolCalendar,
    Section,
    Term,
    student_zone,
)
from services.scheduler.roster.groups import Group, GroupNameTaken
from services.scheduler.roster.imports.report import ImportRecord
from services.scheduler.roster.ports import SectionFilter
from services.scheduler.roster.store import group_order
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.domain import LessonSummary, LiveSession, SessionSeries, Task
from services.scheduler.sessions.tasks import Excusal, Extension
from tests.support.fakes import FakeState, FakeStore, FakeTransaction, keyed_page

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class SchedulerState(FakeState):
    districts: dict[str, District] = field(default_factory=dict)
    schools: dict[tuple[str, str], School] = field(default_factory=dict)
    terms: dict[tuple[str, str], Term] = field(default_factory=dict)
    sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    people: dict[tuple[str, str], Person] = field(default_factory=dict)
    guardianships: set[Guardianship] = field(default_factory=set)
    enrolments: set[Enrolment] = field(default_factory=set)
    groups: dict[tuple[str, str], Group] = field(default_factory=dict)
    imports: dict[tuple[str, str], ImportRecord] = field(default_factory=dict)
    import_locks: dict[str, tuple[str, int]] = field(default_factory=dict)  # (import, until)
    lessons: dict[tuple[str, str], LessonSummary] = field(default_factory=dict)
    sessions: dict[str, LiveSession] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    feed: dict[tuple[str, str], FeedItem] = field(default_factory=dict)
    series: dict[str, SessionSeries] = field(default_factory=dict)
    extensions: dict[tuple[str, str], Extension] = field(default_factory=dict)
    excusals: dict[tuple[str, str], Excusal] = field(default_factory=dict)
    absentees: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    windows: dict[tuple[str, str], BookendWindows] = field(default_factory=dict)
    calendar_links: dict[str, CalendarLink] = field(default_factory=dict)
    balance_policies: dict[tuple[str, str], BalancePolicy] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    followings: dict[str, Following] = field(default_factory=dict)  # by proposal id


class FakeReads:
    state: SchedulerState

    # --- roster

    async def get_district(self, district_id: str) -> District | None:
        return self.state.districts.get(district_id)

    async def get_school(self, district_id: str, school_id: str) -> School | None:
        return self.state.schools.get((district_id, school_id))

    async def list_schools(
        self, district_id: str, school_ids: Collection[str] | None = None
    ) -> list[School]:
        return sorted(
            (
                s
                for (district, school_id), s in self.state.schools.items()
                if district == district_id and (school_ids is None or school_id in school_ids)
            ),
            key=lambda s: s.id,
        )

    async def page_schools(
        self, district_id: str, school_ids: Collection[str] | None, asked: PageAsk
    ) -> KeyedPage[School]:
        schools = await self.list_schools(district_id, school_ids)
        return keyed_page(schools, lambda school: school.id, asked)

    async def get_term(self, district_id: str, term_id: str) -> Term | None:
        return self.state.terms.get((district_id, term_id))

    async def list_terms(
        self,
        district_id: str,
        *,
        school_id: str | None = None,
        term_ids: Collection[str] | None = None,
    ) -> list[Term]:
        return sorted(
            (
                t
                for (district, term_id), t in self.state.terms.items()
                if district == district_id
                and (term_ids is None or term_id in term_ids)
                and (term_ids is not None or school_id is None or t.school_id in (None, school_id))
            ),
            key=lambda t: (t.starts_on, t.id),
        )

    async def get_calendar(self, district_id: str, school_id: str) -> SchoolCalendar | None:
        school = await self.get_school(district_id, school_id)
        if school is None:
            return None
        terms = await self.list_terms(district_id, school_id=school_id)
        return calendar_of(school.id, school.time_zone, terms)

    async def get_person(self, district_id: str, person_id: str) -> Person | None:
        return self.state.people.get((district_id, person_id))

    async def list_people(self, district_id: str, person_ids: Collection[str]) -> list[Person]:
        wanted = set(person_ids)
        return sorted(
            (p for (d, i), p in self.state.people.items() if d == district_id and i in wanted),
            key=lambda p: p.id,
        )

    async def list_wards(self, district_id: str, guardian_id: str) -> list[str]:
        return sorted(
            g.student_id
            for g in self.state.guardianships
            if (g.district_id, g.guardian_id) == (district_id, guardian_id)
        )

    async def list_guardianships(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Guardianship]:
        return sorted(
            (
                g
                for g in self.state.guardianships
                if g.district_id == district_id and g.student_id in student_ids
            ),
            key=lambda g: (g.student_id, g.guardian_id),
        )

    async def get_import(self, district_id: str, import_id: str) -> ImportRecord | None:
        return self.state.imports.get((district_id, import_id))

    async def get_section(self, district_id: str, section_id: str) -> Section | None:
        return self.state.sections.get((district_id, section_id))

    async def page_terms(self, district_id: str, school_id: str, asked: PageAsk) -> KeyedPage[Term]:
        terms = await self.list_terms(district_id, school_id=school_id)
        return keyed_page(terms, lambda term: f"{term.starts_on:%Y%m%d}|{term.id}", asked)

    async def page_sections(
        self, district_id: str, which: SectionFilter, asked: PageAsk
    ) -> KeyedPage[Section]:
        sections = await self.list_sections(district_id, which)
        return keyed_page(sections, lambda section: section.id, asked)

    async def section_ids(self, district_id: str, which: SectionFilter) -> set[str]:
        return {section.id for section in await self.list_sections(district_id, which)}

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
        student = self.state.people.get((district_id, student_id))
        if student is None or student.role != PersonRole.STUDENT:
            return None
        zone = student_zone(student, await self.list_schools(district_id, student.school_ids))
        return None if zone is None else Learner(student_id, district_id, zone)

    async def list_section_students(self, district_id: str, section_id: str) -> list[str]:
        return sorted(
            e.student_id
            for e in self.state.enrolments
            if (e.district_id, e.section_id) == (district_id, section_id)
        )

    async def page_section_students(
        self, district_id: str, section_id: str, asked: PageAsk
    ) -> KeyedPage[str]:
        students = await self.list_section_students(district_id, section_id)
        return keyed_page(students, lambda student_id: student_id, asked)

    async def page_groups(
        self, district_id: str, section_id: str, asked: PageAsk
    ) -> KeyedPage[Group]:
        groups = await self.list_groups(district_id, section_id)
        return keyed_page(groups, group_order, asked)

    async def get_group(self, district_id: str, group_id: str) -> Group | None:
        return self.state.groups.get((district_id, group_id))

    async def list_groups(self, district_id: str, section_id: str) -> list[Group]:
        return sorted(
            (
                g
                for (district, _), g in self.state.groups.items()
                if (district, g.section_id) == (district_id, section_id)
            ),
            key=lambda g: (g.name_key, g.id),
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

    async def page_sessions(
        self, district_id: str, section_id: str, starting: Span, asked: PageAsk
    ) -> KeyedPage[LiveSession]:
        sessions = await self.list_sessions(district_id, section_id, starting)
        return keyed_page(sessions, lambda s: order_key(s.starts_at, s.id), asked)

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

    async def list_tasks_due(self, district_id: str, section_id: str, due: Span) -> list[Task]:
        return self._tasks(district_id, lambda t: t.section_id == section_id and t.due_at in due)

    async def get_absentees(self, district_id: str, session_id: str) -> list[str] | None:
        return self.state.absentees.get((district_id, session_id))

    async def get_task(self, district_id: str, task_id: str) -> Task | None:
        task = self.state.tasks.get(task_id)
        return task if task is not None and task.district_id == district_id else None

    async def get_excusal(self, district_id: str, task_id: str, student_id: str) -> Excusal | None:
        excusal = self.state.excusals.get((task_id, student_id))
        return excusal if excusal is not None and excusal.district_id == district_id else None

    async def list_extensions(self, district_id: str, task_id: str) -> list[Extension]:
        return sorted(
            (
                e
                for e in self.state.extensions.values()
                if (e.district_id, e.task_id) == (district_id, task_id)
            ),
            key=lambda e: e.student_id,
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

    # --- balance

    async def get_balance_policy(self, district_id: str, section_id: str) -> BalancePolicy | None:
        return self.state.balance_policies.get((district_id, section_id))

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
                and (not query.sections or i.section_id in query.sections)
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

    async def page_calendar_links(
        self, district_id: str, *, owner: Owner | None, created_by: str | None, asked: PageAsk
    ) -> KeyedPage[CalendarLink]:
        links = await self.list_calendar_links(
            district_id, owner=owner, created_by=created_by, limit=len(self.state.calendar_links)
        )
        key = lambda link: order_key(link.created_at, link.id)  # noqa: E731
        return keyed_page(links, key, asked, descending=True)


def _save(stored: dict[K, V], records: dict[K, V], new: bool) -> None:
    """As the store saves: a `new` record already stored is a duplicate key."""
    assert not (new and stored.keys() & records.keys()), "a duplicate key"
    stored |= records


class FakeImports:
    """The import records and lock, on the store and in transactions alike."""

    state: SchedulerState

    async def save_import(self, record: ImportRecord) -> None:
        self.state.imports[(record.district_id, record.id)] = record

    async def take_import_lock(
        self, district_id: str, import_id: str, *, now_ms: int, until_ms: int
    ) -> bool:
        held = self.state.import_locks.get(district_id)
        if held is not None and held[0] != import_id and held[1] >= now_ms:
            return False
        self.state.import_locks[district_id] = (import_id, until_ms)
        return True

    async def release_import_lock(self, district_id: str, import_id: str) -> None:
        if self.state.import_locks.get(district_id, ("", 0))[0] == import_id:
            del self.state.import_locks[district_id]


class FakeAdjustments:
    """Balance proposals and recording followings, on the store and in transactions alike."""

    state: SchedulerState

    async def get_proposal(self, district_id: str, proposal_id: str) -> Proposal | None:
        found = self.state.proposals.get(proposal_id)
        return found if found is not None and found.district_id == district_id else None

    async def list_week_proposals(
        self, district_id: str, section_id: str, week: str
    ) -> list[Proposal]:
        return sorted(
            (
                p
                for p in self.state.proposals.values()
                if (p.district_id, p.section_id, p.week) == (district_id, section_id, week)
            ),
            key=lambda p: p.id,
        )

    async def list_proposals(
        self,
        district_id: str,
        section_id: str,
        *,
        status: ProposalStatus | None = None,
        after: CursorPosition | None = None,
        limit: int = 50,
    ) -> list[Proposal]:
        found = sorted(
            (
                p
                for p in self.state.proposals.values()
                if (p.district_id, p.section_id) == (district_id, section_id)
                and (status is None or p.status is status)
            ),
            key=lambda p: (p.proposed_at, p.id),
            reverse=True,
        )
        if after is not None:
            found = [p for p in found if (p.proposed_at, p.id) < (after.created_at, after.id)]
        return found[:limit]

    async def count_proposals(
        self, district_id: str, section_id: str, *, status: ProposalStatus | None = None
    ) -> int:
        every = len(self.state.proposals)
        return len(await self.list_proposals(district_id, section_id, status=status, limit=every))

    async def list_followings(
        self, district_id: str, section_id: str, at: datetime
    ) -> list[Following]:
        return [
            f
            for f in self.state.followings.values()
            if (f.district_id, f.section_id) == (district_id, section_id)
            and f.starts_at <= at < f.ends_at
        ]

    async def list_recording_followers(
        self, district_id: str, section_id: str, at: datetime
    ) -> list[str]:
        return sorted(
            {f.student_id for f in await self.list_followings(district_id, section_id, at)}
        )

    async def save_proposal(self, proposal: Proposal) -> None:
        self.state.proposals[proposal.id] = proposal

    async def save_following(self, following: Following) -> None:
        self.state.followings[following.proposal_id] = following

    async def remove_following(self, district_id: str, proposal_id: str) -> None:
        self.state.followings.pop(proposal_id, None)


class FakeSchedulerTransaction(
    FakeTransaction[SchedulerState], FakeReads, FakeImports, FakeAdjustments
):
    async def save_district(self, district: District) -> None:
        self.state.districts[district.id] = district

    async def save_schools(self, schools: Sequence[School], *, new: bool = False) -> None:
        _save(self.state.schools, {(s.district_id, s.id): s for s in schools}, new)

    async def save_terms(self, terms: Sequence[Term], *, new: bool = False) -> None:
        _save(self.state.terms, {(t.district_id, t.id): t for t in terms}, new)

    async def save_sections(self, sections: Sequence[Section], *, new: bool = False) -> None:
        _save(self.state.sections, {(s.district_id, s.id): s for s in sections}, new)

    async def save_people(self, people: Sequence[Person], *, new: bool = False) -> None:
        _save(self.state.people, {(p.district_id, p.id): p for p in people}, new)

    async def save_guardianships(self, links: Sequence[Guardianship], *, new: bool = False) -> None:
        assert not (new and set(links) & self.state.guardianships), "a duplicate key"
        self.state.guardianships |= set(links)

    async def save_enrolments(self, enrolments: Sequence[Enrolment], *, new: bool = False) -> None:
        assert not (new and set(enrolments) & self.state.enrolments), "a duplicate key"
        self.state.enrolments |= set(enrolments)

    async def save_group(self, group: Group) -> None:
        others = await self.list_groups(group.district_id, group.section_id)
        if any(g.name_key == group.name_key and g.id != group.id for g in others):
            raise GroupNameTaken()  # as the unique index refuses it
        self.state.groups[(group.district_id, group.id)] = group

    async def delete_group(self, district_id: str, group_id: str) -> None:
        self.state.groups.pop((district_id, group_id), None)

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

    async def save_absentees(
        self, district_id: str, session_id: str, student_ids: Sequence[str]
    ) -> None:
        self.state.absentees[(district_id, session_id)] = sorted(student_ids)

    async def save_extension(self, extension: Extension) -> None:
        self.state.extensions[(extension.task_id, extension.student_id)] = extension

    async def save_excusal(self, excusal: Excusal) -> None:
        self.state.excusals[(excusal.task_id, excusal.student_id)] = excusal

    async def remove_excusal(self, district_id: str, task_id: str, student_id: str) -> None:
        self.state.excusals.pop((task_id, student_id), None)

    async def remove_extension(self, district_id: str, task_id: str, student_id: str) -> None:
        self.state.extensions.pop((task_id, student_id), None)

    async def save_series(self, series: SessionSeries) -> None:
        self.state.series[series.id] = series

    async def save_bookend_windows(
        self, district_id: str, section_id: str, windows: BookendWindows
    ) -> None:
        self.state.windows[(district_id, section_id)] = windows

    async def change_items(
        self,
        district_id: str,
        item_id: str,
        change: Callable[[FeedItem], FeedItem],
        *,
        student_id: str | None = None,
    ) -> list[str]:
        students = []
        for key, item in self.state.feed.items():
            if student_id not in (None, item.student_id):
                continue
            if (item.district_id, item.item_id) != (district_id, item_id):
                continue
            if (after := change(item)) != item:
                self.state.feed[key] = after
                students.append(item.student_id)
        return sorted(students)

    async def remove_items(self, district_id: str, item_id: str) -> list[str]:
        students = await self.students_with_item(district_id, item_id)
        for student_id in students:
            del self.state.feed[(student_id, item_id)]
        return students

    async def save_balance_policy(self, policy: BalancePolicy) -> None:
        self.state.balance_policies[(policy.district_id, policy.section_id)] = policy

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


class FakeScheduler(
    FakeStore[SchedulerState, FakeSchedulerTransaction], FakeReads, FakeImports, FakeAdjustments
):
    transaction = FakeSchedulerTransaction

    def __init__(self) -> None:
        super().__init__(SchedulerState())
