"""Balance assessments' MongoDB access: the weeks published, and the reads of a section's week
from the other slices' collections (the plan's sessions, progress's tasks). The feedback store
composes it with the other slices'."""

from __future__ import annotations

import contextlib
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from bookend.mongo import MIGRATIONS, Queries, exact, from_document, to_document
from bookend.paging import KeyedPage, PageAsk
from services.feedback.assessment.domain import (
    SectionAssessment,
    SectionLine,
    WeekSession,
    line_of,
)
from services.feedback.live.store import SECTION_SCHOOLS
from services.feedback.plan.store import PLANNED_SESSIONS  # the plan's copy of the sessions
from services.feedback.progress.domain import KnownTask
from services.feedback.progress.store import KNOWN_TASKS

ASSESSMENTS = "balance_assessments"
# Each published week keeps its line of the admins' report beside it, so a report reads one
# small field per section, never the students' figures.
LINE = "report_line"
LINES_ADDED = "assessment-report-lines"

# (collection, fields, unique): a week's assessment; a section's sessions by start and its
# tasks by due time, for a week's range.
INDEXES: list[tuple[str, list[str], bool]] = [
    (ASSESSMENTS, ["district_id", "section_id", "week_key"], True),
    # A week's report across the district, or one school's, in section order.
    (ASSESSMENTS, ["district_id", "week_key", "section_id"], False),
    (ASSESSMENTS, ["district_id", "week_key", f"{LINE}.school_id", "section_id"], False),
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
        return _assessment(doc)

    async def page_report_lines(
        self, district_id: str, week: str, asked: PageAsk, *, school_id: str | None = None
    ) -> KeyedPage[SectionLine]:
        return await self._page(
            ASSESSMENTS,
            _report_query(district_id, week, school_id),
            "section_id",
            asked,
            lambda doc: from_document(SectionLine, doc[LINE]),
            projection={LINE: 1, "section_id": 1},
        )

    async def list_report_lines(
        self, district_id: str, week: str, *, school_id: str | None = None
    ) -> list[SectionLine]:
        query = exact(_report_query(district_id, week, school_id))
        found = self.db[ASSESSMENTS].find(query, {LINE: 1}, session=self.session)
        return [from_document(SectionLine, doc[LINE]) for doc in await found.to_list()]

    async def add_report_lines(self) -> None:
        """Weeks published before the report get their line, once."""
        if await self._one(MIGRATIONS, {"_id": LINES_ADDED}) is not None:
            return
        for doc in await self._many(ASSESSMENTS, {LINE: {"$exists": False}}):
            assessment = _assessment(doc)
            school = await self._school(assessment.district_id, assessment.section_id)
            line = to_document(line_of(assessment, school))
            await self.db[ASSESSMENTS].update_one(
                exact({"_id": doc["_id"]}), {"$set": {LINE: line}}
            )
        with contextlib.suppress(DuplicateKeyError):
            await self.db[MIGRATIONS].insert_one({"_id": LINES_ADDED})

    async def _school(self, district_id: str, section_id: str) -> str | None:
        query = {"district_id": district_id, "section_id": section_id}
        doc = await self._one(SECTION_SCHOOLS, query)
        return None if doc is None else str(doc["school_id"])


class AssessmentWrites(AssessmentQueries):
    async def save_assessment(self, assessment: SectionAssessment) -> None:
        """Whole, in place of the week's earlier one (one document per section and week)."""
        week = str(assessment.week)
        school = await self._school(assessment.district_id, assessment.section_id)
        line = to_document(line_of(assessment, school))
        doc = to_document(assessment) | {"week_key": week, LINE: line}
        doc["_id"] = f"{assessment.district_id}|{assessment.section_id}|{week}"
        await self.db[ASSESSMENTS].replace_one(
            {"_id": doc["_id"]}, doc, upsert=True, session=self.session
        )


def _report_query(district_id: str, week: str, school_id: str | None) -> dict[str, object]:
    """A week's published assessments, the district's or one school's."""
    query: dict[str, object] = {"district_id": district_id, "week_key": week}
    if school_id is not None:
        query[f"{LINE}.school_id"] = school_id
    return query


def _assessment(doc: dict[str, object]) -> SectionAssessment:
    kept = {k: v for k, v in doc.items() if k not in ("week_key", LINE)}
    return from_document(SectionAssessment, kept, key="id")
