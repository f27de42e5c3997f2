"""Balance proposals' use cases: made from a week's assessment (and applied at once where the
section's policy says so), listed, accepted, dismissed and undone by the section's teachers.
Applying one changes the plan as a teacher's own change would (tasks, windows, sessions, the
feeds and events with them), in the transaction that marks it applied (ADR 0038)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bookend.auth import STAFF, Principal
from bookend.clock import Clock, IsoWeek, Span, stored_instant
from bookend.contracts import CloudEvent
from bookend.contracts import feedback as contract
from bookend.contracts.scheduler import Bookend, PlanChangeKind, ProposalKind, ProposalStatus
from bookend.cursors import Position
from bookend.ids import IdFactory
from bookend.problems import Failure, FieldError, refuse_if
from services.scheduler import access
from services.scheduler.adjustments.domain import (
    EXTEND_BY,
    EXTEND_WITHIN,
    FOLLOW_FOR,
    Applied,
    ChangedSince,
    ExtensionChange,
    FlagLine,
    Following,
    NotApplied,
    NothingToChange,
    Proposal,
    ProposalDecided,
    ProposalNotFound,
    SessionChange,
    prework_component,
    proposals_from,
    reassessed,
    shortened,
)
from services.scheduler.adjustments.ports import Reads, Store, Transaction
from services.scheduler.balance.service import PlanChange, checked
from services.scheduler.events import CONSUMER, OUTBOUND
from services.scheduler.feed.domain import RecordingFollowed
from services.scheduler.feed.projector import project, windows_of
from services.scheduler.roster.domain import Section
from services.scheduler.roster.service import existing_section
from services.scheduler.sessions.changes import move_sessions
from services.scheduler.sessions.domain import Task, TaskAssigned, TaskWithdrawn
from services.scheduler.sessions.tasks import Extension, StudentWindow, TaskExtended

POLICY = "policy"  # who decided, for a proposal the section's policy applied
MAX_PAGE = 100
MAX_DISMISSAL = 200


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the scheduler reads of a BalanceAssessed event."""

    district_id: str
    section_id: str
    week: str
    flags: tuple[FlagLine, ...]


@dataclass(frozen=True, slots=True)
class ProposalPage:
    proposals: list[Proposal]
    next: Position | None
    total: int | None = None  # the section's proposals (of that status), when asked for


async def propose(
    tx: Transaction, assessment: Assessment, *, at: datetime, ids: IdFactory
) -> list[Proposal]:
    """The week's proposals, made or brought up to date; those the section's policy applies
    itself are applied at once (one that changes nothing now stays open for a teacher)."""
    section = await tx.get_section(assessment.district_id, assessment.section_id)
    if section is None:
        return []  # a section the scheduler does not know: nothing of its plan to change
    made = proposals_from(section.district_id, section.id, assessment.week, assessment.flags, at=at)
    before = await tx.list_week_proposals(section.district_id, section.id, assessment.week)
    added, replaced = reassessed(before, made)
    policy = await tx.get_balance_policy(section.district_id, section.id)
    automatic = set(policy.auto_apply) if policy is not None else set()
    for proposal in replaced:
        await tx.save_proposal(proposal)
    kept = []
    for proposal in added:
        if proposal.kind in automatic:
            # Nothing to change now, or the balance policy refuses it: a teacher decides.
            with contextlib.suppress(Failure):
                proposal = await _apply(tx, section, proposal, by=POLICY, at=at, ids=ids)
        await tx.save_proposal(proposal)
        kept.append(proposal)
    return kept


async def list_proposals(
    section_id: str,
    *,
    status: ProposalStatus | None,
    first: int,
    after: Position | None,
    total: bool = False,
    principal: Principal,
    reads: Reads,
) -> ProposalPage:
    """A section's proposals, newest first, for its teachers and admins; all of them (of
    that status) counted too when asked."""
    principal.require(*STAFF)
    if not 1 <= first <= MAX_PAGE:
        refuse_if([FieldError("first", "in_range", f"must be between 1 and {MAX_PAGE}")])
    section = await existing_section(reads, principal.district, section_id)
    access.require_teaches(principal, section)
    found = await reads.list_proposals(
        principal.district, section.id, status=status, after=after, limit=first + 1
    )
    page = found[:first]
    more = len(found) > first
    counted = None
    if total:
        counted = await reads.count_proposals(principal.district, section.id, status=status)
    return ProposalPage(
        page, Position(page[-1].proposed_at, page[-1].id) if more else None, counted
    )


