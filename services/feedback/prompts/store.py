"""Prompts' MongoDB access: prompts (their tally inside) and answers, mapped to and from
documents. `services/feedback/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from bookend.mongo import Queries, exact
from services.feedback.prompts.domain import Answer, Prompt

PROMPTS = "prompts"
# One document per student and prompt: an answer again replaces it in place.
ANSWERS = "prompt_answers"
OPENED_ORDER = [("opened_at", 1), ("_id", 1)]

# (collection, fields, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    (PROMPTS, ["district_id", "session_id", "opened_at"], False),
    (ANSWERS, ["district_id", "prompt_id", "student_id"], True),
    (ANSWERS, ["district_id", "session_id", "student_id"], False),
]


class PromptQueries(Queries):
    async def get_prompt(self, district_id: str, prompt_id: str) -> Prompt | None:
        query = {"_id": prompt_id, "district_id": district_id}
        return await self._get(Prompt, PROMPTS, query, key="id")

    async def list_prompts(self, district_id: str, session_id: str) -> list[Prompt]:
        query = {"district_id": district_id, "session_id": session_id}
        return await self._list(Prompt, PROMPTS, query, OPENED_ORDER, key="id")

    async def get_answer(self, district_id: str, prompt_id: str, student_id: str) -> Answer | None:
        query = {"district_id": district_id, "prompt_id": prompt_id, "student_id": student_id}
        return await self._get(Answer, ANSWERS, query)

    async def list_answers(self, district_id: str, prompt_id: str) -> list[Answer]:
        query = {"district_id": district_id, "prompt_id": prompt_id}
        return await self._list(Answer, ANSWERS, query, [("student_id", 1)])

    async def answered_by(self, district_id: str, prompt_id: str) -> list[str]:
        # Ids only: a thousand answers' texts are not read to say who has not answered.
        cursor = self.db[ANSWERS].find(
            exact({"district_id": district_id, "prompt_id": prompt_id}),
            {"student_id": 1},
            session=self.session,
        )
        return sorted(doc["student_id"] for doc in await cursor.to_list())

    async def list_own_answers(
        self, district_id: str, session_id: str, student_id: str
    ) -> list[Answer]:
        query = {"district_id": district_id, "session_id": session_id, "student_id": student_id}
        return await self._list(Answer, ANSWERS, query)


class PromptWrites(PromptQueries):
    async def save_prompt(self, prompt: Prompt) -> None:
        await self._save(PROMPTS, prompt, "_id", key="id")

    async def save_answer(self, answer: Answer) -> None:
        await self._save(ANSWERS, answer, "district_id", "prompt_id", "student_id")
