"""The plan's MongoDB access: its sessions, and the follow-up tasks read from progress's copy
of the tasks. `services/feedback/store.py` composes it with the slices'."""

from __future__ import annotations

from bookend.contracts.scheduler import Bookend
from bookend.mongo import Queries
from services.feedback.plan.domain import PlannedSession
from services.feedback.progress.domain import KnownTask
from services.feedback.progress.store import KNOWN_TASKS

PLANNED_SESSIONS = "planned_sessions"

# (collection, fields, unique): a session's tasks, to find its follow-up.
INDEXES: list[tuple[str, list[str], bool]] = [
    (KNOWN_TASKS, ["district_id", "session_id"], False),
]


class PlanQueries(Queries):
    async def get_planned_session(self, district_id: str, session_id: str) -> PlannedSession | None:
        query = {"_id": session_id, "district_id": district_id}
        return await self._get(PlannedSession, PLANNED_SESSIONS, query, key="session_id")

    async def find_follow_up_task(self, district_id: str, session_id: str) -> KnownTask | None:
        query = {
            "district_id": district_id,
            "session_id": session_id,
            "bookend": Bookend.FOLLOW_UP.value,
        }
        tasks = await self._list(KnownTask, KNOWN_TASKS, query, [("_id", 1)], key="task_id")
        return next((t for t in tasks if t.withdrawn_at is None), None)


class PlanWrites(PlanQueries):
    async def save_planned_session(self, session: PlannedSession) -> None:
        await self._save(PLANNED_SESSIONS, session, "_id", key="session_id")
