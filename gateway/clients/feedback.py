"""Feedback's HTTP API as typed calls: check-ins, live channels, joins and leaves."""

from __future__ import annotations

from bookend.http_contracts.feedback import (
    Attendance,
    Channel,
    CheckIn,
    CheckInCreate,
    CheckInList,
    PresenceCreate,
    PresenceReport,
)
from gateway.clients.prompts import PromptCalls
from gateway.upstream import ServiceClient, at


class FeedbackClient(PromptCalls, ServiceClient):
    async def record_check_in(
        self, session_id: str, check_in: CheckInCreate, key: str | None = None
    ) -> CheckIn:
        path = at("/sessions/{session_id}/checkins", session_id=session_id)
        return await self.call(CheckIn, "POST", path, body=check_in, key=key)

    async def list_check_ins(self, session_id: str) -> CheckInList:
        return await self.call(
            CheckInList, "GET", at("/sessions/{session_id}/checkins", session_id=session_id)
        )

    async def get_check_in(self, checkin_id: str) -> CheckIn:
        return await self.call(CheckIn, "GET", at("/checkins/{checkin_id}", checkin_id=checkin_id))

    async def get_channel(self, session_id: str) -> Channel:
        return await self.call(
            Channel, "GET", at("/sessions/{session_id}/channel", session_id=session_id)
        )

    async def get_attendance(self, session_id: str) -> Attendance:
        return await self.call(
            Attendance, "GET", at("/sessions/{session_id}/attendance", session_id=session_id)
        )

    async def join_session(self, session_id: str, presence: PresenceCreate) -> PresenceReport:
        path = at("/sessions/{session_id}/joins", session_id=session_id)
        return await self.call(PresenceReport, "POST", path, body=presence)

    async def leave_session(self, session_id: str, presence: PresenceCreate) -> PresenceReport:
        path = at("/sessions/{session_id}/leaves", session_id=session_id)
        return await self.call(PresenceReport, "POST", path, body=presence)
