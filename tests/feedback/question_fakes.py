"""In-memory stand-ins for the plan's (its sessions), questions' and notes' storage ports,
mixed into the feedback fakes (tests/feedback/fakes.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.contracts.scheduler import Bookend
from bookend.cursors import Position
from bookend.mongo import order_key
from bookend.paging import KeyedPage, PageAsk
from services.feedback.notes.domain import Note
from services.feedback.plan.domain import PlannedSession
from services.feedback.progress.domain import KnownTask
from services.feedback.questions.domain import Question
from tests.support.fakes import keyed_page

if TYPE_CHECKING:  # the fakes' state holds these tables
    from tests.feedback.fakes import FeedbackState


@dataclass
class QuestionTables:
    sessions: dict[tuple[str, str], PlannedSession] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    # (district, session, scope, asker): how many were asked, as the store's tallies
    tallies: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)


class FakeQuestionReads:
    state: FeedbackState

    async def get_planned_session(self, district_id: str, session_id: str) -> PlannedSession | None:
        return self.state.asked.sessions.get((district_id, session_id))

    async def find_follow_up_task(self, district_id: str, session_id: str) -> KnownTask | None:
        tasks = self.state.progress.tasks  # progress's copy of the tasks
        return next(
            (
                task
                for _, task in sorted(tasks.items())
                if task.district_id == district_id
                and task.session_id == session_id
                and task.bookend is Bookend.FOLLOW_UP
                and task.withdrawn_at is None
            ),
            None,
        )

    async def get_question(self, district_id: str, question_id: str) -> Question | None:
        question = self.state.asked.questions.get(question_id)
        return question if question is not None and question.district_id == district_id else None

    async def list_questions(self, district_id: str, session_id: str) -> list[Question]:
        return sorted(
            (
                q
                for q in self.state.asked.questions.values()
                if (q.district_id, q.session_id) == (district_id, session_id)
            ),
            key=lambda q: (q.asked_at, q.id),
        )

    async def list_follow_up_questions(self, district_id: str, session_id: str) -> list[Question]:
        return [
            q for q in await self.list_questions(district_id, session_id) if q.follow_up is not None
        ]

    async def page_questions(
        self,
        district_id: str,
        session_id: str,
        asked: PageAsk,
        *,
        visibility: Visibility | None = None,
        asker_id: str | None = None,
        follow_up: bool = False,
    ) -> KeyedPage[Question]:
        found = [
            q
            for q in await self.list_questions(district_id, session_id)
            if visibility in (None, q.visibility)
            and asker_id in (None, q.asker_id)
            and (not follow_up or q.follow_up is not None)
        ]
        return keyed_page(found, lambda q: order_key(q.asked_at, q.id), asked)

    async def count_questions(
        self, district_id: str, session_id: str, *, asker_id: str | None = None, up_to: int
    ) -> int:
        found = sum(
            asker_id in (None, q.asker_id)
            for q in await self.list_questions(district_id, session_id)
        )
        return min(found, up_to)

    async def get_note(self, district_id: str, note_id: str) -> Note | None:
        note = self.state.asked.notes.get(note_id)
        return note if note is not None and note.district_id == district_id else None

    async def list_notes(
        self, district_id: str, student_id: str, *, after: Position | None, limit: int
    ) -> list[Note]:
        mine = [
            n
            for n in self.state.asked.notes.values()
            if (n.district_id, n.student_id) == (district_id, student_id)
        ]
        newest = sorted(mine, key=lambda n: order_key(n.given_at, n.id), reverse=True)
        if after is not None:
            start = order_key(after.created_at, after.id)
            newest = [n for n in newest if order_key(n.given_at, n.id) < start]
        return newest[:limit]

    async def count_notes_of(self, district_id: str, student_id: str) -> int:
        return sum(
            (n.district_id, n.student_id) == (district_id, student_id)
            for n in self.state.asked.notes.values()
        )

    async def count_notes(
        self, district_id: str, student_id: str, about: str, *, up_to: int
    ) -> int:
        found = sum(
            (n.district_id, n.student_id, n.about) == (district_id, student_id, about)
            for n in self.state.asked.notes.values()
        )
        return min(found, up_to)


class FakeQuestionWrites(FakeQuestionReads):
    async def save_planned_session(self, session: PlannedSession) -> None:
        self.state.asked.sessions[session.district_id, session.session_id] = session

    async def add_question(self, question: Question) -> None:
        assert question.id not in self.state.asked.questions
        self.state.asked.questions[question.id] = question
        for scope, asker_id in (("session", ""), ("asker", question.asker_id)):
            key = (question.district_id, question.session_id, scope, asker_id)
            self.state.asked.tallies[key] = self.state.asked.tallies.get(key, 0) + 1

    async def save_question(self, question: Question) -> None:
        assert question.id in self.state.asked.questions
        self.state.asked.questions[question.id] = question

    async def add_note(self, note: Note) -> None:
        assert note.id not in self.state.asked.notes
        self.state.asked.notes[note.id] = note
