"""Feedback's HTTP API: check-ins and live channels."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bookend.contracts.feedback import ChannelStatus, CheckInSignal


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
