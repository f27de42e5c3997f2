"""What a balance assessment reads (the other slices' records of a section's week) and keeps,
so unit tests can use in-memory fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from bookend.paging import KeyedPage, PageAsk
from services.feedback.access import SchoolOfSection
from services.feedback.assessment.domain import SectionAssessment, SectionLine, WeekSession
from services.feedback.live.domain import AttendanceSummary, CheckIn
from services.feedback.progress.domain import KnownTask, StudentProgress
from services.feedback.pulse.domain import Pulse

T = TypeVar("T")


class Reads(SchoolOfSection, Protocol):
    async def get_section_zone(self, district_id: str, section_id: str) -> str | None:
        """The zone whose days the section's week is counted in, as its tasks name it."""
        ...

    async def list_week_sessions(
        self, district_id: str, section_id: str, starts: datetime, ends: datetime
    ) -> list[WeekSession]:
        """The section's live sessions planned to start within starts..ends."""
        ...

    async def get_attendance_summary(
        self, district_id: str, session_id: str
    ) -> AttendanceSummary | None: ...

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]: ...

    async def list_tasks_due(
        self, district_id: str, section_id: str, starts: datetime, ends: datetime
    ) -> list[KnownTask]:
        """The section's on-demand tasks due within starts..ends (withdrawn ones too)."""
        ...

    async def list_task_progress(self, district_id: str, task_id: str) -> list[StudentProgress]: ...

    async def list_section_pulses(
        self, district_id: str, section_id: str, week: str
    ) -> list[Pulse]: ...

    async def get_assessment(
        self, district_id: str, section_id: str, week: str
    ) -> SectionAssessment | None:
        """The week's assessment as last published."""
        ...

    async def page_report_lines(
        self, district_id: str, week: str, asked: PageAsk, *, school_id: str | None = None
    ) -> KeyedPage[SectionLine]:
        """A page of the week's published assessments as report lines, in section order: the
        district's, or one school's."""
        ...

    async def list_report_lines(
        self, district_id: str, week: str, *, school_id: str | None = None
    ) -> list[SectionLine]:
        """All of them, in no order: what the report's totals sum."""
        ...


class Transaction(Reads, Outbox, Protocol):
    async def save_assessment(self, assessment: SectionAssessment) -> None:
        """In place of the week's earlier one."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
