"""Prompts' MongoDB access: prompts (their tally inside) and answers, mapped to and from
documents. `services/feedback/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from bookend.mongo import Document, Queries, exact, from_document, order_key, to_document
from bookend.paging import KeyedPage, PageAsk
from services.feedback.prompts.domain import Answer, Prompt

PROMPTS = "prompts"
# One document per student and prompt: an answer again replaces it in place.
ANSWERS = "prompt_answers"
OPENED_ORDER = [("opened_at", 1), ("_id", 1)]
# When a prompt opened, then its id, as one string written with it (ADR 0007): the key a
# session's prompts are paged by.
ORDER = "order"
ORDER_ADDED = "prompt_order_added"

# (collection, fields, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    (PROMPTS, ["district_id", "session_id", "opened_at"], False),
    (PROMPTS, ["district_id", "session_id", ORDER], False),
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

    async def page_prompts(
        self, district_id: str, session_id: str, asked: PageAsk
    ) -> KeyedPage[Prompt]:
        query = {"district_id": district_id, "session_id": session_id}
        return await self._page(PROMPTS, query, ORDER, asked, _prompt)

    async def add_prompt_order(self) -> None:
        """Prompts stored before they were paged get their order field, once."""
        await self._add_missing(
            PROMPTS, ORDER, lambda doc: prompt_document(_prompt(doc)), ORDER_ADDED
        )

    async def get_answer(self, district_id: str, prompt_id: str, student_id: str) -> Answer | None:
        query = {"district_id": district_id, "prompt_id": prompt_id, "student_id": student_id}
        return await self._get(Answer, ANSWERS, query)

    async def list_answers(self, district_id: str, prompt_id: str) -> list[Answer]:
        query = {"district_id": district_id, "prompt_id": prompt_id}
        return await self._list(Answer, ANSWERS, query, [("student_id", 1)])

    async def page_answers(
        self, district_id: str, prompt_id: str, asked: PageAsk
    ) -> KeyedPage[Answer]:
        query = {"district_id": district_id, "prompt_id": prompt_id}
        return await self._page(
            ANSWERS, query, "student_id", asked, lambda doc: from_document(Answer, doc)
        )

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
        await self.db[PROMPTS].replace_one(
            exact({"_id": prompt.id}), prompt_document(prompt), upsert=True, session=self.session
        )

    async def save_answer(self, answer: Answer) -> None:
        await self._save(ANSWERS, answer, "district_id", "prompt_id", "student_id")


def prompt_document(prompt: Prompt) -> Document:
    return to_document(prompt, key="id") | {ORDER: order_key(prompt.opened_at, prompt.id)}


def _prompt(doc: Document) -> Prompt:
    return from_document(Prompt, doc, key="id")
