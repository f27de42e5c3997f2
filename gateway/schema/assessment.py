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
