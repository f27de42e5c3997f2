"""Feedback's HTTP API as typed calls: check-ins and live channels."""

from __future__ import annotations

from bookend.http_contracts.feedback import Channel, CheckIn, CheckInCreate, CheckInList
from gateway.upstream import ServiceClient


class FeedbackClient(ServiceClient):
    async def record_check_in(self, session_id: str, check_in: CheckInCreate) -> CheckIn:
        path = f"/sessions/{session_id}/checkins"
        return await self.call(CheckIn, "POST", path, body=check_in)

    async def list_check_ins(self, session_id: str) -> CheckInList:
        return await self.call(CheckInList, "GET", f"/sessions/{session_id}/checkins")

    async def get_check_in(self, checkin_id: str) -> CheckIn:
        return await self.call(CheckIn, "GET", f"/checkins/{checkin_id}")

    async def get_channel(self, session_id: str) -> Channel:
        return await self.call(Channel, "GET", f"/sessions/{session_id}/channel")
