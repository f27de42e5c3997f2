"""The roster's MongoDB access: schools, sections, enrolments and learners.
`services/scheduler/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from collections.abc import Collection

from bookend.mongo import Document, Queries
from services.scheduler.roster.domain import Enrolment, Learner, School, Section
from services.scheduler.roster.ports import SectionFilter

SCHOOLS, SECTIONS, ENROLMENTS, LEARNERS = "schools", "sections", "enrolments", "learners"

# (collection, fields, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    (SCHOOLS, ["district_id", "id"], True),
    (SECTIONS, ["district_id", "id"], True),
    (SECTIONS, ["district_id", "teacher_ids"], False),
    (SECTIONS, ["district_id", "school_id"], False),
    (ENROLMENTS, ["district_id", "section_id", "student_id"], True),
    (ENROLMENTS, ["district_id", "student_id"], False),
    (LEARNERS, ["district_id", "student_id"], True),
]


class RosterQueries(Queries):
    async def get_school(self, district_id: str, school_id: str) -> School | None:
        return await self._get(School, SCHOOLS, {"district_id": district_id, "id": school_id})

    async def get_section(self, district_id: str, section_id: str) -> Section | None:
        return await self._get(Section, SECTIONS, {"district_id": district_id, "id": section_id})

    async def list_sections(self, district_id: str, which: SectionFilter) -> list[Section]:
        query: Document = {"district_id": district_id}
        if which.school_id is not None:
            query["school_id"] = which.school_id
        if which.teacher_id is not None:
            # `$elemMatch`: the embedded store matches a list field by one value only this way.
            query["teacher_ids"] = {"$elemMatch": {"$eq": which.teacher_id}}
        if which.section_ids is not None:
            query["id"] = {"$in": sorted(which.section_ids)}
        return await self._list(Section, SECTIONS, query, [("id", 1)])

    async def list_enrolments(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Enrolment]:
        query = {"district_id": district_id, "student_id": {"$in": sorted(student_ids)}}
        order = [("section_id", 1), ("student_id", 1)]
        return await self._list(Enrolment, ENROLMENTS, query, order)

    async def get_learner(self, district_id: str, student_id: str) -> Learner | None:
        query = {"district_id": district_id, "student_id": student_id}
        return await self._get(Learner, LEARNERS, query)

    async def list_section_students(self, district_id: str, section_id: str) -> list[str]:
        query = {"district_id": district_id, "section_id": section_id}
        enrolments = await self._list(Enrolment, ENROLMENTS, query, [("student_id", 1)])
        return [enrolment.student_id for enrolment in enrolments]


class RosterWrites(RosterQueries):
    async def save_school(self, school: School) -> None:
        await self._save(SCHOOLS, school, "district_id", "id")

    async def save_section(self, section: Section) -> None:
        await self._save(SECTIONS, section, "district_id", "id")

    async def save_enrolment(self, enrolment: Enrolment) -> None:
        await self._save(ENROLMENTS, enrolment, "district_id", "section_id", "student_id")

    async def save_learner(self, learner: Learner) -> None:
        await self._save(LEARNERS, learner, "district_id", "student_id")
