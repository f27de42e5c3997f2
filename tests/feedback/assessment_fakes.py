"""In-memory stand-ins for the assessment slice's reads and writes, mixed into the feedback
fakes: the plan's sessions of a section (as the plan slice keeps them) and the weeks published."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bookend.paging import KeyedPage, PageAsk
from services.feedback.assessment.domain import (
    SectionAssessment,
    SectionLine,
    WeekSession,
    line_of,
)
from services.feedback.progress.domain import KnownTask

if TYPE_CHECKING:  # the fakes' state holds these tables (tests/feedback/fakes.py)
    from tests.feedback.fakes import FeedbackState


class FakeAssessmentReads:
    state: FeedbackState

    async def list_week_sessions(
        self, district_id: str, section_id: str, starts: datetime, ends: datetime
    ) -> list[WeekSession]:
        found = self.state.week_sessions.get((district_id, section_id), [])
        return sorted((s for s in found if starts <= s.starts_at < ends), key=lambda s: s.starts_at)

    async def list_tasks_due(
        self, district_id: str, section_id: str, starts: datetime, ends: datetime
    ) -> list[KnownTask]:
        return sorted(
            (
                t
                for t in self.state.progress.tasks.values()
                if (t.district_id, t.section_id) == (district_id, section_id)
                and starts <= t.due_at < ends
            ),
            key=lambda t: t.due_at,
        )

    async def get_section_zone(self, district_id: str, section_id: str) -> str | None:
        tasks = [
            t
            for t in self.state.progress.tasks.values()
            if (t.district_id, t.section_id) == (district_id, section_id)
        ]
        return max(tasks, key=lambda t: t.due_at).time_zone if tasks else None

    async def get_assessment(
        self, district_id: str, section_id: str, week: str
    ) -> SectionAssessment | None:
        return self.state.assessments.get((district_id, section_id, week))

    async def page_report_lines(
        self, district_id: str, week: str, asked: PageAsk, *, school_id: str | None = None
    ) -> KeyedPage[SectionLine]:
        lines = await self.list_report_lines(district_id, week, school_id=school_id)
        keyed = sorted((line.section_id, line) for line in lines)
        found = [(key, line) for key, line in keyed if asked.after is None or key > asked.after]
        return KeyedPage.of(found[: asked.limit], asked, len(keyed) if asked.total else None)

    async def list_report_lines(
        self, district_id: str, week: str, *, school_id: str | None = None
    ) -> list[SectionLine]:
        lines = [
            line_of(kept, self.state.section_schools.get((district_id, section)))
            for (district, section, of_week), kept in self.state.assessments.items()
            if (district, of_week) == (district_id, week)
        ]
        return [line for line in lines if school_id is None or line.school_id == school_id]


class FakeAssessmentWrites(FakeAssessmentReads):
    async def save_assessment(self, assessment: SectionAssessment) -> None:
        key = (assessment.district_id, assessment.section_id, str(assessment.week))
        self.state.assessments[key] = assessment
