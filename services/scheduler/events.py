"""The scheduler's two event tables: the session and task events it publishes, and the
catalog's lessons it keeps copies of and recordings it shows on their sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from bookend.contracts import CloudEvent
from bookend.contracts import scheduler as contract
from bookend.contracts.catalog import (
    LessonArchived,
    LessonPublished,
    LessonRevised,
    LessonVersionData,
    RecordingPublished,
)
from bookend.contracts.feedback import (
    AttendanceSummarized,
    CheckInRecorded,
    CheckInSignal,
    ProgressRecorded,
    PromptAnswered,
    PromptAssigned,
    TaskProgress,
)
from bookend.contracts.scheduler import Bookend
from bookend.eventbus import Inbound, Outbound
from bookend.hosting import ServiceState
from bookend.ids import IdFactory
from services.scheduler import SOURCE
from services.scheduler.adjustments import ports as adjusting
from services.scheduler.balance.domain import BalanceWarned
from services.scheduler.feed.domain import AttendanceTaken, ProgressMade, prompt_left
from services.scheduler.feed.projector import project
from services.scheduler.records import fields_of
from services.scheduler.sessions import domain
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.domain import LessonComponent, LessonSummary, SessionRecording
from services.scheduler.sessions.ports import Store, Transaction
from services.scheduler.sessions.remedial import catch_up_task, remedial_component, remedial_task
from services.scheduler.settings import SchedulerSettings

CONSUMER = "bookend.scheduler"


def session_scheduled(event: domain.SessionScheduled) -> contract.SessionScheduled:
    return contract.SessionScheduled.model_validate(
        fields_of(event.session, session_id=event.session.id)
    )


def task_assigned(event: domain.TaskAssigned) -> contract.TaskAssigned:
    return contract.TaskAssigned.model_validate(fields_of(event.task, task_id=event.task.id))


def session_started(event: domain.SessionStarted) -> contract.SessionStarted:
    return contract.SessionStarted.model_validate(
        fields_of(
            event.session,
            session_id=event.session.id,
            expected_student_ids=list(event.expected_student_ids),
        )
    )


def session_ended(event: domain.SessionEnded) -> contract.SessionEnded:
    return contract.SessionEnded.model_validate(
        fields_of(
            event.session,
            session_id=event.session.id,
            expected_student_ids=list(event.expected_student_ids),
        )
    )


def session_rescheduled(event: domain.SessionRescheduled) -> contract.SessionRescheduled:
    session, before = event.session, event.previous
    return contract.SessionRescheduled.model_validate(
        fields_of(
            session,
            session_id=session.id,
            previous_starts_at=before.starts_at,
            previous_ends_at=before.ends_at,
        )
    )


def session_cancelled(event: domain.SessionCancelled) -> contract.SessionCancelled:
    return contract.SessionCancelled.model_validate(
        fields_of(event.session, session_id=event.session.id)
    )


def task_rescheduled(event: domain.TaskRescheduled) -> contract.TaskRescheduled:
    return contract.TaskRescheduled.model_validate(fields_of(event.task, task_id=event.task.id))


def task_withdrawn(event: domain.TaskWithdrawn) -> contract.TaskWithdrawn:
    return contract.TaskWithdrawn.model_validate(fields_of(event.task, task_id=event.task.id))


def balance_warned(event: BalanceWarned) -> contract.BalanceWarning:
    return contract.BalanceWarning.model_validate(
        fields_of(event, warnings=[fields_of(w) for w in event.warnings])
    )


# Enrolments stay inside: they change feeds (the projector) but no other service hears of them.
OUTBOUND = (
    Outbound(SOURCE)
    .map(domain.SessionScheduled, session_scheduled)
    .map(domain.TaskAssigned, task_assigned)
    .map(domain.SessionStarted, session_started)
    .map(domain.SessionEnded, session_ended)
    .map(domain.SessionRescheduled, session_rescheduled)
    .map(domain.SessionCancelled, session_cancelled)
    .map(domain.TaskRescheduled, task_rescheduled)
    .map(domain.TaskWithdrawn, task_withdrawn)
    .map(BalanceWarned, balance_warned)
)


def lesson_copy(published: LessonVersionData) -> LessonSummary:
    return LessonSummary(
        lesson_id=published.lesson_id,
        district_id=published.district_id,
        version=published.version,
        title=published.title,
        subject=published.subject,
        summary=published.summary,
        components=tuple(
            LessonComponent(c.component_id, c.title, c.kind, c.mode_fit, c.minutes)
            for c in published.components
        ),
    )


async def on_lesson_published(
    payload: LessonVersionData, event: CloudEvent, *, store: Store
) -> None:
    """Keep the newest version (first or revised), once per event: a late or repeated one
    leaves the copy as it is."""
    lesson = lesson_copy(payload)

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        if lesson.supersedes(await tx.get_lesson(lesson.district_id, lesson.lesson_id)):
            await tx.save_lesson(lesson)

    await store.atomically(work)


async def on_lesson_archived(payload: LessonArchived, event: CloudEvent, *, store: Store) -> None:
    """Plan nothing new with it; sessions and tasks planned already keep their version."""

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        copy = await tx.get_lesson(payload.district_id, payload.lesson_id)
        if copy is not None and not copy.archived:
            await tx.save_lesson(replace(copy, archived=True))

    await store.atomically(work)


async def on_recording_published(
    payload: RecordingPublished,
    event: CloudEvent,
    *,
    store: adjusting.Store,
    windows: BookendWindows,
    ids: IdFactory,
) -> None:
    """Show the recording on its session, and give it to the students who missed the session
    (once its attendance is known: here, or when it arrives) and to those following the
    section's sessions by recording (ADR 0038)."""
    recording = SessionRecording(
        component_id=payload.component_id,
        title=payload.title,
        minutes=payload.minutes,
        url=payload.url,
        published_at=payload.published_at,
    )

    async def work(tx: adjusting.Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        session = await tx.get_session(payload.district_id, payload.session_id)
        if session is None or session.recording is not None:
            return
        recorded = session.recorded(recording)
        await tx.save_session(recorded)
        absent = await tx.get_absentees(payload.district_id, session.id)
        missed = await with_followers(tx, recorded, absent or [])
        await catch_up(tx, recorded, missed, windows=windows, ids=ids)

    await store.atomically(work)


async def on_attendance_summarized(
    payload: AttendanceSummarized,
    event: CloudEvent,
    *,
    store: adjusting.Store,
    windows: BookendWindows,
    ids: IdFactory,
) -> None:
    """Keep who missed the session and show each student's attendance in their feed; if its
    recording is out already, give it to those absent."""

    async def work(tx: adjusting.Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        await tx.save_absentees(payload.district_id, payload.session_id, payload.absent)
        await project(tx, [AttendanceTaken.of(payload)])
        session = await tx.get_session(payload.district_id, payload.session_id)
        if session is not None:
            missed = await with_followers(tx, session, payload.absent)
            await catch_up(tx, session, missed, windows=windows, ids=ids)

    await store.atomically(work)


async def with_followers(
    tx: adjusting.Reads, session: domain.LiveSession, absent: Sequence[str]
) -> list[str]:
    """Those absent, and the students following the section's sessions by recording when
    this one started (ADR 0038)."""
    following = await tx.list_followings(session.district_id, session.section_id, session.starts_at)
    return list(dict.fromkeys([*absent, *(f.student_id for f in following)]))


async def catch_up(
    tx: Transaction,
    session: domain.LiveSession,
    absent: Sequence[str],
    *,
    windows: BookendWindows,
    ids: IdFactory,
) -> None:
    """The recording as on-demand work for those absent who do not have it yet, with the
    section's follow-up window; nothing before the recording is out."""
    district = session.district_id
    given = {
        student
        for task in await tx.list_tasks(district, [session.id])
        if task.catch_up
        for student in task.student_ids or ()
    }
    own = await tx.get_bookend_windows(district, session.section_id)
    task = catch_up_task(
        session,
        [s for s in absent if s not in given],
        windows=own or windows,
        new_id=ids,
    )
    if task is None:
        return
    await tx.add_tasks([task])
    events = [domain.TaskAssigned(task)]
    await tx.emit(*OUTBOUND.events(events))
    await project(tx, events)


async def on_check_in_recorded(
    payload: CheckInRecorded,
    event: CloudEvent,
    *,
    store: Store,
    windows: BookendWindows,
    ids: IdFactory,
) -> None:
    """A student lost in a live session: their follow-up gains a remedial practice or fluency
    component of the lesson, for them alone, once per session however often they say so."""
    if payload.signal is not CheckInSignal.LOST:
        return

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        district, student = payload.district_id, payload.student_id
        session = await tx.get_session(district, payload.session_id)
        if session is None:
            return
        tasks = await tx.list_tasks(district, [session.id])
        if any(t.remedial and t.student_ids == (student,) for t in tasks):
            return
        lesson = await tx.get_lesson(district, session.lesson_id)
        follow_up = [t for t in tasks if t.bookend is Bookend.FOLLOW_UP and not t.remedial]
        component = remedial_component(lesson, follow_up) if lesson is not None else None
        if lesson is None or component is None:
            return  # nothing to practise on demand in this lesson
        own = await tx.get_bookend_windows(district, session.section_id)
        task = remedial_task(
            session, lesson, component, student, windows=own or windows, new_id=ids
        )
        await tx.add_tasks([task])
        events = [domain.TaskAssigned(task)]
        await tx.emit(*OUTBOUND.events(events))
        await project(tx, events)

    await store.atomically(work)


async def on_progress_recorded(
    payload: ProgressRecorded, event: CloudEvent, *, store: Store
) -> None:
    """The task's status in the student's feed follows their progress. Progress only moves
    forward, so a repeated, late or out-of-order report changes nothing: idempotent without
    remembering the event (reports are the busiest stream; a record each would double it)."""
    made = ProgressMade(payload.district_id, payload.task_id, payload.student_id, payload.state)

    async def work(tx: Transaction) -> None:
        await project(tx, [made])

    await store.atomically(work)


async def on_prompt_assigned(
    payload: PromptAssigned, event: CloudEvent, *, store: Store, windows: BookendWindows
) -> None:
    """A prompt of a session goes into the feeds of the absent students who had not answered
    it, due with the section's follow-up (ADR 0034), once per event."""

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        session = await tx.get_session(payload.district_id, payload.session_id)
        if session is None:
            return
        own = await tx.get_bookend_windows(payload.district_id, session.section_id)
        left = prompt_left(
            session,
            payload.prompt_id,
            payload.student_ids,
            followup_due_after=(own or windows).followup_due_after,
            at=payload.assigned_at,
        )
        await project(tx, [left])

    await store.atomically(work)


async def on_prompt_answered(payload: PromptAnswered, event: CloudEvent, *, store: Store) -> None:
    """A prompt answered late, as on-demand work, shows done in that student's feed. Answers
    given while it was open change no feed, and are passed by without touching the store (a
    class's every answer comes this way). Done stays done: idempotent, like progress."""
    if not payload.late:
        return
    made = ProgressMade(
        payload.district_id, payload.prompt_id, payload.student_id, TaskProgress.COMPLETED
    )

    async def work(tx: Transaction) -> None:
        await project(tx, [made])

    await store.atomically(work)


def inbound(state: ServiceState[Store, SchedulerSettings]) -> Inbound:
    learn = partial(on_lesson_published, store=state.store)
    reacting: dict[str, Any] = {
        "store": state.store,
        "windows": state.settings.windows,
        "ids": state.ids,
    }
    return (
        Inbound()
        .on(LessonPublished, learn)
        .on(LessonRevised, learn)
        .on(LessonArchived, partial(on_lesson_archived, store=state.store))
        .on(RecordingPublished, partial(on_recording_published, **reacting))
        .on(AttendanceSummarized, partial(on_attendance_summarized, **reacting))
        .on(CheckInRecorded, partial(on_check_in_recorded, **reacting))
        .on(ProgressRecorded, partial(on_progress_recorded, store=state.store))
        .on(
            PromptAssigned,
            partial(on_prompt_assigned, store=state.store, windows=state.settings.windows),
        )
        .on(PromptAnswered, partial(on_prompt_answered, store=state.store))
    )
