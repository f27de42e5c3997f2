"""A section's week assessed for the balance of live and on-demand work (ADR 0037): read as
it stands, or published for the scheduler to propose changes from (ADR 0038)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import feedback as http
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import BalanceFlag, LearningPreference
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.paging import After, First, PageInfo, checked_page, selects
from gateway.upstream import Page

Week = Annotated[
    str | None,
    strawberry.argument(description="An ISO week, e.g. 2026-W48; this week if left out."),
]


@strawberry.type(description="A week's minutes, sessions and rates (none: nothing to divide).")
class AssessmentFigures(FromContract[http.AssessmentFigures]):
    planned_live_minutes: int
    attended_live_minutes: int
    assigned_on_demand_minutes: int
    completed_on_demand_minutes: int
    sessions: int
    sessions_missed: int
    sessions_checked_in: int
    sessions_lost: int
    on_demand_share: float | None
    completion_rate: float | None
    confusion_rate: float | None = strawberry.field(
        description="Of the live sessions checked in to, the share in which 'lost' was said."
    )


@strawberry.type(description="What the week's figures and pulses show, and why.")
class AssessmentFlag(FromContract[http.AssessmentFlag]):
    kind: BalanceFlag
    reason: str


@strawberry.type
class AssessedPreferenceCount(FromContract[http.PreferenceCount]):
    preference: LearningPreference
    count: int


@strawberry.type(description="How many answered the week's pulse, and what they said.")
class AssessmentPulse(FromContract[http.AssessmentPulse]):
    students_responded: int
    guardians_responded: int
    too_much_work: int
    low_wellbeing: int
    poorly_connected: int
    preferences: list[AssessedPreferenceCount]

    @classmethod
    def read(cls, pulse: http.AssessmentPulse) -> AssessmentPulse:
        return from_contract(
            cls, pulse, preferences=[AssessedPreferenceCount.of(p) for p in pulse.preferences]
        )


@strawberry.type
class StudentAssessment(FromContract[http.StudentAssessment]):
    student_id: strawberry.ID
    figures: AssessmentFigures
    pulse: AssessmentPulse
    flags: list[AssessmentFlag]

    @classmethod
    def read(cls, student: http.StudentAssessment) -> StudentAssessment:
        return from_contract(
            cls,
            student,
            figures=AssessmentFigures.of(student.figures),
            pulse=AssessmentPulse.read(student.pulse),
            flags=[AssessmentFlag.of(f) for f in student.flags],
        )


@strawberry.type(
    description=(
        "A section's ISO week of live and on-demand work: planned and attended live minutes, "
        "assigned and completed on-demand minutes, rates, the pulse, and flags with their "
        "reasons, for the section and each student. For its staff."
    )
)
class BalanceAssessment(FromContract[http.BalanceAssessment]):
    section_id: strawberry.ID
    week: str
    figures: AssessmentFigures
    pulse: AssessmentPulse
    flags: list[AssessmentFlag]
    students: list[StudentAssessment]
    assessed_at: datetime | None = strawberry.field(
        description="When it was published; none: the week as it stands now."
    )

    @classmethod
    def read(cls, assessed: http.BalanceAssessment) -> BalanceAssessment:
        return from_contract(
            cls,
            assessed,
            figures=AssessmentFigures.of(assessed.figures),
            pulse=AssessmentPulse.read(assessed.pulse),
            flags=[AssessmentFlag.of(f) for f in assessed.flags],
            students=[StudentAssessment.read(s) for s in assessed.students],
        )


@strawberry.type(description="How many of a section's students carry a flag of this kind.")
class StudentFlagCount(FromContract[http.StudentFlagCount]):
    kind: BalanceFlag
    students: int


@strawberry.type(
    description=(
        "A section's published week in a balance report: its figures and flags, and how many "
        "of its students were assessed and flagged (never who)."
    )
)
class ReportLine(FromContract[http.ReportLine]):
    section_id: strawberry.ID
    school_id: strawberry.ID | None
    figures: AssessmentFigures
    flags: list[AssessmentFlag]
    students: int
    students_flagged: int
    student_flags: list[StudentFlagCount]
    assessed_at: datetime | None = strawberry.field(description="When it was published.")

    @classmethod
    def read(cls, line: http.ReportLine) -> ReportLine:
        return from_contract(
            cls,
            line,
            figures=AssessmentFigures.of(line.figures),
            flags=[AssessmentFlag.of(f) for f in line.flags],
            student_flags=[StudentFlagCount.of(f) for f in line.student_flags],
        )


@strawberry.type(description="How many sections, and how many students, carry a flag kind.")
class FlagCount(FromContract[http.FlagCount]):
    kind: BalanceFlag
    sections: int
    students: int


@strawberry.type(
    description=(
        "A report's week across all its sections (not one page): sections and students "
        "assessed and flagged, the figures summed (rates of the sums), and each flag counted."
    )
)
class ReportTotals(FromContract[http.ReportTotals]):
    sections: int
    sections_flagged: int
    students: int
    students_flagged: int
    figures: AssessmentFigures
    flags: list[FlagCount]

    @classmethod
    def read(cls, totals: http.ReportTotals) -> ReportTotals:
        return from_contract(
            cls,
            totals,
            figures=AssessmentFigures.of(totals.figures),
            flags=[FlagCount.of(f) for f in totals.flags],
        )


@strawberry.type
class BalanceReportEdge:
    cursor: str
    node: ReportLine


@strawberry.type(
    description=(
        "A week's published balance assessments across sections, in section order (Relay "
        "paging), for admins: the district's, or one school's."
    )
)
class BalanceReportConnection:
    week: str
    school_id: strawberry.ID | None = strawberry.field(
        description="The school reported on; none: the whole district."
    )
    nodes: list[ReportLine]
    edges: list[BalanceReportEdge]
    page_info: PageInfo
    totals: ReportTotals | None = strawberry.field(
        description=(
            "The week across every section of the report. Read only when selected: it costs "
            "the service a pass over all of them, so leave it out of pages after the first."
        )
    )

    @classmethod
    def of(cls, report: http.BalanceReport, asked: Page) -> BalanceReportConnection:
        nodes = [ReportLine.read(line) for line in report.items]
        return cls(
            week=report.week,
            school_id=None if report.school_id is None else strawberry.ID(report.school_id),
            nodes=nodes,
            edges=[
                BalanceReportEdge(cursor=c, node=n)
                for c, n in zip(report.cursors, nodes, strict=True)
            ],
            page_info=PageInfo.of(report.page_info, report.cursors, asked),
            totals=None if report.totals is None else ReportTotals.read(report.totals),
        )


async def balance_report(
    info: Info,
    week: Annotated[str, strawberry.argument(description="An ISO week, e.g. 2026-W48.")],
    school_id: strawberry.ID | None = None,
    first: First = 20,
    after: After = None,
) -> BalanceReportConnection:
    """A page of the report, with its totals only if the field selects them: the resolver of
    `balanceReport` and of `me`'s admin view."""
    asked = checked_page(first, after)
    call = info.context.clients.feedback.read_balance_report(
        week, school_id, asked, total=selects(info, "totals")
    )
    return await query(call, lambda report: BalanceReportConnection.of(report, asked))


BalanceAssessmentResult = Annotated[
    BalanceAssessment | Failure, strawberry.union("BalanceAssessmentResult")
]


@strawberry.type
class AssessmentQuery:
    @strawberry.field(description="A section's week as it stands, for its staff.")
    async def balance_assessment(
        self, info: Info, section_id: strawberry.ID, week: Week = None
    ) -> BalanceAssessment:
        call = info.context.clients.feedback.read_assessment(section_id, week)
        return await query(call, BalanceAssessment.read)

    balance_report: BalanceReportConnection = strawberry.field(
        resolver=balance_report,
        description=(
            "A week's published balance assessments across sections, for admins: a district "
            "admin's whole district or one school (`schoolId`), a school admin's own school. "
            "`totals` only when selected."
        ),
    )


@strawberry.type
class AssessmentMutation:
    @strawberry.mutation(
        description=(
            "Assess a section's week and publish it: the scheduler proposes changes to the "
            "plan from its flags (see balanceProposals)."
        )
    )
    async def assess_balance(
        self, info: Info, section_id: strawberry.ID, week: Week = None
    ) -> BalanceAssessmentResult:
        call = info.context.clients.feedback.publish_assessment(section_id, week)
        return await mutate(call, BalanceAssessment.read)
