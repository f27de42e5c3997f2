"""In-memory stand-ins for progress's storage ports, mixed into the feedback fakes."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bookend.paging import KeyedPage, PageAsk
from services.feedback.progress.domain import KnownTask, ProgressLog, StudentProgress, TaskMedia
from tests.support.fakes import keyed_page

if TYPE_CHECKING:  # the fakes' state holds these tables (tests/feedback/fakes.py)
    from tests.feedback.fakes import FeedbackState


@dataclass
class ProgressTables:
    tasks: dict[str, KnownTask] = field(default_factory=dict)
    media: dict[tuple[str, str], int] = field(default_factory=dict)
    logs: dict[tuple[str, str, str], ProgressLog] = field(default_factory=dict)


class FakeProgressReads:
    state: FeedbackState

    async def get_known_task(self, district_id: str, task_id: str) -> KnownTask | None:
        task = self.state.progress.tasks.get(task_id)
        return task if task is not None and task.district_id == district_id else None

    async def get_media_seconds(self, district_id: str, component_id: str) -> int | None:
        return self.state.progress.media.get((district_id, component_id))

    async def get_progress_log(
        self, district_id: str, task_id: str, student_id: str
    ) -> ProgressLog | None:
        return self.state.progress.logs.get((district_id, task_id, student_id))

    async def list_task_progress(self, district_id: str, task_id: str) -> list[StudentProgress]:
        logs = self.state.progress.logs
        return [logs[key].summary for key in sorted(logs) if key[:2] == (district_id, task_id)]

    async def page_task_progress(
        self,
        district_id: str,
        task_id: str,
        asked: PageAsk,
        *,
        student_ids: Collection[str] | None = None,
    ) -> KeyedPage[StudentProgress]:
        found = [
            progress
            for progress in await self.list_task_progress(district_id, task_id)
            if student_ids is None or progress.student_id in student_ids
        ]
        return keyed_page(found, lambda progress: progress.student_id, asked)


class FakeProgressWrites(FakeProgressReads):
    async def save_known_task(self, task: KnownTask) -> None:
        self.state.progress.tasks[task.task_id] = task

    async def save_task_media(self, media: TaskMedia) -> None:
        key = (media.district_id, media.component_id)
        self.state.progress.media[key] = media.duration_seconds

    async def save_progress_log(self, log: ProgressLog) -> None:
        self.state.progress.logs[log.district_id, log.task_id, log.student_id] = log
