"""What prompts' use cases and handlers need from storage, so unit tests can use fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bookend.outbox import Outbox
from bookend.paging import KeyedPage, PageAsk
from services.feedback.access import SchoolOfSection
from services.feedback.live.domain import LiveChannel
from services.feedback.prompts.domain import Answer, Prompt

T = TypeVar("T")


class Reads(SchoolOfSection, Protocol):
    """Queries, each scoped to one district; the same on the store and inside a transaction."""

    async def get_channel(self, district_id: str, session_id: str) -> LiveChannel | None: ...

    async def get_prompt(self, district_id: str, prompt_id: str) -> Prompt | None: ...

    async def list_prompts(self, district_id: str, session_id: str) -> list[Prompt]:
        """A session's prompts in the order they were opened."""
        ...

    async def page_prompts(
        self, district_id: str, session_id: str, asked: PageAsk
    ) -> KeyedPage[Prompt]:
        """A page of a session's prompts in the order they were opened."""
        ...

    async def get_answer(
        self, district_id: str, prompt_id: str, student_id: str
    ) -> Answer | None: ...

    async def list_answers(self, district_id: str, prompt_id: str) -> list[Answer]:
        """A prompt's answers, by student."""
        ...

    async def page_answers(
        self, district_id: str, prompt_id: str, asked: PageAsk
    ) -> KeyedPage[Answer]:
        """A page of a prompt's answers, by student id."""
        ...

    async def answered_by(self, district_id: str, prompt_id: str) -> list[str]:
        """The students who answered a prompt (ids only: no answer is read), by id."""
        ...

    async def list_own_answers(
        self, district_id: str, session_id: str, student_id: str
    ) -> list[Answer]:
        """One student's answers to a session's prompts."""
        ...


class Transaction(Reads, Outbox, Protocol):
    """One transaction: state, emitted events and the inbox mark commit together or not at all."""

    async def save_prompt(self, prompt: Prompt) -> None: ...

    async def save_answer(self, answer: Answer) -> None:
        """The student's answer to the prompt, replacing their earlier one."""
        ...


class Store(Reads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
