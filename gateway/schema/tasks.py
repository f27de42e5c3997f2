"""On-demand tasks a teacher assigns: for the section, chosen students or a group, in a window of
instants or of local rules each student's feed resolves in their own zone (the scheduler)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.convert import from_contract
from gateway.schema.errors import Failure, IdempotencyKey, mutate
from gateway.schema.sessions import Task


@strawberry.enum
class WindowAnchor(Enum):
    ASSIGNED = "assigned"
    SESSION_START = "session_start"
    SESSION_END = "session_end"


@strawberry.enum
class SchoolDayTime(Enum):
    SCHOOL_DAY_START = "school_day_start"
    SCHOOL_DAY_END = "school_day_end"


@strawberry.input(
    description=(
        "A moment written for every student: the start or end of the student's own school day, "
        "`schoolDays` school days after the anchor (0: that day if it is a school day), e.g. "
        "{anchor: SESSION_END, schoolDays: 1, at: SCHOOL_DAY_END} is the end of the school day "
        "after the session."
    )
)
class LocalRuleInput:
    anchor: WindowAnchor
    school_days: int
    at: SchoolDayTime


@strawberry.input(description="An instant (`at`) or a rule (`rule`): one of them.")
class WindowEdgeInput:
    at: datetime | None = None
    rule: LocalRuleInput | None = None

    def request(self) -> http.WindowEdge:
        rule = self.rule
        return http.WindowEdge.model_construct(
            at=self.at,
            rule=None
            if rule is None
            else http.LocalRule.model_construct(
                anchor=rule.anchor.value, school_days=rule.school_days, at=rule.at.value
            ),
        )


@strawberry.input
class AssignTaskInput:
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    component_id: strawberry.ID = strawberry.field(description="An on-demand component.")
    opens: WindowEdgeInput
    due: WindowEdgeInput
    closes: WindowEdgeInput | None = strawberry.field(
        default=None, description="Late work is taken until then."
    )
    student_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Chosen students of the section; none: all of it."
    )
    session_id: strawberry.ID | None = strawberry.field(
        default=None, description="The session it goes with: the anchor of SESSION_ rules."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "A group of the section instead of studentIds: the task goes to its members "
            "enrolled now; students who join the group or the section later do not get it."
        ),
    )

    def request(self) -> http.TaskCreate:
        return http.TaskCreate.model_construct(
            section_id=self.section_id,
            lesson_id=self.lesson_id,
            component_id=self.component_id,
            opens=self.opens.request(),
            due=self.due.request(),
            closes=self.closes.request() if self.closes is not None else None,
            student_ids=[str(s) for s in self.student_ids]
            if self.student_ids is not None
            else None,
            session_id=self.session_id,
            group_id=self.group_id,
        )


@strawberry.type(description="One student's own window of a task.")
class StudentWindow:
    task_id: strawberry.ID
    student_id: strawberry.ID
    opens_at: datetime
    due_at: datetime
    closes_at: datetime | None

    @classmethod
    def of(cls, window: http.StudentWindow) -> StudentWindow:
        return from_contract(cls, window)


@strawberry.type(description="Whether a student is excused from a task (their feed shows EXCUSED).")
class Excusal:
    task_id: strawberry.ID
    student_id: strawberry.ID
    excused: bool
    reason: str | None = strawberry.field(description="Kept for staff, never sent in an event.")
    excused_by: strawberry.ID | None
    excused_at: datetime | None

    @classmethod
    def of(cls, excusal: http.Excusal) -> Excusal:
        return from_contract(cls, excusal)


TaskResult = Annotated[Task | Failure, strawberry.union("TaskResult")]
ExcusalResult = Annotated[Excusal | Failure, strawberry.union("ExcusalResult")]
StudentWindowResult = Annotated[StudentWindow | Failure, strawberry.union("StudentWindowResult")]


@strawberry.type
class TaskMutation:
    @strawberry.mutation(description="Give a lesson's on-demand component to students.")
    async def assign_task(
        self, info: Info, input: AssignTaskInput, idempotency_key: IdempotencyKey = None
    ) -> TaskResult:
        call = info.context.clients.scheduler.assign_task(input.request(), idempotency_key)
        return await mutate(call, Task.of)

    @strawberry.mutation(
        description=(
            "One student's later window (extended time as an accommodation); only their feed "
            "changes. The reason is kept for staff, never sent in an event."
        )
    )
    async def extend_task(
        self,
        info: Info,
        task_id: strawberry.ID,
        student_id: strawberry.ID,
        due_at: datetime,
        reason: str,
        closes_at: datetime | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> StudentWindowResult:
        body = http.TaskExtend.model_construct(due_at=due_at, closes_at=closes_at, reason=reason)
        call = info.context.clients.scheduler.extend_task(
            task_id, student_id, body, idempotency_key
        )
        return await mutate(call, StudentWindow.of)

    @strawberry.mutation(
        description=(
            "Excuse a student from a task (an absence for a good reason, an accommodation): "
            "it no longer counts against them; their feed shows it EXCUSED."
        )
    )
    async def excuse_from_task(
        self,
        info: Info,
        task_id: strawberry.ID,
        student_id: strawberry.ID,
        reason: str,
        idempotency_key: IdempotencyKey = None,
    ) -> ExcusalResult:
        body = http.TaskExcuse.model_construct(reason=reason)
        call = info.context.clients.scheduler.excuse_from_task(
            task_id, student_id, body, idempotency_key
        )
        return await mutate(call, Excusal.of)

    @strawberry.mutation(description="The student is expected to do the task after all.")
    async def take_back_excusal(
        self,
        info: Info,
        task_id: strawberry.ID,
        student_id: strawberry.ID,
        idempotency_key: IdempotencyKey = None,
    ) -> ExcusalResult:
        call = info.context.clients.scheduler.take_back_excusal(
            task_id, student_id, idempotency_key
        )
        return await mutate(call, Excusal.of)

    @strawberry.mutation(description="It no longer needs doing: it leaves the feeds.")
    async def withdraw_task(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> TaskResult:
        call = info.context.clients.scheduler.withdraw_task(id, idempotency_key)
        return await mutate(call, Task.of)
