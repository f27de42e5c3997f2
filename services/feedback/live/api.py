"""Feedback's HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from bookend.auth.fastapi import CurrentPrincipal
from bookend.contracts.feedback import CheckInSignal, Presence
from bookend.hosting import AskedPage, RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import feedback as http
from services.feedback.live import domain, service
from services.feedback.live.ports import Store
from services.feedback.settings import FeedbackSettings

State = Annotated[ServiceState[Store, FeedbackSettings], Depends(service_state)]

router = APIRouter()


def check_in_out(item: domain.CheckIn) -> http.CheckIn:
    # The HTTP model's fields are the domain's attribute names.
    return http.CheckIn.model_validate(item, from_attributes=True)


def channel_out(view: service.ChannelView) -> http.Channel:
    return http.Channel(
        session_id=view.channel.session_id,
        section_id=view.channel.section_id,
        status=view.channel.status,
        opened_at=view.channel.opened_at,
        closed_at=view.channel.closed_at,
        counts=http.SignalCounts(
            got_it=view.counts[CheckInSignal.GOT_IT],
            unsure=view.counts[CheckInSignal.UNSURE],
            lost=view.counts[CheckInSignal.LOST],
        ),
    )


@router.post("/sessions/{session_id}/checkins", status_code=201)
async def record_check_in(
    session_id: str,
    body: http.CheckInCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.CheckIn:
    with answering(key, check_in_out, status=201):
        item = await service.record_check_in(
            session_id,
            signal=body.signal,
            note=body.note,
            principal=principal,
            store=state.store,
            clock=state.clock,
            ids=state.ids,
        )
    return check_in_out(item)


def presence_out(view: service.PresenceView) -> http.PresenceReport:
    return http.PresenceReport(
        session_id=view.attendee.session_id,
        student_id=view.attendee.student_id,
        client_event_id=view.report.client_event_id,
        kind=view.report.kind,
        received_at=view.report.received_at,
    )


async def _presence(
    kind: Presence,
    session_id: str,
    body: http.PresenceCreate,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
) -> http.PresenceReport:
    view = await service.record_presence(
        session_id,
        kind=kind,
        client_event_id=body.client_event_id,
        principal=principal,
        store=state.store,
        clock=state.clock,
    )
    if view.repeated:
        response.status_code = 200  # recorded before, with this answer
    return presence_out(view)


@router.post("/sessions/{session_id}/joins", status_code=201)
async def join_session(
    session_id: str,
    body: http.PresenceCreate,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
) -> http.PresenceReport:
    """The calling student joined the live session (201; 200 for a client event recorded
    before)."""
    return await _presence(Presence.JOINED, session_id, body, principal, state, response)


@router.post("/sessions/{session_id}/leaves", status_code=201)
async def leave_session(
    session_id: str,
    body: http.PresenceCreate,
    principal: CurrentPrincipal,
    state: State,
    response: Response,
) -> http.PresenceReport:
    """The calling student left the live session (201; 200 for a client event recorded
    before)."""
    return await _presence(Presence.LEFT, session_id, body, principal, state, response)


@router.get("/sessions/{session_id}/attendance")
async def get_attendance(
    session_id: str, principal: CurrentPrincipal, state: State
) -> http.Attendance:
    summary = await service.get_attendance(session_id, principal=principal, store=state.store)
    # The HTTP model's fields are the domain's attribute names.
    return http.Attendance.model_validate(summary, from_attributes=True)


@router.get("/sessions/{session_id}/checkins")
async def list_session_check_ins(
    session_id: str, principal: CurrentPrincipal, state: State, asked: AskedPage
) -> http.CheckInPage:
    """A page of the session's check-ins as recorded: all for staff, a student's own."""
    page = await service.list_session_check_ins(
        session_id, asked, principal=principal, store=state.store
    )
    return http.CheckInPage.of(page, check_in_out)


@router.get("/checkins/{checkin_id}")
async def get_check_in(checkin_id: str, principal: CurrentPrincipal, state: State) -> http.CheckIn:
    item = await service.get_check_in(checkin_id, principal=principal, store=state.store)
    return check_in_out(item)


@router.get("/sessions/{session_id}/channel")
async def get_channel(session_id: str, principal: CurrentPrincipal, state: State) -> http.Channel:
    view = await service.get_channel(session_id, principal=principal, store=state.store)
    return channel_out(view)
