"""Progress on on-demand tasks: a student reports theirs from their client (retries and
replayed offline queues change nothing twice); staff, the student and guardians read it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import feedback as http
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import TaskProgress
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.paging import After, Connection, First, checked_page


@strawberry.type(
    description=(
        "A student's progress on an on-demand task, merged from every report their clients "
        "sent, whatever their order: started at the earliest report, the furthest media "
        "position, completed once any report completed it, and the time each distinct report "
        "added (at most the span of the reports plus one report's time, and 8 hours)."
    )
)
class StudentTaskProgress:
    task_id: strawberry.ID
    section_id: strawberry.ID
    student_id: strawberry.ID
    state: TaskProgress
    started_at: datetime = strawberry.field(description="The earliest report's moment.")
    completed_at: datetime | None = strawberry.field(
        description="The earliest completing report's moment."
    )
    position_seconds: int | None = strawberry.field(description="The furthest media position.")
    time_spent_seconds: int
    report_count: int = strawberry.field(
        description="Distinct reports merged (at most 500 a task, and a completion)."
    )

    @classmethod
    def of(cls, student: http.StudentProgress) -> StudentTaskProgress:
        merged = student.progress
        return from_contract(
            cls,
            student,
            state=merged.state,
            started_at=merged.started_at,
            completed_at=merged.completed_at,
            position_seconds=merged.position_seconds,
            time_spent_seconds=merged.time_spent_seconds,
        )


@strawberry.type(
    description="A report as kept (the first time, for a client event sent again), and the "
    "student's progress now."
)
class ProgressReport(FromContract[http.ProgressReceipt]):
    client_event_id: str
    occurred_at: datetime = strawberry.field(
        description="As kept: the client's moment, within the task's assignment and receipt."
    )
    received_at: datetime = strawberry.field(
        description="When the service first received it (its clock, not the client's)."
    )
    repeated: bool = strawberry.field(
        description="Sent before: nothing changed now, and the answer is the first one's."
    )
    progress: StudentTaskProgress

    @classmethod
    def of(cls, receipt: http.ProgressReceipt) -> ProgressReport:
        return from_contract(cls, receipt, progress=StudentTaskProgress.of(receipt.student))


ReportProgressResult = Annotated[ProgressReport | Failure, strawberry.union("ReportProgressResult")]


@strawberry.type
class ProgressQuery:
    @strawberry.field(
        description=(
            "Progress on an on-demand task, by student (Relay paging): every student's who"
            " reported for the section's staff, your own for a student, your children's for a"
            " guardian. TASK_NOT_FOUND until feedback has heard the task was assigned."
        )
    )
    async def task_progress(
        self, info: Info, task_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[StudentTaskProgress]:
        asked = checked_page(first, after, info)
        call = info.context.clients.feedback.list_task_progress(task_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, StudentTaskProgress.of))


@strawberry.type
class ProgressMutation:
    @strawberry.mutation(
        description=(
            "Your progress on an on-demand task assigned to you, as your client saw it since its "
            "previous report of the task. Idempotent by clientEventId: sent again (a retry, a "
            "replayed offline queue) it changes nothing and answers as the first time, and "
            "reports sent in any order merge to the same progress. TASK_NOT_FOUND (a task just "
            "assigned that feedback has not heard of yet) is worth retrying later; "
            "NOT_ASSIGNED and TASK_WITHDRAWN are not."
        )
    )
    async def report_progress(
        self,
        info: Info,
        task_id: strawberry.ID,
        client_event_id: Annotated[
            str,
            strawberry.argument(
                description="Your client's id for this one report (1 to 100 printable "
                "characters, e.g. a UUID)."
            ),
        ],
        occurred_at: Annotated[
            datetime,
            strawberry.argument(
                description="When it happened, by your client's clock: not in the future; "
                "kept between the task's assignment and the report's receipt."
            ),
        ],
        completed: Annotated[
            bool, strawberry.argument(description="The student finished the task.")
        ] = False,
        position_seconds: Annotated[
            int | None,
            strawberry.argument(
                description="Where the media is now, in seconds (within its duration if known)."
            ),
        ] = None,
        time_spent_seconds: Annotated[
            int,
            strawberry.argument(
                description="Seconds worked since your client's previous report of the task "
                "(0 to 3600)."
            ),
        ] = 0,
    ) -> ReportProgressResult:
        # Unvalidated here: feedback checks its own input and names each field and rule.
        report = http.ProgressReportCreate.model_construct(
            client_event_id=client_event_id,
            occurred_at=occurred_at,
            completed=completed,
            position_seconds=position_seconds,
            time_spent_seconds=time_spent_seconds,
        )
        call = info.context.clients.feedback.report_progress(task_id, report)
        return await mutate(call, ProgressReport.of)
