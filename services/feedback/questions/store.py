"""Questions' MongoDB access, mapped to and from documents. `services/feedback/store.py`
composes it with the other slices' into one store."""

from __future__ import annotations

from bookend.mongo import Document, Queries, exact, from_document, order_key, to_document
from services.feedback.questions.domain import Question

QUESTIONS = "questions"

# (collection, fields, unique): a session's questions in the order asked; a student's
# questions about a session, counted against their bound.
INDEXES: list[tuple[str, list[str], bool]] = [
    (QUESTIONS, ["district_id", "session_id", "order"], False),
    (QUESTIONS, ["district_id", "session_id", "asker_id"], False),
]


class QuestionQueries(Queries):
    async def get_question(self, district_id: str, question_id: str) -> Question | None:
        doc = await self._one(QUESTIONS, {"_id": question_id, "district_id": district_id})
        return None if doc is None else _question(doc)

    async def list_questions(self, district_id: str, session_id: str) -> list[Question]:
        query = {"district_id": district_id, "session_id": session_id}
        return [_question(doc) for doc in await self._many(QUESTIONS, query, [("order", 1)])]

    async def count_questions(
        self, district_id: str, session_id: str, *, asker_id: str | None = None, up_to: int
    ) -> int:
        query: Document = {"district_id": district_id, "session_id": session_id}
        if asker_id is not None:
            query["asker_id"] = asker_id
        return await self._count(QUESTIONS, query, up_to)


class QuestionWrites(QuestionQueries):
    async def add_question(self, question: Question) -> None:
        await self.db[QUESTIONS].insert_one(_document(question), session=self.session)

    async def save_question(self, question: Question) -> None:
        # Whole, never field by field (ADR 0007).
        await self.db[QUESTIONS].replace_one(
            exact({"_id": question.id}), _document(question), session=self.session
        )


def _document(question: Question) -> Document:
    doc = to_document(question, key="id")
    doc["order"] = order_key(question.asked_at, question.id)
    return doc


def _question(doc: Document) -> Question:
    return from_document(Question, {k: v for k, v in doc.items() if k != "order"}, key="id")
