"""What the plan's handlers and readers need from storage, so unit tests can use fakes."""

from __future__ import annotations

from typing import Protocol

from services.feedback.plan.domain import PlannedSession
from services.feedback.progress.domain import KnownTask


class PlanReads(Protocol):
    async def get_planned_session(
        self, district_id: str, session_id: str
    ) -> PlannedSession | None: ...

    async def find_follow_up_task(self, district_id: str, session_id: str) -> KnownTask | None:
        """The session's follow-up task still assigned, if feedback heard of one (progress's
        copy of the tasks)."""
        ...


class PlanWrites(PlanReads, Protocol):
    async def save_planned_session(self, session: PlannedSession) -> None: ...
