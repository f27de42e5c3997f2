"""Balance policies' use cases: set and read a section's policy, measure a change of its plan
inside the transaction that makes it (`checked`), and the weekly plan of a section or a
student."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bookend.auth import STAFF, Principal
from bookend.clock import Clock, IsoWeek, Span, stored_instant
from bookend.contracts.catalog import GradeBand
from bookend.contracts.scheduler import (
    BalanceMode,
    FeedItemKind,
    PlanChangeKind,
    SessionStatus,
)
from services.scheduler import access
from services.scheduler.balance.domain import (
    MAX_WARNINGS,
    BalancePolicy,
    BalancePolicyNotFound,
    BalancePolicyViolation,
    BalanceWarned,
    BalanceWarning,
    Block,
    BlockKind,
    Limits,
    Plan,
    PolicyDraft,
    WeekFigures,
    assess,
    measure,
)
from services.scheduler.balance.ports import Checking, Reads, Store, Transaction
from services.scheduler.events import OUTBOUND
from services.scheduler.feed.domain import FeedItem, FeedQuery, Position
from services.scheduler.feed.service import FALLBACK_ZONE
from services.scheduler.roster.domain import Section
from services.scheduler.roster.service import existing_section
from services.scheduler.sessions.domain import LiveSession, Task

# A student's week is read from their feed this many items at a time.
FEED_BATCH = 200
_kinds = {
    FeedItemKind.LIVE_SESSION: BlockKind.LIVE,
    FeedItemKind.TASK: BlockKind.ON_DEMAND,
    FeedItemKind.PROMPT: BlockKind.ON_DEMAND,  # a prompt left to a student who missed it
}


@dataclass(frozen=True, slots=True)
class PlanChange:
    """A change of one section's plan: the sessions and tasks it changes as they were, and as
    they will be (new ones only after, cancelled or withdrawn ones in their new state)."""

    kind: PlanChangeKind
    sessions_before: Sequence[LiveSession] = ()
    sessions_after: Sequence[LiveSession] = ()
    tasks_before: Sequence[Task] = ()
    tasks_after: Sequence[Task] = ()

    @property
    def moments(self) -> list[datetime]:
        """Where the change lies: each session's start and each task's due time."""
        sessions = [*self.sessions_before, *self.sessions_after]
        tasks = [*self.tasks_before, *self.tasks_after]
        return [s.starts_at for s in sessions] + [t.due_at for t in tasks]


@dataclass(frozen=True, slots=True)
class PolicyView:
    """A section's policy with the limits it applies: the cap resolved by its grade band."""

    policy: BalancePolicy
    grade_band: GradeBand | None

    @property
    def limits(self) -> Limits:
        return self.policy.limits(self.grade_band)


@dataclass(frozen=True, slots=True)
class SectionPlan:
    section: Section
    figures: WeekFigures
    policy: PolicyView | None
    warnings: list[BalanceWarning]


@dataclass(frozen=True, slots=True)
class StudentPlan:
    student_id: str
    time_zone: str
    figures: WeekFigures


def session_block(session: LiveSession) -> Block | None:
    """A session's live minutes on the day it starts; one cancelled plans none. One that took
    place (live or ended) still counts: the week was planned with it."""
    if session.status is SessionStatus.CANCELLED:
        return None
    return Block(session.id, BlockKind.LIVE, session.minutes, session.starts_at)


def task_block(task: Task) -> Block | None:
    """A task's on-demand minutes on the day it is due, for the section's measure: only work
    for the whole section counts (work for chosen students, e.g. a recording for those absent
    or a remedial practice, is not the section's plan), and none once withdrawn."""
    if task.withdrawn_at is not None or task.student_ids is not None:
        return None
    return Block(task.id, BlockKind.ON_DEMAND, task.minutes, task.due_at)


def blocks_of(sessions: Iterable[LiveSession], tasks: Iterable[Task]) -> frozenset[Block]:
    found = [session_block(s) for s in sessions] + [task_block(t) for t in tasks]
    return frozenset(block for block in found if block is not None)


async def section_plan_of(reads: Reads | Checking, section: Section, weeks: Span) -> Plan:
    """The section's planned minutes in `weeks`: sessions by start, tasks by due time."""
    district = section.district_id
    sessions = await reads.list_sessions(district, section.id, weeks)
    tasks = await reads.list_tasks_due(district, section.id, weeks)
    return Plan(section.time_zone, blocks_of(sessions, tasks))


def weeks_around(zone: str, moments: Iterable[datetime]) -> Span:
    """From the Monday of the first moment's ISO week to the end of the last's, in `zone`."""
    weeks = [IsoWeek.containing(moment, zone) for moment in moments]
    first, last = min(weeks, key=lambda w: w.order), max(weeks, key=lambda w: w.order)
    return Span(first.span(zone)[0], last.span(zone)[1])


