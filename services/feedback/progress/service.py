"""Progress's use cases: a student reports progress on a task assigned to them; the section's
staff, the student and their guardians read it."""

from __future__ import annotations

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock, stored_instant
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import refuse_if
from services.feedback.access import teaches
from services.feedback.events import OUTBOUND
from services.feedback.progress.domain import (
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


async def list_task_progress(
    task_id: str, asked: PageAsk, *, principal: Principal, store: Store
) -> KeyedPage[StudentProgress]:
    """A page of the progress of a task's students who reported, by student id: every one's
    for the section's staff; a student's own, and a guardian's children's (an empty page:
    none reported, or the task is not theirs)."""
    task = await store.get_known_task(principal.district, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    staff = await teaches(principal, task.section_id, store)
    if not (staff or principal.has(Role.STUDENT, Role.GUARDIAN)):
        raise Forbidden("only the section's staff, its students and their guardians read it")
    if staff:
        return await store.page_task_progress(principal.district, task_id, asked)
    candidates = {principal.subject, *principal.children}
    seen = {student for student in candidates if principal.may_view_student(student)}
    return await store.page_task_progress(principal.district, task_id, asked, student_ids=seen)
