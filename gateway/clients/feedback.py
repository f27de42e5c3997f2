"""Feedback's HTTP API as typed calls: check-ins and live channels."""

from __future__ import annotations

from bookend.http_contracts.feedback import Channel, CheckIn, CheckInCreate, CheckInList
from gateway.upstream import Upstream


class FeedbackClient:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def record_check_in(
        self, session_id: str, check_in: CheckInCreate, *, token: str
    ) -> CheckIn:
        return await self.upstream.call(
            CheckIn, "POST", f"/sessions/{session_id}/checkins", token=token, body=check_in
        )

    async def list_check_ins(self, session_id: str, *, token: str) -> CheckInList:
        return await self.upstream.call(
            CheckInList, "GET", f"/sessions/{session_id}/checkins", token=token
        )

    async def get_check_in(self, checkin_id: str, *, token: str) -> CheckIn:
        return await self.upstream.call(CheckIn, "GET", f"/checkins/{checkin_id}", token=token)

    async def get_channel(self, session_id: str, *, token: str) -> Channel:
        return await self.upstream.call(
            Channel, "GET", f"/sessions/{session_id}/channel", token=token
        )
