"""In-memory stand-ins for feedback's storage ports."""

from __future__ import annotations

from dataclasses import dataclass, field

from bookend.mongo import order_key
from bookend.paging import KeyedPage, PageAsk
from services.feedback.assessment.domain import SectionAssessment, WeekSession
from services.feedback.live.domain import (
    AttendanceSummary,
    Attendee,
    CheckIn,
    LiveChannel,
    SectionSchool,
)
from services.feedback.prompts.domain import Answer, Prompt
from services.feedback.pulse.domain import Pulse
from tests.feedback.assessment_fakes import FakeAssessmentReads, FakeAssessmentWrites
from tests.feedback.progress_fakes import FakeProgressReads, FakeProgressWrites, ProgressTables
from tests.feedback.pulse_fakes import FakePulseReads, FakePulseWrites, Key
from tests.feedback.question_fakes import FakeQuestionReads, FakeQuestionWrites, QuestionTables
from tests.support.fakes import FakeState, FakeStore, FakeTransaction, keyed_page


@dataclass
class FeedbackState(FakeState):
    channels: dict[str, LiveChannel] = field(default_factory=dict)
    check_ins: dict[str, CheckIn] = field(default_factory=dict)
    section_schools: dict[tuple[str, str], str] = field(default_factory=dict)
    attendees: dict[tuple[str, str, str], Attendee] = field(default_factory=dict)
    summaries: dict[tuple[str, str], AttendanceSummary] = field(default_factory=dict)
    progress: ProgressTables = field(default_factory=ProgressTables)
    pulses: dict[Key, Pulse] = field(default_factory=dict)
    week_sessions: dict[tuple[str, str], list[WeekSession]] = field(default_factory=dict)
    assessments: dict[tuple[str, str, str], SectionAssessment] = field(default_factory=dict)
    prompts: dict[str, Prompt] = field(default_factory=dict)
    answers: dict[tuple[str, str, str], Answer] = field(default_factory=dict)
    asked: QuestionTables = field(default_factory=QuestionTables)  # plan, questions, notes


class FakeReads:
    state: FeedbackState

    async def get_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        channel = self.state.channels.get(session_id)
        return channel if channel is not None and channel.district_id == district_id else None

    async def get_check_in(self, district_id: str, checkin_id: str) -> CheckIn | None:
        item = self.state.check_ins.get(checkin_id)
        return item if item is not None and item.district_id == district_id else None

    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        return self.state.section_schools.get((district_id, section_id))

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]:
        return sorted(
            (
                item
                for item in self.state.check_ins.values()
                if (item.district_id, item.session_id) == (district_id, session_id)
                and student_id in (None, item.student_id)
            ),
            key=lambda item: (item.recorded_at, item.id),
        )

    async def page_check_ins(
        self, district_id: str, session_id: str, asked: PageAsk, *, student_id: str | None = None
    ) -> KeyedPage[CheckIn]:
        found = await self.list_check_ins(district_id, session_id, student_id=student_id)
        return keyed_page(found, lambda item: order_key(item.recorded_at, item.id), asked)

    async def get_attendee(
        self, district_id: str, session_id: str, student_id: str
    ) -> Attendee | None:
        return self.state.attendees.get((district_id, session_id, student_id))

    async def list_attendees(self, district_id: str, session_id: str) -> list[Attendee]:
        return sorted(
            (a for key, a in self.state.attendees.items() if key[:2] == (district_id, session_id)),
            key=lambda a: a.student_id,
        )

    async def get_attendance_summary(
        self, district_id: str, session_id: str
    ) -> AttendanceSummary | None:
        return self.state.summaries.get((district_id, session_id))

    # prompts

    async def get_prompt(self, district_id: str, prompt_id: str) -> Prompt | None:
        prompt = self.state.prompts.get(prompt_id)
        return prompt if prompt is not None and prompt.district_id == district_id else None

    async def list_prompts(self, district_id: str, session_id: str) -> list[Prompt]:
        return sorted(
            (
                p
                for p in self.state.prompts.values()
                if (p.district_id, p.session_id) == (district_id, session_id)
            ),
            key=lambda p: (p.opened_at, p.id),
        )

    async def page_prompts(
        self, district_id: str, session_id: str, asked: PageAsk
    ) -> KeyedPage[Prompt]:
        found = await self.list_prompts(district_id, session_id)
        return keyed_page(found, lambda p: order_key(p.opened_at, p.id), asked)

    async def get_answer(self, district_id: str, prompt_id: str, student_id: str) -> Answer | None:
        return self.state.answers.get((district_id, prompt_id, student_id))

    async def list_answers(self, district_id: str, prompt_id: str) -> list[Answer]:
        return sorted(
            (a for k, a in self.state.answers.items() if k[:2] == (district_id, prompt_id)),
            key=lambda a: a.student_id,
        )

    async def page_answers(
        self, district_id: str, prompt_id: str, asked: PageAsk
    ) -> KeyedPage[Answer]:
        found = await self.list_answers(district_id, prompt_id)
        return keyed_page(found, lambda a: a.student_id, asked)

    async def answered_by(self, district_id: str, prompt_id: str) -> list[str]:
        return [a.student_id for a in await self.list_answers(district_id, prompt_id)]

    async def list_own_answers(
        self, district_id: str, session_id: str, student_id: str
    ) -> list[Answer]:
        return [
            a
            for a in self.state.answers.values()
            if (a.district_id, a.session_id, a.student_id) == (district_id, session_id, student_id)
        ]


class FakeFeedbackTransaction(
    FakeTransaction[FeedbackState],
    FakeReads,
    FakeProgressWrites,
    FakePulseWrites,
    FakeAssessmentWrites,
    FakeQuestionWrites,
):
    async def save_channel(self, channel: LiveChannel) -> None:
        self.state.channels[channel.session_id] = channel

    async def add_check_in(self, check_in: CheckIn) -> None:
        assert check_in.id not in self.state.check_ins
        self.state.check_ins[check_in.id] = check_in

    async def save_section_school(self, placement: SectionSchool) -> None:
        key = (placement.district_id, placement.section_id)
        self.state.section_schools[key] = placement.school_id

    async def save_attendee(self, attendee: Attendee) -> None:
        key = (attendee.district_id, attendee.session_id, attendee.student_id)
        self.state.attendees[key] = attendee

    async def add_attendance_summary(self, summary: AttendanceSummary) -> None:
        key = (summary.district_id, summary.session_id)
        assert key not in self.state.summaries
        self.state.summaries[key] = summary

    async def save_prompt(self, prompt: Prompt) -> None:
        self.state.prompts[prompt.id] = prompt

    async def save_answer(self, answer: Answer) -> None:
        self.state.answers[(answer.district_id, answer.prompt_id, answer.student_id)] = answer


class FakeFeedback(
    FakeStore[FeedbackState, FakeFeedbackTransaction],
    FakeReads,
    FakeProgressReads,
    FakePulseReads,
    FakeAssessmentReads,
    FakeQuestionReads,
):
    transaction = FakeFeedbackTransaction

    def __init__(self) -> None:
        super().__init__(FeedbackState())
