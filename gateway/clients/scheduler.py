"""The scheduler's HTTP API as typed calls: roster, live sessions with their tasks, feeds,
calendar links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bookend.contracts.scheduler import FeedItemKind, FeedItemStatus, ProposalStatus
from bookend.http_contracts.balance import (
    BalancePolicy,
    BalancePolicyPut,
    Proposal,
    ProposalDismissal,
    ProposalPage,
    WeeklyPlan,
)
from bookend.http_contracts.calendars import (
    CalendarLink,
    CalendarLinkCreate,
    CalendarLinkCreated,
    CalendarLinkPage,
)
from bookend.http_contracts.scheduler import (
    BookendWindows,
    BookendWindowsPut,
    District,
    DistrictPut,
    Enrolment,
    EnrolmentPut,
    Excusal,
    Feed,
    Group,
    GroupCreate,
    GroupPage,
    GroupUpdate,
    Guardianship,
    Person,
    PersonList,
    PersonPut,
    RosterImport,
    RosterImportAnswer,
    RosterImportCreate,
    School,
    SchoolPage,
    SchoolPut,
    Section,
    SectionPage,
    SectionPut,
    SectionStudentPage,
    SeriesReschedule,
    Session,
    SessionCreate,
    SessionList,
    SessionPage,
    SessionReschedule,
    SessionSeries,
    StudentWindow,
    Task,
    TaskCreate,
    TaskExcuse,
    TaskExtend,
    Term,
    TermPage,
    TermPut,
)
from gateway.upstream import Page, Params, ServiceClient, at


@dataclass(frozen=True)
class FeedFilter:
    """Which feed items to read; each filter left out reads them all."""

    student_id: str | None = None
    starts: datetime | None = None
    ends: datetime | None = None
    kinds: Sequence[FeedItemKind] = ()
    statuses: Sequence[FeedItemStatus] = ()
    section_ids: Sequence[str] = ()

    def params(self) -> Params:
        return {
            "student_id": self.student_id,
            "from": self.starts.isoformat() if self.starts else None,
            "to": self.ends.isoformat() if self.ends else None,
            # The scheduler reads each filter as one comma-separated list.
            "kinds": ",".join(self.kinds) or None,
            "statuses": ",".join(self.statuses) or None,
            "sections": ",".join(self.section_ids) or None,
        }


class SchedulerClient(ServiceClient):
    async def put_district(self, district: DistrictPut) -> District:
        return await self.call(District, "PUT", "/district", body=district)

    async def get_district(self) -> District:
        return await self.call(District, "GET", "/district")

    async def put_school(self, school_id: str, school: SchoolPut) -> School:
        return await self.call(
            School, "PUT", at("/schools/{school_id}", school_id=school_id), body=school
        )

    async def list_schools(self, page: Page) -> SchoolPage:
        return await self.call(SchoolPage, "GET", "/schools", params=page.params())

    async def put_term(self, term_id: str, term: TermPut) -> Term:
        return await self.call(Term, "PUT", at("/terms/{term_id}", term_id=term_id), body=term)

    async def list_terms(self, school_id: str, page: Page) -> TermPage:
        path = at("/schools/{school_id}/terms", school_id=school_id)
        return await self.call(TermPage, "GET", path, params=page.params())

    async def list_section_students(self, section_id: str, page: Page) -> SectionStudentPage:
        path = at("/sections/{section_id}/students", section_id=section_id)
        return await self.call(SectionStudentPage, "GET", path, params=page.params())

    async def put_person(self, person_id: str, person: PersonPut) -> Person:
        return await self.call(
            Person, "PUT", at("/people/{person_id}", person_id=person_id), body=person
        )

    async def link_guardian(self, student_id: str, guardian_id: str) -> Guardianship:
        path = at(
            "/students/{student_id}/guardians/{guardian_id}",
            student_id=student_id,
            guardian_id=guardian_id,
        )
        return await self.call(Guardianship, "PUT", path)

    async def list_guardians(self, student_id: str) -> PersonList:
        path = at("/students/{student_id}/guardians", student_id=student_id)
        return await self.call(PersonList, "GET", path)

    async def import_roster(self, files: RosterImportCreate) -> RosterImportAnswer:
        return await self.call(RosterImportAnswer, "POST", "/roster/imports", body=files)

    async def get_roster_import(self, import_id: str) -> RosterImport:
        path = at("/roster/imports/{import_id}", import_id=import_id)
        return await self.call(RosterImport, "GET", path)

    async def put_section(self, section_id: str, section: SectionPut) -> Section:
        return await self.call(
            Section, "PUT", at("/sections/{section_id}", section_id=section_id), body=section
        )

    async def enrol(self, section_id: str, student_id: str, enrolment: EnrolmentPut) -> Enrolment:
        path = at(
            "/sections/{section_id}/enrolments/{student_id}",
            section_id=section_id,
            student_id=student_id,
        )
        return await self.call(Enrolment, "PUT", path, body=enrolment)

    async def create_group(
        self, section_id: str, group: GroupCreate, key: str | None = None
    ) -> Group:
        path = at("/sections/{section_id}/groups", section_id=section_id)
        return await self.call(Group, "POST", path, body=group, key=key)

    async def list_groups(self, section_id: str, page: Page) -> GroupPage:
        path = at("/sections/{section_id}/groups", section_id=section_id)
        return await self.call(GroupPage, "GET", path, params=page.params())

    async def update_group(self, group_id: str, group: GroupUpdate) -> Group:
        return await self.call(
            Group, "PUT", at("/groups/{group_id}", group_id=group_id), body=group
        )

    async def delete_group(self, group_id: str, key: str | None = None) -> Group:
        path = at("/groups/{group_id}", group_id=group_id)
        return await self.call(Group, "DELETE", path, key=key)

    async def get_section(self, section_id: str) -> Section:
        path = at("/sections/{section_id}", section_id=section_id)
        return await self.call(Section, "GET", path)

    async def list_sections(self, page: Page) -> SectionPage:
        return await self.call(SectionPage, "GET", "/sections", params=page.params())

    async def schedule_session(self, session: SessionCreate, key: str | None = None) -> Session:
        return await self.call(Session, "POST", "/sessions", body=session, key=key)

    async def get_session(self, session_id: str) -> Session:
        return await self.call(Session, "GET", at("/sessions/{session_id}", session_id=session_id))

    async def list_sessions(self, section_id: str, page: Page) -> SessionPage:
        path = at("/sections/{section_id}/sessions", section_id=section_id)
        return await self.call(SessionPage, "GET", path, params=page.params())

    async def start_session(self, session_id: str, key: str | None = None) -> Session:
        path = at("/sessions/{session_id}/start", session_id=session_id)
        return await self.call(Session, "POST", path, key=key)

    async def end_session(self, session_id: str, key: str | None = None) -> Session:
        path = at("/sessions/{session_id}/end", session_id=session_id)
        return await self.call(Session, "POST", path, key=key)

    async def reschedule_session(
        self, session_id: str, when: SessionReschedule, key: str | None = None
    ) -> Session:
        path = at("/sessions/{session_id}/reschedule", session_id=session_id)
        return await self.call(Session, "POST", path, body=when, key=key)

    async def cancel_session(self, session_id: str, key: str | None = None) -> Session:
        path = at("/sessions/{session_id}/cancel", session_id=session_id)
        return await self.call(Session, "POST", path, key=key)

    async def get_series(self, series_id: str) -> SessionSeries:
        return await self.call(SessionSeries, "GET", at("/series/{series_id}", series_id=series_id))

    async def reschedule_series(
        self, series_id: str, when: SeriesReschedule, key: str | None = None
    ) -> SessionList:
        path = at("/series/{series_id}/reschedule", series_id=series_id)
        return await self.call(SessionList, "POST", path, body=when, key=key)

    async def cancel_series(self, series_id: str, key: str | None = None) -> SessionList:
        path = at("/series/{series_id}/cancel", series_id=series_id)
        return await self.call(SessionList, "POST", path, key=key)

    async def get_bookend_windows(self, section_id: str) -> BookendWindows:
        path = at("/sections/{section_id}/bookend-windows", section_id=section_id)
        return await self.call(BookendWindows, "GET", path)

    async def put_bookend_windows(
        self, section_id: str, windows: BookendWindowsPut
    ) -> BookendWindows:
        path = at("/sections/{section_id}/bookend-windows", section_id=section_id)
        return await self.call(BookendWindows, "PUT", path, body=windows)

    async def get_balance_policy(self, section_id: str) -> BalancePolicy:
        path = at("/sections/{section_id}/balance-policy", section_id=section_id)
        return await self.call(BalancePolicy, "GET", path)

    async def put_balance_policy(self, section_id: str, policy: BalancePolicyPut) -> BalancePolicy:
        path = at("/sections/{section_id}/balance-policy", section_id=section_id)
        return await self.call(BalancePolicy, "PUT", path, body=policy)

    async def get_section_plan(self, section_id: str, week: str | None) -> WeeklyPlan:
        path = at("/sections/{section_id}/plan", section_id=section_id)
        return await self.call(WeeklyPlan, "GET", path, params={"week": week})

    async def get_student_plan(self, student_id: str, week: str | None) -> WeeklyPlan:
        path = at("/students/{student_id}/plan", student_id=student_id)
        return await self.call(WeeklyPlan, "GET", path, params={"week": week})

    async def list_proposals(
        self, section_id: str, status: ProposalStatus | None, page: Page
    ) -> ProposalPage:
        path = at("/sections/{section_id}/proposals", section_id=section_id)
        params = {**page.params(), "status": status.value if status else None}
        return await self.call(ProposalPage, "GET", path, params=params)

    async def get_proposal(self, proposal_id: str) -> Proposal:
        path = at("/proposals/{proposal_id}", proposal_id=proposal_id)
        return await self.call(Proposal, "GET", path)

    async def accept_proposal(self, proposal_id: str) -> Proposal:
        path = at("/proposals/{proposal_id}/accept", proposal_id=proposal_id)
        return await self.call(Proposal, "POST", path)

    async def dismiss_proposal(self, proposal_id: str, body: ProposalDismissal) -> Proposal:
        path = at("/proposals/{proposal_id}/dismiss", proposal_id=proposal_id)
        return await self.call(Proposal, "POST", path, body=body)

    async def undo_proposal(self, proposal_id: str) -> Proposal:
        path = at("/proposals/{proposal_id}/undo", proposal_id=proposal_id)
        return await self.call(Proposal, "POST", path)

    async def assign_task(self, task: TaskCreate, key: str | None = None) -> Task:
        return await self.call(Task, "POST", "/tasks", body=task, key=key)

    async def extend_task(
        self, task_id: str, student_id: str, body: TaskExtend, key: str | None = None
    ) -> StudentWindow:
        path = at(
            "/tasks/{task_id}/students/{student_id}/extend", task_id=task_id, student_id=student_id
        )
        return await self.call(StudentWindow, "POST", path, body=body, key=key)

    async def excuse_from_task(
        self, task_id: str, student_id: str, body: TaskExcuse, key: str | None = None
    ) -> Excusal:
        path = excusal_path(task_id, student_id)
        return await self.call(Excusal, "PUT", path, body=body, key=key)

    async def take_back_excusal(
        self, task_id: str, student_id: str, key: str | None = None
    ) -> Excusal:
        return await self.call(Excusal, "DELETE", excusal_path(task_id, student_id), key=key)

    async def withdraw_task(self, task_id: str, key: str | None = None) -> Task:
        path = at("/tasks/{task_id}/withdraw", task_id=task_id)
        return await self.call(Task, "POST", path, key=key)

    async def read_feed(self, page: Page, wanted: FeedFilter) -> Feed:
        params = {**page.params(), **wanted.params()}
        return await self.call(Feed, "GET", "/feed", params=params)

    async def create_calendar_link(self, owner: CalendarLinkCreate) -> CalendarLinkCreated:
        return await self.call(CalendarLinkCreated, "POST", "/calendar-links", body=owner)

    async def list_calendar_links(
        self, student_id: str | None, section_id: str | None, page: Page
    ) -> CalendarLinkPage:
        params = {**page.params(), "student_id": student_id, "section_id": section_id}
        return await self.call(CalendarLinkPage, "GET", "/calendar-links", params=params)

    async def revoke_calendar_link(self, link_id: str) -> CalendarLink:
        path = at("/calendar-links/{link_id}/revoke", link_id=link_id)
        return await self.call(CalendarLink, "POST", path)


def excusal_path(task_id: str, student_id: str) -> str:
    return at(
        "/tasks/{task_id}/students/{student_id}/excusal", task_id=task_id, student_id=student_id
    )
