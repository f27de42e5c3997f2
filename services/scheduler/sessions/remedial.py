"""Work the scheduler adds by itself after a live session: remedial practice for a student who
said they were lost, and the session's recording for those who missed it. Pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from bookend.clock import stored_instant
from bookend.contracts.catalog import ComponentKind
from bookend.contracts.scheduler import Bookend
from bookend.ids import IdFactory
from services.scheduler.sessions.bookends import ON_DEMAND_FITS, BookendWindows
from services.scheduler.sessions.domain import LessonComponent, LessonSummary, LiveSession, Task

REMEDIAL_KINDS = (ComponentKind.PRACTICE, ComponentKind.FLUENCY)
PREFIX = "Extra practice: "
CATCH_UP_PREFIX = "Catch up: "


def remedial_component(lesson: LessonSummary, follow_up: Sequence[Task]) -> LessonComponent | None:
    """The lesson's first practice or fluency component done on demand that the follow-up does
    not hold yet; else its first such component again (one more go); None if it has none."""
    fitting = [
        c for c in lesson.components if c.kind in REMEDIAL_KINDS and c.mode_fit in ON_DEMAND_FITS
    ]
    held = {task.component_id for task in follow_up}
    fresh = [c for c in fitting if c.component_id not in held]
    chosen = fresh or fitting
    return chosen[0] if chosen else None


def remedial_task(
    session: LiveSession,
    lesson: LessonSummary,
    component: LessonComponent,
    student_id: str,
    *,
    windows: BookendWindows,
    new_id: IdFactory,
) -> Task:
    """Follow-up for one student: open when the session ends, due with the follow-up."""
    return Task(
        id=new_id(),
        district_id=session.district_id,
        section_id=session.section_id,
        lesson_id=lesson.lesson_id,
        component_id=component.component_id,
        session_id=session.id,
        bookend=Bookend.FOLLOW_UP,
        title=PREFIX + component.title,
        minutes=component.minutes,
        opens_at=session.ends_at,
        due_at=stored_instant(session.ends_at + windows.followup_due_after),
        time_zone=session.time_zone,
        student_ids=(student_id,),
        remedial=True,
    )


def catch_up_task(
    session: LiveSession,
    students: Sequence[str],
    *,
    windows: BookendWindows,
    new_id: IdFactory,
) -> Task | None:
    """The session's recording for the students who missed it: open once it is published, due
    with the section's follow-up window after that."""
    recording = session.recording
    if recording is None or not students:
        return None
    return Task(
        id=new_id(),
        district_id=session.district_id,
        section_id=session.section_id,
        lesson_id=session.lesson_id,
        component_id=recording.component_id,
        session_id=session.id,
        bookend=Bookend.FOLLOW_UP,
        title=CATCH_UP_PREFIX + recording.title,
        minutes=recording.minutes,
        opens_at=recording.published_at,
        due_at=stored_instant(recording.published_at + windows.followup_due_after),
        time_zone=session.time_zone,
        student_ids=tuple(students),
        catch_up=True,
    )