async def get_proposal(proposal_id: str, *, principal: Principal, reads: Reads) -> Proposal:
    principal.require(*STAFF)
    proposal = await reads.get_proposal(principal.district, proposal_id)
    if proposal is None:
        raise ProposalNotFound(proposal_id)
    section = await existing_section(reads, principal.district, proposal.section_id)
    access.require_teaches(principal, section)
    return proposal


async def accept_proposal(
    proposal_id: str, *, principal: Principal, store: Store, clock: Clock, ids: IdFactory
) -> Proposal:
    """Apply an open proposal: the plan and the feeds change at once."""

    async def work(tx: Transaction) -> Proposal:
        proposal, section = await _decidable(tx, proposal_id, principal)
        if not proposal.is_open:
            raise ProposalDecided(proposal, "accepted")
        at = stored_instant(clock())
        applied = await _apply(tx, section, proposal, by=principal.subject, at=at, ids=ids)
        await tx.save_proposal(applied)
        return applied

    return await store.atomically(work)


async def dismiss_proposal(
    proposal_id: str, reason: str | None, *, principal: Principal, store: Store, clock: Clock
) -> Proposal:
    """Say no to an open proposal; the reason stays with staff."""
    reason = reason.strip() if reason else None
    if reason is not None and len(reason) > MAX_DISMISSAL:
        message = f"must be at most {MAX_DISMISSAL} characters"
        refuse_if([FieldError("reason", "max_length", message)])

    async def work(tx: Transaction) -> Proposal:
        proposal, _ = await _decidable(tx, proposal_id, principal)
        if not proposal.is_open:
            raise ProposalDecided(proposal, "dismissed")
        dismissed = replace(
            proposal,
            status=ProposalStatus.DISMISSED,
            decided_at=stored_instant(clock()),
            decided_by=principal.subject,
            dismissal=reason or None,
        )
        await tx.save_proposal(dismissed)
        return dismissed

    return await store.atomically(work)


async def undo_proposal(
    proposal_id: str, *, principal: Principal, store: Store, clock: Clock
) -> Proposal:
    """Change back exactly what applying the proposal changed, unless it changed since."""

    async def work(tx: Transaction) -> Proposal:
        proposal, section = await _decidable(tx, proposal_id, principal)
        if proposal.status is not ProposalStatus.APPLIED or proposal.applied is None:
            raise NotApplied(proposal)
        at = stored_instant(clock())
        await _undo(tx, section, proposal, proposal.applied, at=at)
        undone = replace(
            proposal, status=ProposalStatus.UNDONE, decided_at=at, decided_by=principal.subject
        )
        await tx.save_proposal(undone)
        return undone

    return await store.atomically(work)


async def _decidable(
    tx: Transaction, proposal_id: str, principal: Principal
) -> tuple[Proposal, Section]:
    principal.require(*STAFF)
    proposal = await tx.get_proposal(principal.district, proposal_id)
    if proposal is None:
        raise ProposalNotFound(proposal_id)
    section = await existing_section(tx, principal.district, proposal.section_id)
    access.require_teaches(principal, section)
    return proposal, section


# --- applying ---------------------------------------------------------------------------------
# Each kind reads and checks everything before it writes anything: a refusal changes nothing.


async def _apply(
    tx: Transaction, section: Section, proposal: Proposal, *, by: str, at: datetime, ids: IdFactory
) -> Proposal:
    kind = proposal.kind
    if kind is ProposalKind.EXTEND_WINDOWS:
        applied = await _extend_windows(tx, section, proposal, by=by, at=at)
    elif kind is ProposalKind.ADD_PREWORK:
        applied = await _add_prework(tx, section, proposal, at=at, ids=ids)
    elif kind is ProposalKind.FOLLOW_BY_RECORDING:
        applied = await _follow_by_recording(tx, section, proposal, at=at)
    else:
        applied = await _fewer_live_minutes(tx, section, proposal, at=at)
    return replace(
        proposal, status=ProposalStatus.APPLIED, decided_at=at, decided_by=by, applied=applied
    )


