"""Progress's use cases: a student reports progress on a task assigned to them; the section's
staff, the student and their guardians read it."""

from __future__ import annotations

from dataclasses import dataclass

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock, stored_instant
from bookend.ids import IdFactory
from bookend.problems import refuse_if
from services.feedback.access import teaches
from services.feedback.events import OUTBOUND
from services.feedback.progress.domain import (
    KnownTask,
    ProgressRules,
    Reported,
    ReportSent,
    StudentProgress,
    TaskNotFound,
    report_progress,
    sent_errors,
)
from services.feedback.progress.ports import Store, Transaction


async def record_progress(
    task_id: str,
    *,
    sent: ReportSent,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
    rules: ProgressRules,
) -> Reported:
    """A student's own report, idempotent by their client's event id; merged into their
    progress, and ProgressRecorded emitted with it only when the merged progress changed."""
    principal.require(Role.STUDENT)
    at = stored_instant(clock())
    refuse_if(sent_errors(sent, at=at))

    async def work(tx: Transaction) -> Reported:
        district, student = principal.district, principal.subject
        task = await tx.get_known_task(district, task_id)
        log = media = None
        if task is not None:
            log = await tx.get_progress_log(district, task_id, student)
            media = await tx.get_media_seconds(district, task.component_id)
        reported = report_progress(
            task,
            log,
            task_id=task_id,
            student_id=student,
            sections=principal.sections,
            sent=sent,
            media_seconds=media,
            rules=rules,
            new_id=ids,
            at=at,
        )
        if not reported.repeated:
            await tx.save_progress_log(reported.log)
            await tx.emit(*OUTBOUND.events(reported.events))
        return reported

    return await store.atomically(work)


@dataclass(frozen=True, slots=True)
class TaskProgressView:
    task: KnownTask
    students: list[StudentProgress]


async def list_task_progress(
    task_id: str, *, principal: Principal, store: Store
) -> TaskProgressView:
    """Every student's who reported, for the section's staff; a student's own, and a guardian's
    children's (an empty list: none reported, or the task is not theirs)."""
    task = await store.get_known_task(principal.district, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    staff = await teaches(principal, task.section_id, store)
    if not (staff or principal.has(Role.STUDENT, Role.GUARDIAN)):
        raise Forbidden("only the section's staff, its students and their guardians read it")
    everyone = await store.list_task_progress(principal.district, task_id)
    if staff:
        return TaskProgressView(task, everyone)
    return TaskProgressView(task, [s for s in everyone if principal.may_view_student(s.student_id)])
