"""The sessions' HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import scheduler as http
from services.scheduler.records import fields_of
from services.scheduler.sessions import service
from services.scheduler.sessions.domain import BookendedSession, SessionDraft
from services.scheduler.sessions.ports import Store
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]

router = APIRouter()


def session_out(booked: BookendedSession) -> http.Session:
    tasks = [http.Task.model_validate(task, from_attributes=True) for task in booked.tasks]
    # From attributes: the recording, if any, is read from the domain's record.
    return http.Session.model_validate(fields_of(booked.session, tasks=tasks), from_attributes=True)


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
        )
    return session_out(booked)


@router.get("/sessions/{session_id}")
async def get_session(session_id: str, principal: CurrentPrincipal, state: State) -> http.Session:
    booked = await service.get_session(session_id, principal=principal, store=state.store)
    return session_out(booked)


@router.get("/sections/{section_id}/sessions")
async def list_sessions(
    section_id: str,
    principal: CurrentPrincipal,
    state: State,
    starts: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    ends: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> http.SessionList:
    sessions = await service.list_sessions(
        section_id, starts=starts, ends=ends, principal=principal, store=state.store
    )
    return http.SessionList(items=[session_out(booked) for booked in sessions])


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


@router.get("/lessons/{lesson_id}")
async def get_lesson(lesson_id: str, principal: CurrentPrincipal, state: State) -> http.Lesson:
    lesson = await service.get_lesson(lesson_id, principal=principal, store=state.store)
    return http.Lesson.model_validate(lesson, from_attributes=True)