async def checked(tx: Checking, section: Section, change: PlanChange) -> tuple[BalanceWarning, ...]:
    """Measure a change against the section's policy, inside the transaction that makes it and
    before it writes: in enforce mode a change that leaves a rule broken is refused
    (BalancePolicyViolation, with the figures; nothing commits, nothing is sent); in advise
    mode it goes ahead, with its warnings returned and a BalanceWarning event sent. A section
    without a policy is not measured."""
    policy = await tx.get_balance_policy(section.district_id, section.id)
    moments = change.moments
    if policy is None or not moments:
        return ()
    limits = policy.limits(section.grade_band)
    before = await section_plan_of(tx, section, weeks_around(section.time_zone, moments))
    gone = [s.id for s in change.sessions_before] + [t.id for t in change.tasks_before]
    after = before.changed(gone, blocks_of(change.sessions_after, change.tasks_after))
    warnings = tuple(measure(limits, before, after)[:MAX_WARNINGS])
    if not warnings:
        return ()
    if limits.mode is BalanceMode.ENFORCE:
        raise BalancePolicyViolation(section.id, warnings)
    warned = BalanceWarned(section.district_id, section.id, limits.mode, change.kind, warnings)
    await tx.emit(*OUTBOUND.events([warned]))
    return warnings


async def set_policy(
    section_id: str, draft: PolicyDraft, *, principal: Principal, store: Store, clock: Clock
) -> PolicyView:
    """A teacher of the section or an admin sets its policy; it measures changes from now on
    (what is planned already is shown by the weekly plan, never refused after the fact)."""
    principal.require(*STAFF)
    draft.check()

    async def work(tx: Transaction) -> PolicyView:
        section = await existing_section(tx, principal.district, section_id)
        access.require_teaches(principal, section)
        policy = BalancePolicy(
            district_id=principal.district,
            section_id=section.id,
            min_on_demand_share=draft.min_on_demand_share,
            max_live_minutes_per_day=draft.max_live_minutes_per_day,
            mode=draft.mode,
            auto_apply=tuple(dict.fromkeys(draft.auto_apply)),
            set_by=principal.subject,
            set_at=stored_instant(clock()),
        )
        await tx.save_balance_policy(policy)
        return PolicyView(policy, section.grade_band)

    return await store.atomically(work)


async def get_policy(section_id: str, *, principal: Principal, reads: Reads) -> PolicyView:
    principal.require(*STAFF)
    section = await existing_section(reads, principal.district, section_id)
    access.require_teaches(principal, section)
    policy = await reads.get_balance_policy(principal.district, section.id)
    if policy is None:
        raise BalancePolicyNotFound(section.id)
    return PolicyView(policy, section.grade_band)


async def section_plan(
    section_id: str, week: IsoWeek | None, *, principal: Principal, reads: Reads, clock: Clock
) -> SectionPlan:
    """The section's live and on-demand minutes of each day of an ISO week (this week unless
    named) in its zone, and every rule of its policy the week breaks as planned."""
    section = await existing_section(reads, principal.district, section_id)
    await access.require_views_section(principal, section, reads)
    week = week or IsoWeek.containing(clock(), section.time_zone)
    plan = await section_plan_of(reads, section, Span(*week.span(section.time_zone)))
    figures = plan.week(week)
    policy = await reads.get_balance_policy(principal.district, section.id)
    if policy is None:
        return SectionPlan(section, figures, None, [])
    view = PolicyView(policy, section.grade_band)
    return SectionPlan(section, figures, view, assess(view.limits, figures))


async def student_plan(
    student_id: str, week: IsoWeek | None, *, principal: Principal, reads: Reads, clock: Clock
) -> StudentPlan:
    """A student's live and on-demand minutes of each day of an ISO week in their own zone,
    from their feed: every session they are to attend (not cancelled) and every task they are
    to do, by its due time in their own window. A teacher sees only their sections' share."""
    sections = await access.require_views_student(principal, student_id, reads)
    learner = await reads.get_learner(principal.district, student_id)
    zone = learner.time_zone if learner else FALLBACK_ZONE
    week = week or IsoWeek.containing(clock(), zone)
    query = FeedQuery(
        student_id, FEED_BATCH, None, Span(*week.span(zone)), frozenset(), frozenset()
    )
    items: list[FeedItem] = []
    after: Position | None = None
    while True:
        batch = await reads.list_feed_items(principal.district, query, after, FEED_BATCH)
        items += [i for i in batch if sections is None or i.section_id in sections]
        if len(batch) < FEED_BATCH:
            break
        after = Position.of(batch[-1])
    blocks = frozenset(
        Block(item.item_id, _kinds[item.kind], item.minutes, item.actionable_at)
        for item in items
        if item.session_status is not SessionStatus.CANCELLED
    )
    return StudentPlan(student_id, zone, Plan(zone, blocks).week(week))