async def _extend_windows(
    tx: Transaction, section: Section, proposal: Proposal, *, by: str, at: datetime
) -> Applied:
    """A day more on each of the student's tasks of the section due within the week."""
    student, district = _student_of(proposal), section.district_id
    due_soon = await tx.list_tasks_due(district, section.id, Span(at, at + EXTEND_WITHIN))
    planned: list[tuple[Task, ExtensionChange]] = []
    for task in due_soon:
        if task.withdrawn_at is not None:
            continue
        if student not in await tx.students_with_item(district, task.id):
            continue
        before = next(
            (e for e in await tx.list_extensions(district, task.id) if e.student_id == student),
            None,
        )
        window = (await windows_of(tx, task, [student])).get(student) or StudentWindow(
            task.opens_at, task.due_at, task.closes_at
        )
        after = Extension(
            task_id=task.id,
            student_id=student,
            district_id=district,
            due_at=stored_instant(window.due_at + EXTEND_BY),
            closes_at=stored_instant(window.closes_at + EXTEND_BY) if window.closes_at else None,
            reason=f"balance proposal {proposal.id}",
            granted_by=by,
        )
        planned.append((task, ExtensionChange(task.id, before, after)))
    if not planned:
        raise NothingToChange(proposal, "none of the section's work is due for the student soon")
    for task, change in planned:
        await tx.save_extension(change.after)
        await project(tx, [TaskExtended(task, change.after)])
    return Applied(extensions=tuple(change for _, change in planned))


async def _add_prework(
    tx: Transaction, section: Section, proposal: Proposal, *, at: datetime, ids: IdFactory
) -> Applied:
    """A component of the next session's lesson not given yet, due when the session starts:
    for the student, or the whole section."""
    district, student = section.district_id, proposal.student_id
    upcoming = await tx.list_sessions(district, section.id, Span(at, None))
    session = next((s for s in upcoming if s.is_planned), None)
    if session is None:
        raise NothingToChange(proposal, "the section has no session planned ahead")
    lesson = await tx.get_lesson(district, session.lesson_id)
    given = [
        t
        for t in await tx.list_tasks(district, [session.id])
        if student is None or t.student_ids is None or student in t.student_ids
    ]
    component = prework_component(lesson, given) if lesson is not None else None
    if lesson is None or component is None:
        why = "the next session's lesson has no on-demand component left to give before it"
        raise NothingToChange(proposal, why)
    task = Task(
        id=ids(),
        district_id=district,
        section_id=section.id,
        lesson_id=lesson.lesson_id,
        component_id=component.component_id,
        session_id=session.id,
        bookend=Bookend.PRE_WORK,
        title=component.title,
        minutes=component.minutes,
        opens_at=at,
        due_at=session.starts_at,
        time_zone=section.time_zone,
        student_ids=(student,) if student is not None else None,
        assigned_at=at,
    )
    await checked(tx, section, PlanChange(PlanChangeKind.TASK_ASSIGNED, tasks_after=[task]))
    await tx.add_tasks([task])
    events = [TaskAssigned(task)]
    await tx.emit(*OUTBOUND.events(events))
    await project(tx, events)
    return Applied(task_ids=(task.id,))


async def _follow_by_recording(
    tx: Transaction, section: Section, proposal: Proposal, *, at: datetime
) -> Applied:
    """For two weeks, each recording of the section's sessions is the student's to watch, as
    if they had been absent (the recording handlers read the followings); the student's items
    of those sessions say they follow them by recording, at once."""
    following = Following(
        district_id=section.district_id,
        section_id=section.id,
        student_id=_student_of(proposal),
        starts_at=at,
        ends_at=at + FOLLOW_FOR,
        proposal_id=proposal.id,
    )
    await tx.save_following(following)
    await project(tx, [_followed(following)])
    return Applied(following=following)


def _followed(following: Following) -> RecordingFollowed:
    return RecordingFollowed(
        following.district_id,
        following.section_id,
        following.student_id,
        following.starts_at,
        following.ends_at,
    )


