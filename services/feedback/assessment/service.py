"""Balance assessments' use cases: a section's week gathered from what the other slices keep
(sessions planned, attendance, check-ins, tasks due and progress, pulses), assessed by the
rules (ADR 0037); read by its staff, and published as `BalanceAssessed` for the scheduler to
propose changes from (ADR 0038)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bookend.auth import Forbidden, Principal
from bookend.clock import Clock, IsoWeek, stored_instant
from bookend.contracts.feedback import CheckInSignal, TaskProgress, Wellbeing, Workload
from bookend.ids import IdFactory
from bookend.problems import InvalidInput
from services.feedback.access import teaches
from services.feedback.assessment.domain import (
    Assessed,
    AssessmentRules,
    LiveLine,
    PulseLine,
    SectionAssessment,
    StudentWeek,
    TaskLine,
    assess_section,
)
from services.feedback.assessment.ports import Reads, Store, Transaction
from services.feedback.events import OUTBOUND
from services.feedback.pulse.domain import Pulse

LOW_WELLBEING = frozenset({Wellbeing.VERY_LOW, Wellbeing.LOW})
DEFAULT_ZONE = "UTC"  # a section none of whose tasks feedback has heard of yet


async def gather(
    reads: Reads, district_id: str, section_id: str, week: IsoWeek, zone: str
) -> list[StudentWeek]:
    """Each student's lines of the week. The students are those the week's records name:
    expected at its sessions, chosen for its tasks, reporting progress, checking in or
    answering a pulse (feedback keeps no roster of its own)."""
    starts, ends = week.span(zone)
    sessions = [
        s
        for s in await reads.list_week_sessions(district_id, section_id, starts, ends)
        if not s.cancelled
    ]
    summaries = {
        s.session_id: await reads.get_attendance_summary(district_id, s.session_id)
        for s in sessions
    }
    signals: dict[tuple[str, str], list[CheckInSignal]] = {}
    for session in sessions:
        for check_in in await reads.list_check_ins(district_id, session.session_id):
            signals.setdefault((session.session_id, check_in.student_id), []).append(
                check_in.signal
            )
    tasks = [
        t
        for t in await reads.list_tasks_due(district_id, section_id, starts, ends)
        if t.withdrawn_at is None
    ]
    completed: dict[str, set[str]] = {}
    reporters: set[str] = set()
    for task in tasks:
        done = completed.setdefault(task.task_id, set())
        for reported in await reads.list_task_progress(district_id, task.task_id):
            reporters.add(reported.student_id)
            if reported.progress.state is TaskProgress.COMPLETED:
                done.add(reported.student_id)
    pulses = await reads.list_section_pulses(district_id, section_id, str(week))
    students = (
        {line.student_id for s in summaries.values() if s for line in s.students}
        | {chosen for task in tasks for chosen in task.student_ids or ()}
        | reporters
        | {signaller for _, signaller in signals}
        | {pulse.student_id for pulse in pulses}
    )
    weeks = []
    for student in sorted(students):
        live = []
        for session in sessions:
            summary = summaries[session.session_id]
            said = tuple(signals.get((session.session_id, student), ()))
            if summary is None:
                live.append(LiveLine(session.session_id, session.minutes, signals=said))
                continue
            line = next((x for x in summary.students if x.student_id == student), None)
            if line is not None:  # not expected: not enrolled in the section then
                live.append(
                    LiveLine(
                        session.session_id,
                        session.minutes,
                        line.mark,
                        line.minutes_present,
                        said,
                    )
                )
        own_tasks = tuple(
            TaskLine(t.task_id, t.minutes, student in completed[t.task_id])
            for t in tasks
            if t.student_ids is None or student in t.student_ids
        )
        own_pulses = tuple(pulse_line(p) for p in pulses if p.student_id == student)
        weeks.append(StudentWeek(student, tuple(live), own_tasks, own_pulses))
    return weeks


def pulse_line(pulse: Pulse) -> PulseLine:
    answers = pulse.answers
    return PulseLine(
        by_guardian=pulse.by_guardian,
        too_much_work=answers.workload is Workload.TOO_MUCH,
        low_wellbeing=answers.wellbeing in LOW_WELLBEING,
        connectivity=answers.connectivity,
        shared_device=answers.shared_device,
        prefers=answers.preference,
    )


def week_of(text: str | None, zone: str, now: datetime) -> IsoWeek:
    """The week named (this one if none); a week that has not begun has nothing to assess."""
    this_week = IsoWeek.containing(now, zone)
    if text is None:
        return this_week
    week = IsoWeek.parse(text)
    if week.order > this_week.order:
        raise InvalidInput("week", "not_begun", f"{week} has not begun; this week is {this_week}")
    return week


async def assess(
    reads: Reads,
    district_id: str,
    section_id: str,
    week_text: str | None,
    *,
    rules: AssessmentRules,
    now: datetime,
) -> SectionAssessment:
    zone = await reads.get_section_zone(district_id, section_id) or DEFAULT_ZONE
    week = week_of(week_text, zone, now)
    students = await gather(reads, district_id, section_id, week, zone)
    return assess_section(district_id, section_id, week, students, rules)


async def _staff_of(principal: Principal, section_id: str, reads: Reads) -> None:
    if not await teaches(principal, section_id, reads):
        raise Forbidden("only the section's staff read and publish its balance assessment")


async def read_assessment(
    section_id: str,
    week: str | None,
    *,
    principal: Principal,
    reads: Reads,
    rules: AssessmentRules,
    clock: Clock,
) -> SectionAssessment:
    """The week as it stands now, for the section's staff (nothing is published)."""
    await _staff_of(principal, section_id, reads)
    return await assess(reads, principal.district, section_id, week, rules=rules, now=clock())


async def publish_assessment(
    section_id: str,
    week: str | None,
    *,
    principal: Principal,
    store: Store,
    rules: AssessmentRules,
    clock: Clock,
    ids: IdFactory,
) -> SectionAssessment:
    """Assess the week and publish it: kept as the week's latest, and `BalanceAssessed` for
    the scheduler, in one transaction."""
    await _staff_of(principal, section_id, store)

    async def work(tx: Transaction) -> SectionAssessment:
        now = stored_instant(clock())
        fresh = await assess(tx, principal.district, section_id, week, rules=rules, now=now)
        published = replace(fresh, id=ids(), assessed_at=now)
        await tx.save_assessment(published)
        await tx.emit(*OUTBOUND.events([Assessed(published)]))
        return published

    return await store.atomically(work)
