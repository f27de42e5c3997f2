"""Questions' MongoDB access, mapped to and from documents. `services/feedback/store.py`
composes it with the other slices' into one store."""

from __future__ import annotations

from bookend.contracts.feedback import QuestionVisibility as Visibility
from bookend.mongo import Document, Queries, exact, from_document, order_key, to_document
from bookend.paging import KeyedPage, PageAsk
from services.feedback.questions.domain import Question

QUESTIONS = "questions"
# How many questions each session, and each student about each session, were asked: written
# by every ask, so that two asks counted against the same bound conflict (ADR 0039).
TALLIES = "question_tallies"

# (collection, fields, unique): a session's questions in the order asked, every one, its
# class questions, and each student's own; a student's questions about a session, counted
# against their bound; one tally of each.
INDEXES: list[tuple[str, list[str], bool]] = [
    (QUESTIONS, ["district_id", "session_id", "order"], False),
    (QUESTIONS, ["district_id", "session_id", "visibility", "order"], False),
    (QUESTIONS, ["district_id", "session_id", "asker_id", "order"], False),
    (QUESTIONS, ["district_id", "session_id", "asker_id"], False),
    (TALLIES, ["district_id", "session_id", "scope", "asker_id"], True),
]


class QuestionQueries(Queries):
    async def get_question(self, district_id: str, question_id: str) -> Question | None:
        doc = await self._one(QUESTIONS, {"_id": question_id, "district_id": district_id})
        return None if doc is None else _question(doc)

    async def list_questions(self, district_id: str, session_id: str) -> list[Question]:
        query = {"district_id": district_id, "session_id": session_id}
        return [_question(doc) for doc in await self._many(QUESTIONS, query, [("order", 1)])]

    async def list_follow_up_questions(self, district_id: str, session_id: str) -> list[Question]:
        # Bounded by the session's index range; the rest of the filter checks its rows.
        query = {"district_id": district_id, "session_id": session_id, "follow_up": {"$ne": None}}
        return [_question(doc) for doc in await self._many(QUESTIONS, query, [("order", 1)])]

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
        query: Document = {"district_id": district_id, "session_id": session_id}
        if asker_id is not None:
            query["asker_id"] = asker_id
        if visibility is not None:
            query["visibility"] = visibility.value
        if follow_up:
            # Checked on the rows of the session's index range (at most MAX_PER_SESSION).
            query["follow_up"] = {"$ne": None}
        return await self._page(QUESTIONS, query, "order", asked, _question)

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
        # The bounds were counted in this transaction; writing both tallies in it too makes
        # two asks that counted the same questions conflict on a replica set (the second runs
        # again and counts the first's question). The embedded store runs one at a time.
        for scope, asker_id in (("session", ""), ("asker", question.asker_id)):
            tally = {
                "district_id": question.district_id,
                "session_id": question.session_id,
                "scope": scope,
                "asker_id": asker_id,
            }
            await self.db[TALLIES].update_one(
                exact(tally), {"$inc": {"asked": 1}}, upsert=True, session=self.session
            )

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
