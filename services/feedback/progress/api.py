"""Progress's HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, ServiceState, service_state
from bookend.http_contracts import feedback as http
from services.feedback.progress import service
from services.feedback.progress.domain import ReportSent, StudentProgress
from services.feedback.progress.ports import Store
from services.feedback.settings import FeedbackSettings

State = Annotated[ServiceState[Store, FeedbackSettings], Depends(service_state)]

router = APIRouter()


def student_out(progress: StudentProgress) -> http.StudentProgress:
    # The HTTP model's fields are the domain's attribute names.
    return http.StudentProgress.model_validate(progress, from_attributes=True)


@router.post("/tasks/{task_id}/progress", status_code=201)
async def report_progress(
    task_id: str,
    body: http.ProgressReportCreate,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
) -> http.ProgressReceipt:
    """The calling student's progress on a task assigned to them (201; 200 for a client event
    recorded before, which changes nothing)."""
    reported = await service.record_progress(
        task_id,
        sent=ReportSent(**body.model_dump()),
        principal=principal,
        store=state.store,
        clock=state.clock,
        ids=state.ids,
        rules=state.settings.progress,
    )
    if reported.repeated:
        response.status_code = 200
    report = reported.report
    return http.ProgressReceipt(
        client_event_id=report.client_event_id,
        occurred_at=report.occurred_at,
        received_at=report.received_at,
        repeated=reported.repeated,
        student=student_out(reported.log.summary),
    )


@router.get("/tasks/{task_id}/progress")
async def list_task_progress(
    task_id: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.TaskProgressPage:
    """A page of students' progress by student id: every one's for the section's staff; a
    student's own, a guardian's children's."""
    page = await service.list_task_progress(task_id, asked, principal=principal, store=state.store)
    return http.TaskProgressPage.of(page, student_out)
