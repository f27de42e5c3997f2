"""Pulse surveys' MongoDB access, mapped to and from documents. `services/feedback/store.py`
composes it with the other slices' into one store."""

from __future__ import annotations

from bookend.mongo import Document, Queries
from services.feedback.pulse.domain import Pulse

PULSES = "pulses"
# One pulse a respondent, student and week (the unique index). A section's week is read by
# the sections its students' pulses name: one index range on MongoDB (a multikey index); on
# the embedded store, the district's week of pulses checked one by one (ADR 0036).
INDEXES: list[tuple[str, list[str], bool]] = [
    (PULSES, ["district_id", "student_id", "week", "respondent_id"], True),
    (PULSES, ["district_id", "week", "section_ids"], False),
]
BY_RESPONDENT = [("student_id", 1), ("respondent_id", 1)]


class PulseQueries(Queries):
    async def get_pulse(
        self, district_id: str, student_id: str, week: str, respondent_id: str
    ) -> Pulse | None:
        query = {
            "district_id": district_id,
            "student_id": student_id,
            "week": week,
            "respondent_id": respondent_id,
        }
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
        # A list field is matched with $elemMatch: the embedded store misses a plain value.
        query: Document = {
            "district_id": district_id,
            "week": week,
            "section_ids": {"$elemMatch": {"$eq": section_id}},
        }
        return await self._list(Pulse, PULSES, query, BY_RESPONDENT, key="id")


class PulseWrites(PulseQueries):
    async def save_pulse(self, pulse: Pulse) -> None:
        await self._save(
            PULSES, pulse, "district_id", "student_id", "week", "respondent_id", key="id"
        )
