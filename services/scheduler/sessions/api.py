"""The sessions' HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import AskedPage, RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import scheduler as http
from services.scheduler.balance.api import warnings_out
from services.scheduler.records import fields_of
from services.scheduler.sessions import assignments, changes, excusals, service
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.domain import (
    BookendedSession,
    MeasuredSessions,
    MeasuredTask,
    SessionDraft,
    SessionSeries,
)
from services.scheduler.sessions.ports import Store
from services.scheduler.sessions.tasks import AssignmentDraft, Edge, Excusal, StudentWindow
from services.scheduler.sessions.windows import Anchor, LocalRule, TimeOfDay
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]

router = APIRouter()


def session_out(booked: BookendedSession) -> http.Session:
    tasks = [http.Task.model_validate(task, from_attributes=True) for task in booked.tasks]
    warnings = warnings_out(booked.balance_warnings)
    # From attributes: the recording, if any, is read from the domain's record.
    return http.Session.model_validate(
        fields_of(booked.session, tasks=tasks, balance_warnings=warnings), from_attributes=True
    )


def sessions_out(sessions: list[BookendedSession]) -> http.SessionList:
    return http.SessionList(items=[session_out(booked) for booked in sessions])


def measured_out(measured: MeasuredSessions) -> http.SessionList:
    warnings = warnings_out(measured.balance_warnings)
    return sessions_out(measured.sessions).model_copy(update={"balance_warnings": warnings})


def series_out(series: SessionSeries, sessions: list[BookendedSession]) -> http.SessionSeries:
    return http.SessionSeries.model_validate(
        fields_of(series, sessions=[session_out(booked) for booked in sessions])
    )


def windows_out(section_id: str, windows: BookendWindows) -> http.BookendWindows:
    return http.BookendWindows(
        section_id=section_id,
        prework_opens_before_minutes=round(windows.prework_opens_before / timedelta(minutes=1)),
        followup_due_after_minutes=round(windows.followup_due_after / timedelta(minutes=1)),
    )


@router.post("/sessions", status_code=201)
async def schedule_session(
    body: http.SessionCreate, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Session:
    with answering(key, session_out, status=201):
        booked = await service.schedule_session(
            SessionDraft(**body.model_dump()),
            principal=principal,
            store=state.store,
            windows=state.settings.windows,
            ids=state.ids,
            lesson_wait=state.settings.lesson_wait,
        )
    return session_out(booked)


@router.post("/sessions/{session_id}/reschedule")
async def reschedule_session(
    session_id: str,
    body: http.SessionReschedule,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Session:
    with answering(key, session_out):
        booked = await changes.reschedule_session(
            session_id,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            principal=principal,
            store=state.store,
        )
    return session_out(booked)


@router.post("/sessions/{session_id}/cancel")
async def cancel_session(
    session_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Session:
    with answering(key, session_out):
        booked = await changes.cancel_session(
            session_id, principal=principal, store=state.store, clock=state.clock
        )
    return session_out(booked)


@router.get("/series/{series_id}")
async def get_series(
    series_id: str, principal: CurrentPrincipal, state: State
) -> http.SessionSeries:
    view = await service.get_series(series_id, principal=principal, store=state.store)
    return series_out(view.series, view.sessions)


@router.post("/series/{series_id}/reschedule")
async def reschedule_series(
    series_id: str,
    body: http.SeriesReschedule,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.SessionList:
    with answering(key, measured_out):
        moved = await changes.reschedule_series(
            series_id,
            changes.SeriesTime(body.starts_at, body.minutes),
            principal=principal,
            store=state.store,
            clock=state.clock,
        )
    return measured_out(moved)


@router.post("/series/{series_id}/cancel")
async def cancel_series(
    series_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.SessionList:
    with answering(key, measured_out):
        cancelled = await changes.cancel_series(
            series_id, principal=principal, store=state.store, clock=state.clock
        )
    return measured_out(cancelled)


@router.get("/sections/{section_id}/bookend-windows")
async def get_bookend_windows(
    section_id: str, principal: CurrentPrincipal, state: State
) -> http.BookendWindows:
    windows = await changes.bookend_windows(
        section_id, state.settings.windows, principal=principal, store=state.store
    )
    return windows_out(section_id, windows)


@router.put("/sections/{section_id}/bookend-windows")
async def put_bookend_windows(
    section_id: str, body: http.BookendWindowsPut, principal: CurrentPrincipal, state: State
) -> http.BookendWindows:
    windows = BookendWindows(
        prework_opens_before=timedelta(minutes=body.prework_opens_before_minutes),
        followup_due_after=timedelta(minutes=body.followup_due_after_minutes),
    )
    saved = await changes.set_bookend_windows(
        section_id, windows, principal=principal, store=state.store
    )
    return windows_out(section_id, saved)


@router.get("/sessions/{session_id}")
async def get_session(session_id: str, principal: CurrentPrincipal, state: State) -> http.Session:
    booked = await service.get_session(session_id, principal=principal, store=state.store)
    return session_out(booked)


@router.get("/sections/{section_id}/sessions")
async def list_sessions(
    section_id: str,
    principal: CurrentPrincipal,
    state: State,
    asked: AskedPage,
    starts: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    ends: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> http.SessionPage:
    """A page of the section's sessions starting within the span, by start, with their tasks."""
    page = await service.list_sessions(
        section_id, asked, starts=starts, ends=ends, principal=principal, store=state.store
    )
    return http.SessionPage.of(page, session_out)


