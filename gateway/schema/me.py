"""`me`: the viewer as their token says, with a view for each role they hold (ADR 0047).

Each view gathers what that role reads most, through the same upstream calls (and the same
checks in the services) as the root fields it mirrors: a student's feed, week and notes; a
guardian's children, each with theirs; a teacher's sections, each with its sessions; an
admin's district and balance report. A view is null
for a role the viewer does not hold, so one query serves an app whatever the role.
"""

from __future__ import annotations

import strawberry

from bookend.auth import Principal
from gateway.clients import FeedFilter
from gateway.context import Info
from gateway.schema.assessment import BalanceReportConnection, balance_report
from gateway.schema.balance import Week, WeeklyPlan
from gateway.schema.enums import Role as RoleEnum  # the auth roles, as the schema's enum
from gateway.schema.errors import query
from gateway.schema.feed import FeedConnection, read_feed
from gateway.schema.notes import Note
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.schema.roster import District, Section
from gateway.schema.sessions import LiveSession


@strawberry.type(
    description=(
        "One student's view: their feed, their week of live and on-demand minutes, and their "
        "teachers' notes. Yours as a student; each child's as a guardian."
    )
)
class StudentView:
    student_id: strawberry.ID
    own: strawberry.Private[bool]

    @strawberry.field(description="The student's feed (Relay paging), as `feed` gives it.")
    async def feed(self, info: Info, first: First = 20, after: After = None) -> FeedConnection:
        return await read_feed(
            info.context, checked_page(first, after), FeedFilter(self.student_id)
        )

    @strawberry.field(description="The student's week, in their own zone (this week if left out).")
    async def week(self, info: Info, week: Week = None) -> WeeklyPlan:
        call = info.context.clients.scheduler.get_student_plan(self.student_id, week)
        return await query(call, WeeklyPlan.of)

    @strawberry.field(description="The student's notes from their teachers, newest first.")
    async def notes(self, info: Info, first: First = 20, after: After = None) -> Connection[Note]:
        asked = checked_page(first, after, info)
        # A student's own notes are asked for without an id: feedback reads it from the token.
        call = info.context.clients.feedback.list_notes(
            None if self.own else self.student_id, asked
        )
        return await query(call, lambda page: Connection.of(page, asked, Note.of))


@strawberry.type(description="A section you teach, with its live sessions.")
class TaughtSection:
    section: Section

    @strawberry.field(description="The section's live sessions by start, as `sectionSessions`.")
    async def sessions(
        self, info: Info, first: First = 20, after: After = None
    ) -> Connection[LiveSession]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_sessions(self.section.id, asked)
        return await query(call, lambda found: Connection.of(found, asked, LiveSession.of))


@strawberry.type(description="A teacher's view: the sections they teach, each with its sessions.")
class TeacherView:
    @strawberry.field(description="Your sections by id (Relay paging), as `sections` gives them.")
    async def sections(
        self, info: Info, first: First = 20, after: After = None
    ) -> Connection[TaughtSection]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_sections(asked)
        return await query(
            call,
            lambda found: Connection.of(
                found, asked, lambda s: TaughtSection(section=Section.of(s))
            ),
        )


@strawberry.type(description="A guardian's view: each of their children (the token's).")
class GuardianView:
    children: list[StudentView] = strawberry.field(
        description="Each child, in the order of their ids (a family's few)."
    )


@strawberry.type(
    description=(
        "An admin's view: the district, and the week's balance across sections (a district "
        "admin's district or one of its schools, a school admin's own school)."
    )
)
class AdminView:
    school_id: strawberry.ID | None = strawberry.field(
        description="A school admin's school; none for a district admin."
    )

    @strawberry.field
    async def district(self, info: Info) -> District:
        return await query(info.context.clients.scheduler.get_district(), District.of)

    balance_report: BalanceReportConnection = strawberry.field(
        resolver=balance_report, description="As `balanceReport`."
    )


@strawberry.type(
    description=(
        "You, as your bearer token says, with a view for each of your roles; a view is null "
        "for a role you do not hold."
    )
)
class Me:
    id: strawberry.ID
    district_id: strawberry.ID
    school_id: strawberry.ID | None
    roles: list[RoleEnum]
    time_zone: str = strawberry.field(
        description="The zone every DateTime is written in for you (the token's zoneinfo, or UTC)."
    )
    principal: strawberry.Private[Principal]

    @strawberry.field(description="Yours, if you are a student.")
    def student(self) -> StudentView | None:
        if not self.principal.has(RoleEnum.STUDENT):
            return None
        return StudentView(student_id=strawberry.ID(self.principal.subject), own=True)

    @strawberry.field(description="Yours, if you are a guardian.")
    def guardian(self) -> GuardianView | None:
        if not self.principal.has(RoleEnum.GUARDIAN):
            return None
        children = sorted(self.principal.children)
        return GuardianView(
            children=[StudentView(student_id=strawberry.ID(c), own=False) for c in children]
        )

    @strawberry.field(description="Yours, if you are a teacher.")
    def teacher(self) -> TeacherView | None:
        return TeacherView() if self.principal.has(RoleEnum.TEACHER) else None

    @strawberry.field(description="Yours, if you are a school's or the district's admin.")
    def admin(self) -> AdminView | None:
        if not self.principal.has(RoleEnum.SCHOOL_ADMIN, RoleEnum.DISTRICT_ADMIN):
            return None
        school = self.principal.school if not self.principal.has(RoleEnum.DISTRICT_ADMIN) else None
        return AdminView(school_id=None if school is None else strawberry.ID(school))

    @classmethod
    def of(cls, principal: Principal) -> Me:
        return cls(
            id=strawberry.ID(principal.subject),
            district_id=strawberry.ID(principal.district),
            school_id=None if principal.school is None else strawberry.ID(principal.school),
            roles=sorted(principal.roles),
            time_zone=principal.zone.key,
            principal=principal,
        )


@strawberry.type
class MeQuery:
    @strawberry.field(description="You, with a view for each of your roles.")
    def me(self, info: Info) -> Me:
        return Me.of(info.context.caller.principal)
