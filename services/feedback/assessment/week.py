"""A section's week gathered from what the other slices keep (sessions planned, attendance,
check-ins, tasks due and progress, pulses), and the week assessed again when one of its
sessions ends. Used by the assessment's use cases and, inside the transaction of a session's
end, by feedback's event handlers (so it returns domain events and emits none itself)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bookend.clock import IsoWeek
from bookend.contracts.feedback import CheckInSignal, TaskProgress, Wellbeing, Workload
from bookend.ids import IdFactory
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
from services.feedback.assessment.ports import Reads, Transaction
from services.feedback.pulse.domain import Pulse

LOW_WELLBEING = frozenset({Wellbeing.VERY_LOW, Wellbeing.LOW})
DEFAULT_ZONE = "UTC"  # a section none of whose tasks feedback has heard of yet


async def gather(
    reads: Reads, district_id: str, section_id: str, week: IsoWeek, zone: str, now: datetime
) -> list[StudentWeek]:
    """Each student's lines of the week, as it stands at `now`. The students are those the
    week's records name: expected at its sessions, chosen for its tasks, reporting progress,
    checking in or answering a pulse (feedback keeps no roster of its own).

    A handful of indexed reads per session and task of the week, not one per student: a week
    has a bounded number of each, and the embedded store narrows no `$in` by its index."""
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
                held = summary.ended_at - summary.started_at
                live.append(
                    LiveLine(
                        session.session_id,
                        session.minutes,
                        line.mark,
                        line.minutes_present,
                        said,
                        int(held.total_seconds() // 60),
                    )
                )
        own_tasks = tuple(
            TaskLine(t.task_id, t.minutes, student in completed[t.task_id], t.due_at <= now)
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


async def keep(
    tx: Transaction, fresh: SectionAssessment, *, now: datetime, ids: IdFactory
) -> SectionAssessment:
    """Keep the assessment as the week's latest published one."""
    published = replace(fresh, id=ids(), assessed_at=now)
    await tx.save_assessment(published)
    return published


def _flags(assessment: SectionAssessment) -> tuple[object, ...]:
    return assessment.flags, tuple((s.student_id, s.flags) for s in assessment.students)


async def assess_after_session(
    tx: Transaction,
    district_id: str,
    section_id: str,
    ended_at: datetime,
    *,
    rules: AssessmentRules,
    now: datetime,
    ids: IdFactory,
) -> list[Assessed]:
    """The week of a session whose attendance was just summarised, assessed again, and kept
    when its flags differ from the week's last published ones (a week with no flags yet keeps
    nothing): the event returned tells the scheduler, which proposes without waiting for a
    teacher to ask (ADR 0037)."""
    zone = await tx.get_section_zone(district_id, section_id) or DEFAULT_ZONE
    week = IsoWeek.containing(ended_at, zone)
    students = await gather(tx, district_id, section_id, week, zone, now)
    fresh = assess_section(district_id, section_id, week, students, rules)
    before = await tx.get_assessment(district_id, section_id, str(week))
    unflagged = not fresh.flags and not any(s.flags for s in fresh.students)
    if (before is None and unflagged) or (before is not None and _flags(before) == _flags(fresh)):
        return []
    return [Assessed(await keep(tx, fresh, now=now, ids=ids))]
