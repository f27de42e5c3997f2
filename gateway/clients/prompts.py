"""Feedback's HTTP API for prompts as typed calls (ADR 0034); the feedback client offers them."""

from __future__ import annotations

from bookend.http_contracts.prompts import (
    Prompt,
    PromptAnswer,
    PromptAnswerCreate,
    PromptAnswerPage,
    PromptCreate,
    PromptPage,
)
from gateway.upstream import Page, ServiceClient, at


class PromptCalls(ServiceClient):
    async def open_prompt(
        self, session_id: str, prompt: PromptCreate, key: str | None = None
    ) -> Prompt:
        path = at("/sessions/{session_id}/prompts", session_id=session_id)
        return await self.call(Prompt, "POST", path, body=prompt, key=key)

    async def list_session_prompts(self, session_id: str, page: Page) -> PromptPage:
        path = at("/sessions/{session_id}/prompts", session_id=session_id)
        return await self.call(PromptPage, "GET", path, params=page.params())

    async def get_prompt(self, prompt_id: str) -> Prompt:
        return await self.call(Prompt, "GET", at("/prompts/{prompt_id}", prompt_id=prompt_id))

    async def close_prompt(self, prompt_id: str) -> Prompt:
        path = at("/prompts/{prompt_id}/close", prompt_id=prompt_id)
        return await self.call(Prompt, "POST", path)

    async def reveal_prompt_results(self, prompt_id: str) -> Prompt:
        path = at("/prompts/{prompt_id}/reveal", prompt_id=prompt_id)
        return await self.call(Prompt, "POST", path)

    async def answer_prompt(
        self, prompt_id: str, answer: PromptAnswerCreate, key: str | None = None
    ) -> PromptAnswer:
        path = at("/prompts/{prompt_id}/answers", prompt_id=prompt_id)
        return await self.call(PromptAnswer, "POST", path, body=answer, key=key)

    async def list_prompt_answers(self, prompt_id: str, page: Page) -> PromptAnswerPage:
        path = at("/prompts/{prompt_id}/answers", prompt_id=prompt_id)
        return await self.call(PromptAnswerPage, "GET", path, params=page.params())
