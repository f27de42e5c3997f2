"""Assigning on-demand work: a lesson component for a section, a group or chosen students, in a
window of fixed instants or of local rules resolved for each student; a student's extended
window; withdrawal. The task, its feed items and its events commit together."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bookend.auth import STAFF, Principal
from bookend.clock import Clock, stored_instant
from bookend.contracts.scheduler import PlanChangeKind
from bookend.ids import IdFactory
from bookend.problems import InvalidInput, refuse_if
from services.scheduler import access
from services.scheduler.balance.service import PlanChange, checked
from services.scheduler.events import OUTBOUND
from services.scheduler.feed.projector import project, windows_of
from services.scheduler.roster.domain import Section, SectionUnknown
from services.scheduler.roster.groups import Group, members_enrolled
from services.scheduler.roster.service import existing_section
from services.scheduler.sessions.bookends import ON_DEMAND_FITS
from services.scheduler.sessions.domain import (
    LessonArchived,
    LessonUnknown,
    MeasuredTask,
    Task,
    TaskAssigned,
    TaskWithdrawn,
)
from services.scheduler.sessions.ports import Store, Transaction
from services.scheduler.sessions.service import existing_session, lesson_learned
from services.scheduler.sessions.tasks import (
    AssignmentDraft,
    ComponentUnknown,
    Extension,
    StudentWindow,
    TaskExtended,
    TaskNotFound,
    order_errors,
    window_for,
)
from services.scheduler.sessions.windows import NoSchoolDay


async def assign_task(
    draft: AssignmentDraft,
    *,
    principal: Principal,
    store: Store,
    ids: IdFactory,
    clock: Clock,
    lesson_wait: timedelta = timedelta(0),
) -> MeasuredTask:
    """Give a lesson's on-demand component to the section, to chosen students of it, or to a
    group of it: the group's members enrolled now (ADR 0031)."""
    principal.require(*STAFF)
    draft.check()
    await lesson_learned(store, principal.district, draft.lesson_id, within=lesson_wait)

    async def work(tx: Transaction) -> MeasuredTask:
        district = principal.district
        section = await tx.get_section(district, draft.section_id)
        if section is None:
            raise SectionUnknown(draft.section_id)
        access.require_teaches(principal, section)
        lesson = await tx.get_lesson(district, draft.lesson_id)
        if lesson is None:
            raise LessonUnknown(draft.lesson_id)
        if lesson.archived:
            raise LessonArchived(draft.lesson_id)
        component = next(
            (c for c in lesson.components if c.component_id == draft.component_id), None
        )
        if component is None or component.mode_fit not in ON_DEMAND_FITS:
            raise ComponentUnknown(draft.component_id)
        session = None
        if draft.session_id is not None:
            session = await existing_session(tx, district, draft.session_id)
            if session.section_id != section.id:
                message = f"session {session.id!r} is not one of section {section.id!r}"
                raise InvalidInput("session_id", "same_section", message)
        students = await tx.list_section_students(district, section.id)
        chosen = draft.student_ids
        if chosen is not None:
            strangers = sorted(set(chosen) - set(students))
            if strangers:
                message = f"not enrolled in the section: {', '.join(strangers[:20])}"
                raise InvalidInput("student_ids", "enrolled", message)
        if draft.group_id is not None:
            chosen = members_enrolled(await group_of(tx, section, draft.group_id), students)
        now = clock()
        rules = draft.rules
        # The task's own window: its fixed instants, or its rules resolved in the section's
        # zone (what lists of tasks show; each student's feed has their own).
        calendar = await tx.get_calendar(district, section.school_id)
        task = Task(
            id=ids(),
            district_id=district,
            section_id=section.id,
            lesson_id=lesson.lesson_id,
            component_id=component.component_id,
            session_id=draft.session_id,
            bookend=None,
            title=component.title,
            minutes=component.minutes,
            opens_at=stored_instant(draft.opens.at or now),
            due_at=stored_instant(draft.due.at or now),
            time_zone=section.time_zone,
            student_ids=tuple(dict.fromkeys(chosen)) if chosen else None,
            group_id=draft.group_id,
            closes_at=stored_instant(draft.closes.at) if draft.closes.at else None,
            rules=rules if rules.anchors else None,
            assigned_at=stored_instant(now),
        )
        try:
            window = window_for(task, zone=section.time_zone, calendar=calendar, session=session)
        except NoSchoolDay as none:
            raise InvalidInput("due", "school_day", str(none)) from None
        # Rules resolved, the window must still be in order (opens, due, closes).
        refuse_if(order_errors(window.opens_at, window.due_at, window.closes_at))
        task = replace(
            task,
            opens_at=stored_instant(window.opens_at),
            due_at=stored_instant(window.due_at),
            closes_at=stored_instant(window.closes_at) if window.closes_at else None,
        )
        change = PlanChange(PlanChangeKind.TASK_ASSIGNED, tasks_after=[task])
        warnings = await checked(tx, section, change)
        await tx.add_tasks([task])
        events = [TaskAssigned(task)]
        await tx.emit(*OUTBOUND.events(events))
        await project(tx, events)
        return MeasuredTask(task, warnings)

    return await store.atomically(work)


