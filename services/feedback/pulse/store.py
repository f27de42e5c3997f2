"""Pulse surveys' MongoDB access, mapped to and from documents. `services/feedback/store.py`
composes it with the other slices' into one store."""

from __future__ import annotations

from bookend.mongo import Document, Queries, exact, from_document, to_document
from bookend.paging import KeyedPage, PageAsk
from services.feedback.pulse.domain import Pulse

PULSES = "pulses"
# A copy of each pulse for each of the student's sections, written with it: a section's week
# is one index range on either store. (A multikey index on the pulses' `section_ids` would
# do on MongoDB, but the embedded store scans a district's week for it: 70-140 ms at 10,000
# pulses, ADR 0036.)
SECTION_PULSES = "section_pulses"
NATURAL_KEY = ("district_id", "student_id", "week", "respondent_id")
# A copy's place in its section's week, as one string written with it (ADR 0044): by student,
# their own pulse before their guardians', then by respondent.
ORDER = "order"
ORDER_ADDED = "section_pulse_order_added"
INDEXES: list[tuple[str, list[str], bool]] = [
    (PULSES, list(NATURAL_KEY), True),  # one a respondent, student and week
    (SECTION_PULSES, ["district_id", "section_id", "week", "student_id", "respondent_id"], True),
    (SECTION_PULSES, ["district_id", "section_id", "week", ORDER], False),
]
# Joins the parts of an order key: it sorts before every printable character (ids are
# printable), so the joined strings sort as the parts do, one after another.
_PARTS = "\x1f"
BY_RESPONDENT = [("student_id", 1), ("respondent_id", 1)]


class PulseQueries(Queries):
    async def get_pulse(
        self, district_id: str, student_id: str, week: str, respondent_id: str
    ) -> Pulse | None:
        query = dict(zip(NATURAL_KEY, (district_id, student_id, week, respondent_id), strict=True))
        return await self._get(Pulse, PULSES, query, key="id")

    async def list_student_pulses(
        self, district_id: str, student_id: str, week: str
    ) -> list[Pulse]:
        query = {"district_id": district_id, "student_id": student_id, "week": week}
        return await self._list(Pulse, PULSES, query, [("respondent_id", 1)], key="id")

    async def latest_own_pulse(self, district_id: str, student_id: str) -> Pulse | None:
        query = {"district_id": district_id, "student_id": student_id, "respondent_id": student_id}
        found = await self._list(Pulse, PULSES, query, [("week", -1)], key="id", limit=1)
        return found[0] if found else None

    async def list_section_pulses(
        self, district_id: str, section_id: str, week: str
    ) -> list[Pulse]:
        query = {"district_id": district_id, "section_id": section_id, "week": week}
        docs = await self._many(SECTION_PULSES, query, BY_RESPONDENT)
        return [_copied(doc) for doc in docs]

    async def page_section_pulses(
        self, district_id: str, section_id: str, week: str, asked: PageAsk
    ) -> KeyedPage[Pulse]:
        query = {"district_id": district_id, "section_id": section_id, "week": week}
        return await self._page(SECTION_PULSES, query, ORDER, asked, _copied)

    async def add_section_pulse_order(self) -> None:
        """Copies stored before they were paged get their order field, once."""
        await self._add_missing(
            SECTION_PULSES,
            ORDER,
            lambda doc: doc | {ORDER: pulse_order(_copied(doc))},
            ORDER_ADDED,
        )


class PulseWrites(PulseQueries):
    async def save_pulse(self, pulse: Pulse) -> None:
        """The pulse, replaced in place, and its copy in each of its sections; copies in
        sections it no longer names are removed."""
        doc = to_document(pulse, key="id")
        key = {field: doc[field] for field in NATURAL_KEY}
        before = await self._one(PULSES, key)
        await self._save(PULSES, pulse, *NATURAL_KEY, key="id")
        lines = self.db[SECTION_PULSES]
        for gone in set(before["section_ids"] if before else ()) - set(pulse.section_ids):
            await lines.delete_one(exact({**key, "section_id": gone}), session=self.session)
        copy = {**_without(doc, "_id"), "id": pulse.id}
        for section in pulse.section_ids:
            line = {**copy, "section_id": section, ORDER: pulse_order(pulse)}
            found = exact({**key, "section_id": section})
            await lines.replace_one(found, line, upsert=True, session=self.session)


def pulse_order(pulse: Pulse) -> str:
    """A pulse's place in its section's week: its student, theirs before a guardian's, then
    its respondent."""
    return _PARTS.join((pulse.student_id, "1" if pulse.by_guardian else "0", pulse.respondent_id))


def _copied(doc: Document) -> Pulse:
    # A copy holds the pulse's fields under their names (its id as `id`), and its section.
    return from_document(Pulse, _without(doc, "section_id"))


def _without(doc: Document, field: str) -> Document:
    return {name: value for name, value in doc.items() if name != field}
