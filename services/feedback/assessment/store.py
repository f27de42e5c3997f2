"""Balance assessments' MongoDB access: the weeks published, and the reads of a section's week
from the other slices' collections (the plan's sessions, progress's tasks). The feedback store
composes it with the other slices'."""

from __future__ import annotations

from datetime import datetime

from bookend.mongo import Queries, from_document, to_document
from services.feedback.assessment.domain import SectionAssessment, WeekSession
from services.feedback.plan.store import PLANNED_SESSIONS  # the plan's copy of the sessions
from services.feedback.progress.domain import KnownTask
from services.feedback.progress.store import KNOWN_TASKS

ASSESSMENTS = "balance_assessments"

# (collection, fields, unique): a week's assessment; a section's sessions by start and its
# tasks by due time, for a week's range.
INDEXES: list[tuple[str, list[str], bool]] = [
    (ASSESSMENTS, ["district_id", "section_id", "week_key"], True),
    (PLANNED_SESSIONS, ["district_id", "section_id", "starts_at"], False),
    (KNOWN_TASKS, ["district_id", "section_id", "due_at"], False),
]


class AssessmentQueries(Queries):
    async def list_week_sessions(
        self, district_id: str, section_id: str, starts: datetime, ends: datetime
    ) -> list[WeekSession]:
        query = {
            "district_id": district_id,
            "section_id": section_id,
            "starts_at": {"$gte": starts, "$lt": ends},
        }
        docs = await self._many(PLANNED_SESSIONS, query, [("starts_at", 1)])
        return [
            WeekSession(
                session_id=doc["_id"],
                starts_at=doc["starts_at"],
                ends_at=doc["ends_at"],
                cancelled=doc.get("status") == "cancelled",
            )
            for doc in docs
            if doc.get("starts_at") and doc.get("ends_at")
        ]

    async def list_tasks_due(
        self, district_id: str, section_id: str, starts: datetime, ends: datetime
    ) -> list[KnownTask]:
        query = {
            "district_id": district_id,
            "section_id": section_id,
            "due_at": {"$gte": starts, "$lt": ends},
        }
        return await self._list(KnownTask, KNOWN_TASKS, query, [("due_at", 1)], key="task_id")

    async def get_section_zone(self, district_id: str, section_id: str) -> str | None:
        docs = await self._many(
            KNOWN_TASKS, {"district_id": district_id, "section_id": section_id}, [("due_at", -1)], 1
        )
        return str(docs[0]["time_zone"]) if docs else None

    async def get_assessment(
        self, district_id: str, section_id: str, week: str
    ) -> SectionAssessment | None:
        query = {"district_id": district_id, "section_id": section_id, "week_key": week}
        doc = await self._one(ASSESSMENTS, query)
        if doc is None:
            return None
        return from_document(
            SectionAssessment, {k: v for k, v in doc.items() if k != "week_key"}, key="id"
        )


class AssessmentWrites(AssessmentQueries):
    async def save_assessment(self, assessment: SectionAssessment) -> None:
        """Whole, in place of the week's earlier one (one document per section and week)."""
        week = str(assessment.week)
        doc = to_document(assessment) | {"week_key": week}
        doc["_id"] = f"{assessment.district_id}|{assessment.section_id}|{week}"
        await self.db[ASSESSMENTS].replace_one(
            {"_id": doc["_id"]}, doc, upsert=True, session=self.session
        )
