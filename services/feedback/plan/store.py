"""The plan's MongoDB access. `services/feedback/store.py` composes it with the slices'."""

from __future__ import annotations

from bookend.mongo import Queries
from services.feedback.plan.domain import PlannedSession, PlannedTask

PLANNED_SESSIONS = "planned_sessions"
PLANNED_TASKS = "planned_tasks"

# (collection, fields, unique): a session's tasks, to find its follow-up.
INDEXES: list[tuple[str, list[str], bool]] = [
    (PLANNED_TASKS, ["district_id", "session_id"], False),
]


class PlanQueries(Queries):
    async def get_planned_session(self, district_id: str, session_id: str) -> PlannedSession | None:
        query = {"_id": session_id, "district_id": district_id}
        return await self._get(PlannedSession, PLANNED_SESSIONS, query, key="session_id")

    async def get_planned_task(self, district_id: str, task_id: str) -> PlannedTask | None:
        query = {"_id": task_id, "district_id": district_id}
        return await self._get(PlannedTask, PLANNED_TASKS, query, key="task_id")

    async def find_follow_up_task(self, district_id: str, session_id: str) -> PlannedTask | None:
        query = {"district_id": district_id, "session_id": session_id}
        tasks = await self._list(PlannedTask, PLANNED_TASKS, query, [("_id", 1)], key="task_id")
        return next((t for t in tasks if t.is_follow_up and not t.withdrawn), None)


class PlanWrites(PlanQueries):
    async def save_planned_session(self, session: PlannedSession) -> None:
        await self._save(PLANNED_SESSIONS, session, "_id", key="session_id")

    async def save_planned_task(self, task: PlannedTask) -> None:
        await self._save(PLANNED_TASKS, task, "_id", key="task_id")
