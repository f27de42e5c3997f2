"""Progress's MongoDB access: the tasks feedback knows of, media durations and students'
progress logs, mapped to and from documents. `services/feedback/store.py` composes it with the
other slices' into one store."""

from __future__ import annotations

from collections.abc import Collection

from bookend.mongo import Document, Queries, exact, from_document, to_document
from bookend.paging import KeyedPage, PageAsk
from services.feedback.progress.domain import KnownTask, ProgressLog, StudentProgress, TaskMedia

KNOWN_TASKS = "known_tasks"
TASK_MEDIA = "task_media"
# One document per student and task, their reports inside (at most the bound, plus a
# completion): a student's reports are applied one after another, each against all before it.
PROGRESS_LOGS = "progress_logs"

# (collection, fields, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    (PROGRESS_LOGS, ["district_id", "task_id", "student_id"], True),
]


class ProgressQueries(Queries):
    async def get_known_task(self, district_id: str, task_id: str) -> KnownTask | None:
        query = {"_id": task_id, "district_id": district_id}
        return await self._get(KnownTask, KNOWN_TASKS, query, key="task_id")

    async def get_media_seconds(self, district_id: str, component_id: str) -> int | None:
        query = {"_id": component_id, "district_id": district_id}
        media = await self._get(TaskMedia, TASK_MEDIA, query, key="component_id")
        return None if media is None else media.duration_seconds

    async def get_progress_log(
        self, district_id: str, task_id: str, student_id: str
    ) -> ProgressLog | None:
        query = {"district_id": district_id, "task_id": task_id, "student_id": student_id}
        return await self._get(ProgressLog, PROGRESS_LOGS, query)

    async def list_task_progress(self, district_id: str, task_id: str) -> list[StudentProgress]:
        # Without the reports: a section's logs may hold hundreds of reports each.
        query = exact({"district_id": district_id, "task_id": task_id})
        cursor = self.db[PROGRESS_LOGS].find(query, {"reports": 0}, session=self.session)
        docs = await cursor.sort([("student_id", 1)]).to_list()
        return [from_document(StudentProgress, doc) for doc in docs]

    async def page_task_progress(
        self,
        district_id: str,
        task_id: str,
        asked: PageAsk,
        *,
        student_ids: Collection[str] | None = None,
    ) -> KeyedPage[StudentProgress]:
        query: Document = {"district_id": district_id, "task_id": task_id}
        if student_ids is not None:
            query["student_id"] = {"$in": sorted(student_ids)}
        return await self._page(
            PROGRESS_LOGS,
            query,
            "student_id",
            asked,
            lambda doc: from_document(StudentProgress, doc),
            projection={"reports": 0},  # a student's log may hold hundreds of reports
        )


class ProgressWrites(ProgressQueries):
    async def save_known_task(self, task: KnownTask) -> None:
        await self._save(KNOWN_TASKS, task, "_id", key="task_id")

    async def save_task_media(self, media: TaskMedia) -> None:
        await self._save(TASK_MEDIA, media, "_id", key="component_id")

    async def save_progress_log(self, log: ProgressLog) -> None:
        doc: Document = to_document(log) | {"report_count": len(log.reports)}
        key = {"district_id": log.district_id, "task_id": log.task_id}
        found = exact(key | {"student_id": log.student_id})
        await self.db[PROGRESS_LOGS].replace_one(found, doc, upsert=True, session=self.session)
