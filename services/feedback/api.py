"""Feedback's HTTP routes: thin adapters from JSON to use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from bookend.auth.fastapi import CurrentPrincipal
from bookend.contracts.feedback import CheckInSignal
from services.feedback import domain, service
from services.feedback.domain import ChannelStatus
from services.feedback.store import FeedbackStore

router = APIRouter()


def _store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.store
    return store


Store = Annotated[FeedbackStore, Depends(_store)]


class CheckInCreate(BaseModel):
    signal: CheckInSignal
    # Its length (at most 500) is a domain rule, so the error names `max_length` everywhere.
    note: str | None = None


class CheckIn(BaseModel):
    id: str
    session_id: str
    section_id: str
    student_id: str
    signal: CheckInSignal
    note: str | None
    recorded_at: datetime

    @classmethod
    def of(cls, item: domain.CheckIn) -> CheckIn:
        return cls(
            id=item.id, session_id=item.session_id, section_id=item.section_id,
            student_id=item.student_id, signal=item.signal, note=item.note,
            recorded_at=item.recorded_at,
        )


class CheckInList(BaseModel):
    items: list[CheckIn]


class SignalCounts(BaseModel):
    got_it: int
    unsure: int
    lost: int


class Channel(BaseModel):
    session_id: str
    section_id: str
    status: ChannelStatus
    opened_at: datetime | None
    closed_at: datetime | None
    counts: SignalCounts

    @classmethod
    def of(cls, view: service.ChannelView) -> Channel:
        return cls(
            session_id=view.channel.session_id,
            section_id=view.channel.section_id,
            status=view.channel.status,
            opened_at=view.channel.opened_at,
            closed_at=view.channel.closed_at,
            counts=SignalCounts(
                got_it=view.counts[CheckInSignal.GOT_IT],
                unsure=view.counts[CheckInSignal.UNSURE],
                lost=view.counts[CheckInSignal.LOST],
            ),
        )


@router.post("/sessions/{session_id}/checkins", status_code=201, response_model=CheckIn)
async def record_check_in(
    session_id: str, body: CheckInCreate, principal: CurrentPrincipal, store: Store
) -> CheckIn:
    return CheckIn.of(await service.record_check_in(
        session_id, signal=body.signal, note=body.note, principal=principal, store=store
    ))


@router.get("/sessions/{session_id}/checkins", response_model=CheckInList)
async def list_session_check_ins(
    session_id: str, principal: CurrentPrincipal, store: Store
) -> CheckInList:
    items = await service.list_session_check_ins(session_id, principal=principal, store=store)
    return CheckInList(items=[CheckIn.of(item) for item in items])


@router.get("/checkins/{checkin_id}", response_model=CheckIn)
async def get_check_in(checkin_id: str, principal: CurrentPrincipal, store: Store) -> CheckIn:
    return CheckIn.of(await service.get_check_in(checkin_id, principal=principal, store=store))


@router.get("/sessions/{session_id}/channel", response_model=Channel)
async def get_channel(session_id: str, principal: CurrentPrincipal, store: Store) -> Channel:
    return Channel.of(await service.get_channel(session_id, principal=principal, store=store))