async def _fewer_live_minutes(
    tx: Transaction, section: Section, proposal: Proposal, *, at: datetime
) -> Applied:
    """Next week's sessions end earlier, thirty minutes in all, the longest first; their
    follow-up moves with their ends, as when a teacher reschedules."""
    this_week = IsoWeek.containing(at, section.time_zone)
    next_week = IsoWeek.of(this_week.monday + timedelta(days=7))
    starts, ends = next_week.span(section.time_zone)
    sessions = [
        s
        for s in await tx.list_sessions(section.district_id, section.id, Span(starts, ends))
        if s.is_planned
    ]
    cuts = shortened(sessions)
    if not cuts:
        why = f"no session of week {next_week} can be shortened (none, or all at their shortest)"
        raise NothingToChange(proposal, why)
    by_id = {s.id: s for s in sessions}
    await move_sessions(
        tx,
        [
            (
                by_id[cut.session_id],
                by_id[cut.session_id].reschedule(by_id[cut.session_id].starts_at, cut.ends_after),
            )
            for cut in cuts
        ],
    )
    return Applied(sessions=tuple(cuts))


def _student_of(proposal: Proposal) -> str:
    assert proposal.student_id is not None, f"{proposal.kind} is a student's proposal"
    return proposal.student_id


# --- undoing ----------------------------------------------------------------------------------


async def _undo(
    tx: Transaction, section: Section, proposal: Proposal, applied: Applied, *, at: datetime
) -> None:
    district = section.district_id
    if applied.extensions:
        await _undo_extensions(tx, proposal, applied.extensions)
    if applied.task_ids:
        tasks = [t for t in [await tx.get_task(district, i) for i in applied.task_ids] if t]
        withdrawn = [t.withdrawn(at) for t in tasks if t.withdrawn_at is None]
        if withdrawn:
            change = PlanChange(
                PlanChangeKind.TASK_WITHDRAWN,
                tasks_before=[t for t in tasks if t.withdrawn_at is None],
                tasks_after=withdrawn,
            )
            await checked(tx, section, change)
            await tx.save_tasks(withdrawn)
            events = [TaskWithdrawn(t) for t in withdrawn]
            await tx.emit(*OUTBOUND.events(events))
            await project(tx, events)
    if applied.following is not None:
        await tx.remove_following(district, proposal.id)
        await project(tx, [_followed(applied.following)])
    if applied.sessions:
        await _undo_sessions(tx, proposal, district, applied.sessions)


async def _undo_extensions(
    tx: Transaction, proposal: Proposal, changes: Sequence[ExtensionChange]
) -> None:
    district = proposal.district_id
    student = _student_of(proposal)
    checked_tasks: list[tuple[Task, ExtensionChange]] = []
    for change in changes:
        now = next(
            (
                e
                for e in await tx.list_extensions(district, change.task_id)
                if e.student_id == student
            ),
            None,
        )
        task = await tx.get_task(district, change.task_id)
        if task is None:
            continue
        if now != change.after:
            raise ChangedSince(proposal, f"the student's window of task {change.task_id}")
        checked_tasks.append((task, change))
    for task, change in checked_tasks:
        if change.before is None:
            await tx.remove_extension(district, task.id, student)
        else:
            await tx.save_extension(change.before)
        await project(tx, [TaskExtended(task, change.after)])


async def _undo_sessions(
    tx: Transaction, proposal: Proposal, district: str, changes: Sequence[SessionChange]
) -> None:
    moves = []
    for change in changes:
        session = await tx.get_session(district, change.session_id)
        if session is None or not session.is_planned:
            continue  # taken place or cancelled since: nothing to give back
        if session.ends_at != change.ends_after:
            raise ChangedSince(proposal, f"session {change.session_id}")
        moves.append((session, session.reschedule(session.starts_at, change.ends_before)))
    await move_sessions(tx, moves)


async def on_balance_assessed(
    payload: contract.BalanceAssessed,
    event: CloudEvent,
    *,
    store: Store,
    clock: Clock,
    ids: IdFactory,
) -> None:
    """Propose changes from a week's assessment, once per event: a week assessed again brings
    its open proposals up to date (ADR 0038)."""
    flags = [FlagLine(None, flag.kind, flag.reason) for flag in payload.flags]
    flags += [
        FlagLine(student.student_id, flag.kind, flag.reason)
        for student in payload.students
        for flag in student.flags
    ]
    assessment = Assessment(payload.district_id, payload.section_id, payload.week, tuple(flags))

    async def work(tx: Transaction) -> None:
        if await tx.first_time(CONSUMER, event.id):
            await propose(tx, assessment, at=stored_instant(clock()), ids=ids)

    await store.atomically(work)
