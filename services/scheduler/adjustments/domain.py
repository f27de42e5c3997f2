"""The balance adjusted: each flag of a week's balance assessment becomes a proposal against the
plan, for a student or the section; a teacher accepts or dismisses it, a section's policy may
apply the low-risk ones itself, and what was applied keeps its reason and can be undone
(ADR 0038). Pure rules, no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bookend.contracts.catalog import ComponentKind
from bookend.contracts.feedback import BalanceFlag
from bookend.contracts.scheduler import ProposalKind, ProposalStatus
from bookend.problems import Conflict, NotFound
from services.scheduler.roster.domain import SchedulerError
from services.scheduler.sessions.bookends import ON_DEMAND_FITS
from services.scheduler.sessions.domain import LessonComponent, LessonSummary, LiveSession, Task
from services.scheduler.sessions.tasks import Extension

# What each flag proposes; a flag with no entry asks a person, not the plan (low wellbeing).
PROPOSED_FOR: dict[BalanceFlag, ProposalKind] = {
    BalanceFlag.OFFER_RECORDINGS: ProposalKind.FOLLOW_BY_RECORDING,
    BalanceFlag.OVERLOADED: ProposalKind.EXTEND_WINDOWS,
    BalanceFlag.FALLING_BEHIND: ProposalKind.EXTEND_WINDOWS,
    BalanceFlag.MORE_PREWORK: ProposalKind.ADD_PREWORK,
    BalanceFlag.SECTION_MORE_PREWORK: ProposalKind.ADD_PREWORK,
    BalanceFlag.SECTION_LESS_LIVE: ProposalKind.FEWER_LIVE_MINUTES,
}
FOLLOW_FOR = timedelta(weeks=2)
EXTEND_BY = timedelta(days=1)
EXTEND_WITHIN = timedelta(weeks=1)  # the work due this soon gets the extra day
FEWER_LIVE = 30  # minutes, off next week's sessions
SHORTEST_SESSION = 20  # minutes a shortened session keeps at least
SHORTEN_STEP = 5
# Pre-work candidates, the ones that prepare best first.
PREWORK_ORDER = tuple(ComponentKind)


class ProposalNotFound(SchedulerError, NotFound):
    code = "PROPOSAL_NOT_FOUND"

    def __init__(self, proposal_id: str) -> None:
        super().__init__(f"no balance proposal {proposal_id!r} in this district")


class ProposalDecided(SchedulerError, Conflict):
    code = "PROPOSAL_NOT_OPEN"

    def __init__(self, proposal: Proposal, wanted: str) -> None:
        super().__init__(
            f"proposal {proposal.id} is {proposal.status.value}: only an open proposal can be "
            f"{wanted}"
        )


class NotApplied(SchedulerError, Conflict):
    code = "PROPOSAL_NOT_APPLIED"

    def __init__(self, proposal: Proposal) -> None:
        super().__init__(
            f"proposal {proposal.id} is {proposal.status.value}: only an applied proposal can "
            "be undone"
        )


class NothingToChange(SchedulerError, Conflict):
    code = "NOTHING_TO_CHANGE"

    def __init__(self, proposal: Proposal, why: str) -> None:
        super().__init__(f"proposal {proposal.id} changes nothing now: {why}; nothing was changed")


class ChangedSince(SchedulerError, Conflict):
    code = "CHANGED_SINCE"

    def __init__(self, proposal: Proposal, what: str) -> None:
        super().__init__(
            f"proposal {proposal.id} cannot be undone: {what} changed since it was applied; "
            "nothing was changed"
        )


@dataclass(frozen=True, slots=True)
class Proposal:
    """One change to the plan, for one student (or the section, `student_id` None), from one
    week's assessment; its id is the same however often that week is assessed."""

    id: str
    district_id: str
    section_id: str
    student_id: str | None
    kind: ProposalKind
    week: str
    flags: tuple[BalanceFlag, ...]
    reason: str  # the flags' reasons, as the assessment gave them
    status: ProposalStatus
    proposed_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None  # a teacher's id, or "policy"
    dismissal: str | None = None  # why a teacher said no, for staff
    applied: Applied | None = None

    @property
    def is_open(self) -> bool:
        return self.status is ProposalStatus.OPEN


@dataclass(frozen=True, slots=True)
class ExtensionChange:
    """A student's window on one task, before and after the proposal moved it."""

    task_id: str
    before: Extension | None
    after: Extension


@dataclass(frozen=True, slots=True)
class SessionChange:
    session_id: str
    ends_before: datetime
    ends_after: datetime


