"""Notes' MongoDB access, mapped to and from documents. `services/feedback/store.py` composes
it with the other slices' into one store."""

from __future__ import annotations

from bookend.cursors import Position
from bookend.mongo import Document, Queries, from_document, order_key, to_document
from services.feedback.notes.domain import Note

NOTES = "notes"
_DERIVED = ("order", "about")  # kept beside the note's fields, for the indexes below

# (collection, fields, unique): a student's notes newest first; a student's notes about one
# task or session, counted against their bound.
INDEXES: list[tuple[str, list[str], bool]] = [
    (NOTES, ["district_id", "student_id", "order"], False),
    (NOTES, ["district_id", "student_id", "about"], False),
]


class NoteQueries(Queries):
    async def get_note(self, district_id: str, note_id: str) -> Note | None:
        doc = await self._one(NOTES, {"_id": note_id, "district_id": district_id})
        return None if doc is None else _note(doc)

    async def list_notes(
        self, district_id: str, student_id: str, *, after: Position | None, limit: int
    ) -> list[Note]:
        query: Document = {"district_id": district_id, "student_id": student_id}
        if after is not None:
            query["order"] = {"$lt": order_key(after.created_at, after.id)}
        return [_note(doc) for doc in await self._many(NOTES, query, [("order", -1)], limit)]

    async def count_notes_of(self, district_id: str, student_id: str) -> int:
        return await self._count(NOTES, {"district_id": district_id, "student_id": student_id})

    async def count_notes(
        self, district_id: str, student_id: str, about: str, *, up_to: int
    ) -> int:
        query = {"district_id": district_id, "student_id": student_id, "about": about}
        return await self._count(NOTES, query, up_to)


class NoteWrites(NoteQueries):
    async def add_note(self, note: Note) -> None:
        doc = to_document(note, key="id")
        doc["order"], doc["about"] = order_key(note.given_at, note.id), note.about
        await self.db[NOTES].insert_one(doc, session=self.session)


def _note(doc: Document) -> Note:
    return from_document(Note, {k: v for k, v in doc.items() if k not in _DERIVED}, key="id")
