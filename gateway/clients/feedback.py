"""Feedback's HTTP API as typed calls: check-ins, live channels, joins and leaves, progress."""

from __future__ import annotations

from bookend.http_contracts.feedback import (
    Attendance,
    BalanceAssessment,
    Channel,
    CheckIn,
    CheckInCreate,
    CheckInList,
    PresenceCreate,
    PresenceReport,
    ProgressReceipt,
    ProgressReportCreate,
    Pulse,
    PulseList,
    PulsePut,
    SectionPulse,
    TaskProgressList,
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

    # --- pulse surveys (ADR 0036) ---------------------------------------------------------

    async def submit_pulse(self, week: str, pulse: PulsePut) -> Pulse:
        return await self.call(Pulse, "PUT", at("/pulses/{week}", week=week), body=pulse)

    async def my_pulses(self, week: str) -> PulseList:
        return await self.call(PulseList, "GET", at("/pulses/{week}", week=week))

    async def section_pulse(self, section_id: str, week: str) -> SectionPulse:
        path = at("/sections/{section_id}/pulses/{week}", section_id=section_id, week=week)
        return await self.call(SectionPulse, "GET", path)

    async def report_progress(self, task_id: str, report: ProgressReportCreate) -> ProgressReceipt:
        path = at("/tasks/{task_id}/progress", task_id=task_id)
        return await self.call(ProgressReceipt, "POST", path, body=report)

    async def list_task_progress(self, task_id: str) -> TaskProgressList:
        path = at("/tasks/{task_id}/progress", task_id=task_id)
        return await self.call(TaskProgressList, "GET", path)

    async def read_assessment(self, section_id: str, week: str | None) -> BalanceAssessment:
        path = at("/sections/{section_id}/balance-assessment", section_id=section_id)
        return await self.call(BalanceAssessment, "GET", path, params={"week": week})

    async def publish_assessment(self, section_id: str, week: str | None) -> BalanceAssessment:
        path = at("/sections/{section_id}/balance-assessment", section_id=section_id)
        return await self.call(BalanceAssessment, "POST", path, params={"week": week})
