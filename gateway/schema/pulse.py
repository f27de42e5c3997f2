"""Pulse surveys (the feedback service): a weekly check-in about a student from the student or
a guardian, the viewer's own answers, and a section's week summed up for its staff (ADR 0036)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import feedback as http
from gateway.context import Info
from gateway.schema.convert import FromContract, each, from_contract, to_contract
from gateway.schema.enums import (
    Connectivity,
    LearningPreference,
    PulseRespondent,
    Wellbeing,
    Workload,
)
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.paging import After, Connection, First, checked_page

WEEK = (
    "An ISO week, e.g. 2026-W48: for a pulse, the week as your own calendar counts it (Monday "
    "to Sunday where you are). A pulse is given or changed only while its week lasts."
)
Week = Annotated[str, strawberry.argument(description=WEEK)]


@strawberry.type(
    description=(
        "One person's pulse about one student for one week: the student's own, or a "
        "guardian's. Given again in the same week it is edited (revision counts the changes)."
    )
)
class Pulse(FromContract[http.Pulse]):
    id: strawberry.ID
    week: str
    student_id: strawberry.ID
    respondent_id: strawberry.ID
    respondent: PulseRespondent
    workload: Workload
    wellbeing: Wellbeing
    connectivity: Connectivity
    shared_device: bool = strawberry.field(description="The student shares the device they use.")
    preference: LearningPreference
    comment: str | None = strawberry.field(
        description="The respondent's own words: read by them and by the student's teachers."
    )
    first_submitted_at: datetime
    submitted_at: datetime = strawberry.field(description="When it was last changed.")
    revision: int


@strawberry.type(description="How many students, and how many guardians, said so.")
class PulseCount(FromContract[http.Tally]):
    students: int
    guardians: int


@strawberry.type
class WorkloadCount(FromContract[http.WorkloadTally]):
    answer: Workload
    students: int
    guardians: int


@strawberry.type
class WellbeingCount(FromContract[http.WellbeingTally]):
    answer: Wellbeing
    students: int
    guardians: int


@strawberry.type
class ConnectivityCount(FromContract[http.ConnectivityTally]):
    answer: Connectivity
    students: int
    guardians: int


@strawberry.type
class PreferenceCount(FromContract[http.PreferenceTally]):
    answer: LearningPreference
    students: int
    guardians: int


@strawberry.type(
    description=(
        "A section's week of pulses, for its staff: how many answered, how many gave each "
        "answer (students' and guardians' counted apart), and every pulse with its comment."
    )
)
class SectionPulse:
    section_id: strawberry.ID
    week: str
    students_responded: int = strawberry.field(description="Students who answered themselves.")
    guardians_responded: int = strawberry.field(description="Pulses given by guardians.")
    students_heard_from: int = strawberry.field(
        description="Students with a pulse, their own or a guardian's."
    )
    workload: list[WorkloadCount]
    wellbeing: list[WellbeingCount]
    connectivity: list[ConnectivityCount]
    shared_device: PulseCount
    preference: list[PreferenceCount]

    @strawberry.field(
        description=(
            "The week's pulses, comments included: by student, their own before their"
            " guardians' (Relay paging)."
        )
    )
    async def pulses(self, info: Info, first: First = 20, after: After = None) -> Connection[Pulse]:
        asked = checked_page(first, after, info)
        call = info.context.clients.feedback.list_section_pulses(self.section_id, self.week, asked)
        return await query(call, lambda found: Connection.of(found, asked, Pulse.of))

    @classmethod
    def of(cls, summary: http.SectionPulse) -> SectionPulse:
        return from_contract(
            cls,
            summary,
            workload=[WorkloadCount.of(t) for t in summary.workload],
            wellbeing=[WellbeingCount.of(t) for t in summary.wellbeing],
            connectivity=[ConnectivityCount.of(t) for t in summary.connectivity],
            shared_device=PulseCount.of(summary.shared_device),
            preference=[PreferenceCount.of(t) for t in summary.preference],
        )


@strawberry.input(description="This week's pulse: every answer but the comment is needed.")
class PulseInput:
    week: str = strawberry.field(description=WEEK)
    workload: Workload
    wellbeing: Wellbeing
    connectivity: Connectivity
    shared_device: bool = strawberry.field(description="The student shares their device.")
    preference: LearningPreference
    student_id: strawberry.ID | None = strawberry.field(
        default=None, description="A guardian names their child; a student leaves it out."
    )
    comment: str | None = strawberry.field(default=None, description="At most 1000 characters.")


PulseResult = Annotated[Pulse | Failure, strawberry.union("PulseResult")]


@strawberry.type
class PulseQuery:
    @strawberry.field(
        description="Your own pulses of a week: a student's, or a guardian's about each child."
    )
    async def my_pulses(self, info: Info, week: Week) -> list[Pulse]:
        return await query(info.context.clients.feedback.my_pulses(week), each(Pulse.of))

    @strawberry.field(description="A section's week of pulses (its teachers and admins).")
    async def section_pulse(
        self, info: Info, section_id: strawberry.ID, week: Week
    ) -> SectionPulse:
        call = info.context.clients.feedback.section_pulse(section_id, week)
        return await query(call, SectionPulse.of)


@strawberry.type
class PulseMutation:
    @strawberry.mutation(
        description=(
            "Give this week's pulse, as a student about yourself or as a guardian about your "
            "child; given again in the same week it replaces your answers. A week that is over "
            "is refused (week/current_week)."
        )
    )
    async def submit_pulse(self, info: Info, input: PulseInput) -> PulseResult:
        # Unvalidated here: feedback checks its own input, the comment's length included.
        body = to_contract(http.PulsePut, input)
        return await mutate(info.context.clients.feedback.submit_pulse(input.week, body), Pulse.of)
