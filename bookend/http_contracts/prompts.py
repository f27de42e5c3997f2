"""Feedback's HTTP API for prompts: open, close and reveal them, answer them, read them
(ADR 0034)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bookend.contracts.feedback import PromptKind, PromptResults, PromptStatus
from bookend.http_contracts.paging import Page


class PromptCreate(BaseModel):
    """Lengths and counts (a question of at most 500 characters; 2 to 10 options of at most
    200, for multiple choice only) are domain rules, so the errors name them everywhere."""

    kind: PromptKind
    question: str
    options: list[str] = []


class PromptAnswerCreate(BaseModel):
    """A choice (an index into the prompt's choices), or text for a short-text prompt (at most
    1,000 characters)."""

    choice: int | None = None
    text: str | None = None


class PromptAnswer(BaseModel):
    prompt_id: str
    student_id: str
    choice: int | None
    text: str | None
    answered_at: datetime
    late: bool


class Prompt(BaseModel):
    """A prompt as the caller may see it: `results` for the section's staff, and for its
    students once revealed; `not_answered` (the students expected who have not answered) for
    staff only; `own_answer` and `assigned` (left to them as on-demand work) for a student."""

    id: str
    session_id: str
    section_id: str
    kind: PromptKind
    question: str
    choices: list[str]
    status: PromptStatus
    opened_at: datetime
    closed_at: datetime | None
    revealed_at: datetime | None
    results: PromptResults | None
    not_answered: list[str] | None
    own_answer: PromptAnswer | None
    assigned: bool


class PromptPage(Page[Prompt]):
    """A session's prompts in the order they opened."""


class PromptAnswerPage(Page[PromptAnswer]):
    """A prompt's answers, by student id."""
