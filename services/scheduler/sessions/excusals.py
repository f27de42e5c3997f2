"""Excusing a student from a task (an absence for a good reason, an accommodation): the task no
longer counts against them and their feed shows it excused; taking the excusal back restores the
status the clock and their progress give. Only their feed changes; no event leaves the service."""

from __future__ import annotations

from bookend.auth import STAFF, Principal
from bookend.clock import Clock, stored_instant
from bookend.problems import refuse_if
from services.scheduler.feed.projector import project
from services.scheduler.sessions.assignments import taught_task_of
from services.scheduler.sessions.ports import Store, Transaction
from services.scheduler.sessions.tasks import Excusal, TaskExcused, reason_errors


async def excuse_from_task(
    task_id: str,
    student_id: str,
    *,
    reason: str,
    principal: Principal,
    store: Store,
    clock: Clock,
) -> Excusal:
    """Excuse the student (again, with a new reason, if they were). The reason is kept for
    staff, never sent in an event."""
    principal.require(*STAFF)
    refuse_if(reason_errors(reason, "the excusal"))

    async def work(tx: Transaction) -> Excusal:
        task = await taught_task_of(tx, principal, task_id, student_id)
        excusal = Excusal(
            task_id=task.id,
            student_id=student_id,
            district_id=task.district_id,
            reason=reason.strip(),
            excused_by=principal.subject,
            excused_at=stored_instant(clock()),
        )
        await tx.save_excusal(excusal)
        await project(tx, [TaskExcused(task, student_id, excused=True)])
        return excusal

    return await store.atomically(work)


async def take_back_excusal(
    task_id: str, student_id: str, *, principal: Principal, store: Store
) -> None:
    """The student is expected to do the task after all; nothing changes if not excused."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> None:
        task = await taught_task_of(tx, principal, task_id, student_id)
        if await tx.get_excusal(task.district_id, task.id, student_id) is None:
            return
        await tx.remove_excusal(task.district_id, task.id, student_id)
        await project(tx, [TaskExcused(task, student_id, excused=False)])

    await store.atomically(work)
