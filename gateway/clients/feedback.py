"""Feedback's HTTP API as typed calls: check-ins, live channels, joins and leaves, progress,
questions and notes."""

from __future__ import annotations

from bookend.http_contracts.feedback import (
    AnswerCreate,
    Attendance,
    BalanceAssessment,
    BalanceReport,
    Channel,
    CheckIn,
    CheckInCreate,
    CheckInPage,
    FollowUpQuestionPages,
    Note,
    NoteCreate,
    NotePage,
    PresenceCreate,
    PresenceReport,
    ProgressReceipt,
    ProgressReportCreate,
    Pulse,
    PulseList,
    PulsePage,
    PulsePut,
    Question,
    QuestionCreate,
    QuestionPage,
    SectionPulse,
    TaskProgressPage,
)
from gateway.clients.prompts import PromptCalls
from gateway.upstream import Page, ServiceClient, at


class FeedbackClient(PromptCalls, ServiceClient):
    async def record_check_in(
        self, session_id: str, check_in: CheckInCreate, key: str | None = None
    ) -> CheckIn:
        path = at("/sessions/{session_id}/checkins", session_id=session_id)
        return await self.call(CheckIn, "POST", path, body=check_in, key=key)

    async def list_check_ins(self, session_id: str, page: Page) -> CheckInPage:
        path = at("/sessions/{session_id}/checkins", session_id=session_id)
        return await self.call(CheckInPage, "GET", path, params=page.params())

    async def get_check_in(self, checkin_id: str) -> CheckIn:
        return await self.call(CheckIn, "GET", at("/checkins/{checkin_id}", checkin_id=checkin_id))

    async def get_channel(self, session_id: str) -> Channel:
        return await self.call(
            Channel, "GET", at("/sessions/{session_id}/channel", session_id=session_id)
        )

    async def get_attendance(self, session_id: str) -> Attendance:
        return await self.call(
            Attendance, "GET", at("/sessions/{session_id}/attendance", session_id=session_id)
        )

    async def join_session(self, session_id: str, presence: PresenceCreate) -> PresenceReport:
        path = at("/sessions/{session_id}/joins", session_id=session_id)
        return await self.call(PresenceReport, "POST", path, body=presence)

    async def leave_session(self, session_id: str, presence: PresenceCreate) -> PresenceReport:
        path = at("/sessions/{session_id}/leaves", session_id=session_id)
        return await self.call(PresenceReport, "POST", path, body=presence)

    # --- pulse surveys (ADR 0036) ---------------------------------------------------------

    async def submit_pulse(self, week: str, pulse: PulsePut) -> Pulse:
        return await self.call(Pulse, "PUT", at("/pulses/{week}", week=week), body=pulse)

    async def my_pulses(self, week: str) -> PulseList:
        return await self.call(PulseList, "GET", at("/pulses/{week}", week=week))

    async def section_pulse(self, section_id: str, week: str) -> SectionPulse:
        path = at("/sections/{section_id}/pulses/{week}", section_id=section_id, week=week)
        return await self.call(SectionPulse, "GET", path)

    async def list_section_pulses(self, section_id: str, week: str, page: Page) -> PulsePage:
        path = at("/sections/{section_id}/pulses/{week}/pulses", section_id=section_id, week=week)
        return await self.call(PulsePage, "GET", path, params=page.params())

    async def report_progress(self, task_id: str, report: ProgressReportCreate) -> ProgressReceipt:
        path = at("/tasks/{task_id}/progress", task_id=task_id)
        return await self.call(ProgressReceipt, "POST", path, body=report)

    async def list_task_progress(self, task_id: str, page: Page) -> TaskProgressPage:
        path = at("/tasks/{task_id}/progress", task_id=task_id)
        return await self.call(TaskProgressPage, "GET", path, params=page.params())

    async def read_assessment(self, section_id: str, week: str | None) -> BalanceAssessment:
        path = at("/sections/{section_id}/balance-assessment", section_id=section_id)
        return await self.call(BalanceAssessment, "GET", path, params={"week": week})

    async def publish_assessment(self, section_id: str, week: str | None) -> BalanceAssessment:
        path = at("/sections/{section_id}/balance-assessment", section_id=section_id)
        return await self.call(BalanceAssessment, "POST", path, params={"week": week})

    async def read_balance_report(
        self, week: str, school_id: str | None, page: Page, *, total: bool
    ) -> BalanceReport:
        params = {**page.params(), "week": week, "school_id": school_id, "total": total or None}
        return await self.call(BalanceReport, "GET", "/balance-report", params=params)

    # --- questions and notes (ADR 0035) ---------------------------------------------------

    async def ask_question(
        self, session_id: str, question: QuestionCreate, key: str | None = None
    ) -> Question:
        path = at("/sessions/{session_id}/questions", session_id=session_id)
        return await self.call(Question, "POST", path, body=question, key=key)

    async def list_questions(
        self, session_id: str, page: Page, *, follow_up: bool = False
    ) -> QuestionPage:
        """A page of a session's questions (only those left for its follow-up, with
        `follow_up`), as the caller sees each."""
        path = at("/sessions/{session_id}/questions", session_id=session_id)
        params = {**page.params(), "follow_up": "true" if follow_up else None}
        return await self.call(QuestionPage, "GET", path, params=params)

    async def list_follow_up_questions(
        self, session_ids: list[str], page: Page
    ) -> FollowUpQuestionPages:
        """The first page of the questions left for the follow-up of each of these sessions
        (at most 100; `page` has no cursor), as the caller sees each."""
        params = {**page.params(), "session_id": session_ids}
        return await self.call(FollowUpQuestionPages, "GET", "/follow-up-questions", params=params)

    async def get_question(self, question_id: str) -> Question:
        """As the caller sees it, their own as theirs."""
        return await self.call(
            Question, "GET", at("/questions/{question_id}", question_id=question_id)
        )

    async def get_shared_question(self, question_id: str) -> Question:
        """As anyone with the caller's claims sees it: what a session stream shares."""
        path = at("/questions/{question_id}/shared", question_id=question_id)
        return await self.call(Question, "GET", path)

    async def upvote_question(self, question_id: str) -> Question:
        path = at("/questions/{question_id}/upvotes", question_id=question_id)
        return await self.call(Question, "POST", path)

    async def answer_question(
        self, question_id: str, answer: AnswerCreate, key: str | None = None
    ) -> Question:
        path = at("/questions/{question_id}/answer", question_id=question_id)
        return await self.call(Question, "POST", path, body=answer, key=key)

    async def mark_for_follow_up(self, question_id: str) -> Question:
        path = at("/questions/{question_id}/follow-up", question_id=question_id)
        return await self.call(Question, "POST", path)

    async def write_note(self, note: NoteCreate, key: str | None = None) -> Note:
        return await self.call(Note, "POST", "/notes", body=note, key=key)

    async def list_notes(self, student_id: str | None, page: Page) -> NotePage:
        params = {**page.params(), "student_id": student_id}
        return await self.call(NotePage, "GET", "/notes", params=params)

    async def get_note(self, note_id: str) -> Note:
        return await self.call(Note, "GET", at("/notes/{note_id}", note_id=note_id))