@router.post("/sessions/{session_id}/start")
async def start_session(
    session_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Session:
    with answering(key, session_out):
        booked = await service.start_session(
            session_id, principal=principal, store=state.store, clock=state.clock
        )
    return session_out(booked)


@router.post("/sessions/{session_id}/end")
async def end_session(
    session_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Session:
    with answering(key, session_out):
        booked = await service.end_session(
            session_id, principal=principal, store=state.store, clock=state.clock
        )
    return session_out(booked)


def task_out(measured: MeasuredTask) -> http.Task:
    """A task assigned or withdrawn, with the balance warnings of the change."""
    warnings = warnings_out(measured.balance_warnings)
    return http.Task.model_validate(
        fields_of(measured.task, balance_warnings=warnings), from_attributes=True
    )


def edge_of(edge: http.WindowEdge | None) -> Edge:
    if edge is None:
        return Edge()
    rule = edge.rule
    return Edge(
        at=edge.at,
        rule=None
        if rule is None
        else LocalRule(Anchor(rule.anchor), rule.school_days, TimeOfDay(rule.at)),
    )


@router.post("/tasks", status_code=201)
async def assign_task(
    body: http.TaskCreate, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Task:
    draft = AssignmentDraft(
        section_id=body.section_id,
        lesson_id=body.lesson_id,
        component_id=body.component_id,
        opens=edge_of(body.opens),
        due=edge_of(body.due),
        closes=edge_of(body.closes),
        student_ids=tuple(body.student_ids) if body.student_ids is not None else None,
        session_id=body.session_id,
        group_id=body.group_id,
    )
    with answering(key, task_out, status=201):
        task = await assignments.assign_task(
            draft,
            principal=principal,
            store=state.store,
            ids=state.ids,
            clock=state.clock,
            lesson_wait=state.settings.lesson_wait,
        )
    return task_out(task)


@router.post("/tasks/{task_id}/students/{student_id}/extend")
async def extend_task(
    task_id: str,
    student_id: str,
    body: http.TaskExtend,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.StudentWindow:
    def out(window: StudentWindow) -> http.StudentWindow:
        return http.StudentWindow(
            task_id=task_id,
            student_id=student_id,
            opens_at=window.opens_at,
            due_at=window.due_at,
            closes_at=window.closes_at,
        )

    with answering(key, out):
        window = await assignments.extend_task(
            task_id,
            student_id,
            due_at=body.due_at,
            closes_at=body.closes_at,
            reason=body.reason,
            principal=principal,
            store=state.store,
        )
    return out(window)


@router.put("/tasks/{task_id}/students/{student_id}/excusal")
async def excuse_from_task(
    task_id: str,
    student_id: str,
    body: http.TaskExcuse,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Excusal:
    """Excuse the student from the task: their feed shows it excused."""
    with answering(key, excusal_out):
        excusal = await excusals.excuse_from_task(
            task_id,
            student_id,
            reason=body.reason,
            principal=principal,
            store=state.store,
            clock=state.clock,
        )
    return excusal_out(excusal)


@router.delete("/tasks/{task_id}/students/{student_id}/excusal")
async def take_back_excusal(
    task_id: str, student_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Excusal:
    """The student is expected to do the task after all."""
    out = http.Excusal(task_id=task_id, student_id=student_id, excused=False)
    with answering(key, lambda _: out):
        await excusals.take_back_excusal(
            task_id, student_id, principal=principal, store=state.store
        )
    return out


def excusal_out(excusal: Excusal) -> http.Excusal:
    return http.Excusal.model_validate(fields_of(excusal, excused=True))


@router.post("/tasks/{task_id}/withdraw")
async def withdraw_task(
    task_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Task:
    with answering(key, task_out):
        task = await assignments.withdraw_task(
            task_id, principal=principal, store=state.store, clock=state.clock
        )
    return task_out(task)


@router.get("/lessons/{lesson_id}")
async def get_lesson(lesson_id: str, principal: CurrentPrincipal, state: State) -> http.Lesson:
    lesson = await service.get_lesson(lesson_id, principal=principal, store=state.store)
    return http.Lesson.model_validate(lesson, from_attributes=True)