@dataclass(frozen=True, slots=True)
class Following:
    """A student follows the section's live sessions in `starts`..`ends` by their recording:
    each recording published for one of them is assigned to the student as if absent."""

    district_id: str
    section_id: str
    student_id: str
    starts_at: datetime
    ends_at: datetime
    proposal_id: str


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying a proposal changed, so that undoing it changes exactly that back."""

    extensions: tuple[ExtensionChange, ...] = ()
    task_ids: tuple[str, ...] = ()
    sessions: tuple[SessionChange, ...] = ()
    following: Following | None = None


def proposal_id(section_id: str, week: str, kind: ProposalKind, student_id: str | None) -> str:
    key = "\x1f".join((section_id, week, kind.value, student_id or ""))
    return "proposal-" + hashlib.sha256(key.encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class FlagLine:
    """A flag of an assessment: the section's (`student_id` None) or a student's."""

    student_id: str | None
    kind: BalanceFlag
    reason: str


def proposals_from(
    district_id: str,
    section_id: str,
    week: str,
    flags: Iterable[FlagLine],
    *,
    at: datetime,
) -> list[Proposal]:
    """One proposal per student (or the section) and kind, naming every flag it answers. Extra
    pre-work for the whole section makes a student's own redundant."""
    grouped: dict[tuple[str | None, ProposalKind], list[FlagLine]] = {}
    for flag in flags:
        kind = PROPOSED_FOR.get(flag.kind)
        if kind is not None:
            grouped.setdefault((flag.student_id, kind), []).append(flag)
    section_prework = (None, ProposalKind.ADD_PREWORK) in grouped
    proposals = []
    for (student, kind), lines in grouped.items():
        if section_prework and student is not None and kind is ProposalKind.ADD_PREWORK:
            continue
        proposals.append(
            Proposal(
                id=proposal_id(section_id, week, kind, student),
                district_id=district_id,
                section_id=section_id,
                student_id=student,
                kind=kind,
                week=week,
                flags=tuple(line.kind for line in lines),
                reason="; ".join(line.reason for line in lines),
                status=ProposalStatus.OPEN,
                proposed_at=at,
            )
        )
    return sorted(proposals, key=lambda p: (p.student_id or "", p.kind.value))


def reassessed(
    before: Sequence[Proposal], now: Sequence[Proposal]
) -> tuple[list[Proposal], list[Proposal]]:
    """The week assessed again: new proposals are added, open ones still flagged take the new
    reasons, open ones no longer flagged are superseded; decided ones stay as they are.
    Returns (to add, to replace)."""
    known = {p.id: p for p in before}
    added = [p for p in now if p.id not in known]
    replaced = []
    fresh = {p.id: p for p in now}
    for old in before:
        if not old.is_open:
            continue
        new = fresh.get(old.id)
        if new is None:
            replaced.append(replace(old, status=ProposalStatus.SUPERSEDED))
        elif (new.reason, new.flags) != (old.reason, old.flags):
            replaced.append(replace(old, reason=new.reason, flags=new.flags))
    return added, replaced


def prework_component(lesson: LessonSummary, assigned: Iterable[Task]) -> LessonComponent | None:
    """The lesson's on-demand component best done before the session, of those the session
    does not already give as a task (to anyone)."""
    taken = {task.component_id for task in assigned if task.withdrawn_at is None}
    candidates = [
        c for c in lesson.components if c.mode_fit in ON_DEMAND_FITS and c.component_id not in taken
    ]
    candidates.sort(key=lambda c: PREWORK_ORDER.index(c.kind))
    return candidates[0] if candidates else None


def shortened(sessions: Sequence[LiveSession], minutes: int = FEWER_LIVE) -> list[SessionChange]:
    """Take `minutes` off the ends of the sessions, longest first, in steps of SHORTEN_STEP,
    none below SHORTEST_SESSION; fewer minutes if that is all there is."""
    length = {s.id: int((s.ends_at - s.starts_at).total_seconds() // 60) for s in sessions}
    cut = dict.fromkeys(length, 0)
    left = minutes
    while left > 0:
        room = [sid for sid in length if length[sid] - cut[sid] - SHORTEN_STEP >= SHORTEST_SESSION]
        if not room:
            break
        longest = max(room, key=lambda sid: (length[sid] - cut[sid], sid))
        step = min(SHORTEN_STEP, left)
        cut[longest] += step
        left -= step
    return [
        SessionChange(s.id, s.ends_at, s.ends_at - timedelta(minutes=cut[s.id]))
        for s in sessions
        if cut[s.id]
    ]
