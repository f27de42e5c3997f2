"""What questions' use cases need from storage, so unit tests can use fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.outbox import Outbox
from bookend.paging import KeyedPage, PageAsk
from services.feedback.plan.ports import PlanReads
from services.feedback.questions.domain import Question

T = TypeVar("T")


class Reads(PlanReads, Protocol):
    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        """The school a section belongs to, as the scheduler's events told it."""
        ...

    async def get_question(self, district_id: str, question_id: str) -> Question | None: ...

    async def list_questions(self, district_id: str, session_id: str) -> list[Question]:
        """A session's questions in the order they were asked (at most MAX_PER_SESSION)."""
        ...

    async def list_follow_up_questions(self, district_id: str, session_id: str) -> list[Question]:
        """Those of a session's questions left for its follow-up (answered since or not), in
        the order they were asked."""
        ...

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
        """A page of a session's questions in the order they were asked: only those of this
        visibility, or asker, or left for the follow-up, when given."""
        ...

    async def count_questions(
        self, district_id: str, session_id: str, *, asker_id: str | None = None, up_to: int
    ) -> int:
        """How many questions a session has (only one student's, if given), counted no
        further than `up_to`."""
        ...


class Transaction(Reads, Outbox, Protocol):
    async def add_question(self, question: Question) -> None:
        """Insert it, and count it in its session's and its asker's tallies: two asks that
        counted the same questions against a bound then write the same tally, and on a
        replica set the second conflicts and runs again (ADR 0039)."""
        ...

    async def save_question(self, question: Question) -> None:
        """Replace it whole (upvotes, answer, follow-up)."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