async def extend_task(
    task_id: str,
    student_id: str,
    *,
    due_at: datetime,
    closes_at: datetime | None,
    reason: str,
    principal: Principal,
    store: Store,
) -> StudentWindow:
    """One student's own later window (extended time as an accommodation); only their feed
    changes. The reason is kept with it for staff, never sent in an event."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> StudentWindow:
        task = await taught_task_of(tx, principal, task_id, student_id)
        # Against the window the task alone gives: a second extension may shorten the first.
        base = (await windows_of(tx, task, [student_id], extended=False)).get(
            student_id
        ) or StudentWindow(task.opens_at, task.due_at, task.closes_at)
        extension = Extension(
            task_id=task.id,
            student_id=student_id,
            district_id=task.district_id,
            due_at=stored_instant(due_at),
            closes_at=stored_instant(closes_at) if closes_at else None,
            reason=reason.strip(),
            granted_by=principal.subject,
        )
        extension.check(base)
        await tx.save_extension(extension)
        await project(tx, [TaskExtended(task, extension)])
        return extension.applied(base)

    return await store.atomically(work)


async def withdraw_task(
    task_id: str, *, principal: Principal, store: Store, clock: Clock
) -> MeasuredTask:
    """It no longer needs doing: it leaves the feeds (and stays on record, withdrawn), once
    the section's balance policy lets it (its week's on-demand share falls)."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> MeasuredTask:
        task = await existing_task(tx, principal.district, task_id)
        section = await existing_section(tx, principal.district, task.section_id)
        access.require_teaches(principal, section)
        if task.withdrawn_at is not None:
            return MeasuredTask(task)  # once is enough
        withdrawn = task.withdrawn(stored_instant(clock()))
        change = PlanChange(
            PlanChangeKind.TASK_WITHDRAWN, tasks_before=[task], tasks_after=[withdrawn]
        )
        warnings = await checked(tx, section, change)
        await tx.save_tasks([withdrawn])
        events = [TaskWithdrawn(withdrawn)]
        await tx.emit(*OUTBOUND.events(events))
        await project(tx, events)
        return MeasuredTask(withdrawn, warnings)

    return await store.atomically(work)


async def group_of(tx: Transaction, section: Section, group_id: str) -> Group:
    group = await tx.get_group(section.district_id, group_id)
    if group is None:
        raise InvalidInput("group_id", "known_group", f"no group {group_id!r} in this district")
    if group.section_id != section.id:
        message = f"group {group_id!r} is not one of section {section.id!r}"
        raise InvalidInput("group_id", "same_section", message)
    return group


async def existing_task(tx: Transaction, district_id: str, task_id: str) -> Task:
    task = await tx.get_task(district_id, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    return task


async def taught_task_of(
    tx: Transaction, principal: Principal, task_id: str, student_id: str
) -> Task:
    """The task, of a section the principal teaches, in the student's feed."""
    task = await existing_task(tx, principal.district, task_id)
    section = await existing_section(tx, principal.district, task.section_id)
    access.require_teaches(principal, section)
    if student_id not in await tx.students_with_item(principal.district, task.id):
        message = f"the task is not in the feed of student {student_id!r}"
        raise InvalidInput("student_id", "has_task", message)
    return task
