"""The roster's MongoDB access: the district, schools, terms, sections, people, guardians,
enrolments and groups of students, and the records of roster imports.
`services/scheduler/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter
from pymongo import ReplaceOne
from pymongo.errors import DuplicateKeyError

from bookend.mongo import Document, Queries, exact, from_document
from bookend.paging import KeyedPage, PageAsk
from services.scheduler.roster.calendar import calendar_of
from services.scheduler.roster.domain import (
    District,
    Enrolment,
    Guardianship,
    Learner,
    Person,
    PersonRole,
    School,
    SchoolCalendar,
    Section,
    Term,
    student_zone,
)
from services.scheduler.roster.groups import Group, GroupNameTaken
from services.scheduler.roster.imports.store import INDEXES as IMPORT_INDEXES
from services.scheduler.roster.imports.store import ImportRecords
from services.scheduler.roster.ports import SectionFilter

DISTRICTS, SCHOOLS, TERMS, SECTIONS = "districts", "schools", "terms", "sections"
PEOPLE, GUARDIANSHIPS, ENROLMENTS = "people", "guardianships", "enrolments"
GROUPS = "student_groups"
# Students' own zones as enrolments kept them before the roster kept people: read, never written.
LEARNERS = "learners"
# The string a list is paged by (ADR 0044), kept beside a record whose own fields do not
# make one. Never one the embedded store takes for a date (a string starting like
# 2025-08-18 or 08/18/2025): it compares those as dates, and a page after one came back
# empty.
ORDER = "order"
# A term's: its start as YYYYMMDD (eight characters wide, so the strings sort as the pairs
# do), then its id.
TERM_ORDER_ADDED = "term_order_added"
# A group's: its name's key (unique in its section) behind a prefix: a teacher may name a
# group after a date.
GROUP_ORDER_ADDED = "group_order_added"

# (collection, fields, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    (DISTRICTS, ["district_id"], True),
    (SCHOOLS, ["district_id", "id"], True),
    (TERMS, ["district_id", "id"], True),
    (TERMS, ["district_id", "school_id"], False),
    (TERMS, ["district_id", ORDER], False),
    (SECTIONS, ["district_id", "id"], True),
    (SECTIONS, ["district_id", "teacher_ids"], False),
    (SECTIONS, ["district_id", "school_id", "id"], False),
    (PEOPLE, ["district_id", "id"], True),
    (GUARDIANSHIPS, ["district_id", "student_id", "guardian_id"], True),
    (GUARDIANSHIPS, ["district_id", "guardian_id"], False),
    (ENROLMENTS, ["district_id", "section_id", "student_id"], True),
    (ENROLMENTS, ["district_id", "student_id"], False),
    (LEARNERS, ["district_id", "student_id"], True),
    (GROUPS, ["district_id", "id"], True),
    # A name once per section, whatever its case: the rule holds for two teachers at once too.
    (GROUPS, ["district_id", "section_id", "name_key"], True),
    (GROUPS, ["district_id", "section_id", ORDER], False),
    *IMPORT_INDEXES,
]

# More ids than this are looked up by reading the district's documents once.
IDS_PER_QUERY = 1000

# Each record's natural key within the database, by collection.
KEYS = {
    SCHOOLS: ("district_id", "id"),
    TERMS: ("district_id", "id"),
    SECTIONS: ("district_id", "id"),
    PEOPLE: ("district_id", "id"),
    GUARDIANSHIPS: ("district_id", "student_id", "guardian_id"),
    ENROLMENTS: ("district_id", "section_id", "student_id"),
}


_adapters: dict[type[Any], TypeAdapter[Any]] = {}


def roster_document(record: object) -> Document:
    """A roster record as a document: its fields by name, dates and times as ISO text (BSON has
    neither without an instant), enums by value."""
    kind = type(record)
    if kind not in _adapters:
        _adapters[kind] = TypeAdapter(kind)
    doc: Document = _adapters[kind].dump_python(record, mode="json")
    return doc


def term_order(doc: Document) -> str:
    """A term document's place in its calendar (the order field it is written with)."""
    return f"{doc['starts_on'].replace('-', '')}|{doc['id']}"


def group_order(group: Group) -> str:
    return f"name:{group.name_key}"


# Fields kept beside a record's own, by collection, for the indexes that page them.
DERIVED: dict[str, Callable[[Document], Document]] = {
    TERMS: lambda doc: {ORDER: term_order(doc)},
}


def group_document(group: Group) -> Document:
    """A group with its name's key (unique in its section, whatever the case) and its order."""
    return roster_document(group) | {"name_key": group.name_key, ORDER: group_order(group)}


def _school(doc: Document) -> School:
    # A school stored before schools had zones keeps UTC until an admin gives it its own.
    return from_document(School, {"time_zone": "UTC"} | doc)


class RosterQueries(ImportRecords, Queries):
    async def get_district(self, district_id: str) -> District | None:
        doc = await self._one(DISTRICTS, {"district_id": district_id})
        return None if doc is None else District(doc["district_id"], doc["name"])

    async def get_school(self, district_id: str, school_id: str) -> School | None:
        doc = await self._one(SCHOOLS, {"district_id": district_id, "id": school_id})
        return None if doc is None else _school(doc)

    async def list_schools(
        self, district_id: str, school_ids: Collection[str] | None = None
    ) -> list[School]:
        if school_ids is None:
            docs = await self._many(SCHOOLS, {"district_id": district_id}, [("id", 1)])
        else:
            docs = await self._among(SCHOOLS, district_id, "id", school_ids)
        return sorted((_school(doc) for doc in docs), key=lambda school: school.id)

    async def page_schools(
        self, district_id: str, school_ids: Collection[str] | None, asked: PageAsk
    ) -> KeyedPage[School]:
        query: Document = {"district_id": district_id}
        if school_ids is not None:
            query["id"] = {"$in": sorted(school_ids)}
        return await self._page(SCHOOLS, query, "id", asked, _school)

    async def get_term(self, district_id: str, term_id: str) -> Term | None:
        return await self._get(Term, TERMS, {"district_id": district_id, "id": term_id})

    async def list_terms(
        self,
        district_id: str,
        *,
        school_id: str | None = None,
        term_ids: Collection[str] | None = None,
    ) -> list[Term]:
        if term_ids is not None:
            docs = await self._among(TERMS, district_id, "id", term_ids)
        else:
            query: Document = {"district_id": district_id}
            if school_id is not None:
                query["school_id"] = {"$in": [school_id, None]}  # None: the district's own
            docs = await self._many(TERMS, query)
        terms = [from_document(Term, doc) for doc in docs]
        return sorted(terms, key=lambda term: (term.starts_on, term.id))

    async def page_terms(self, district_id: str, school_id: str, asked: PageAsk) -> KeyedPage[Term]:
        # The district's terms in order from the cursor; the school's own and the district's
        # (of no school) are picked from that range.
        query = {"district_id": district_id, "school_id": {"$in": [school_id, None]}}
        return await self._page(TERMS, query, ORDER, asked, lambda d: from_document(Term, d))

    async def get_calendar(self, district_id: str, school_id: str) -> SchoolCalendar | None:
        school = await self.get_school(district_id, school_id)
        if school is None:
            return None
        terms = await self.list_terms(district_id, school_id=school_id)
        return calendar_of(school.id, school.time_zone, terms)

    async def get_section(self, district_id: str, section_id: str) -> Section | None:
        return await self._get(Section, SECTIONS, {"district_id": district_id, "id": section_id})

    async def list_sections(self, district_id: str, which: SectionFilter) -> list[Section]:
        return await self._list(Section, SECTIONS, _sections(district_id, which), [("id", 1)])

    async def page_sections(
        self, district_id: str, which: SectionFilter, asked: PageAsk
    ) -> KeyedPage[Section]:
        query = _sections(district_id, which)
        return await self._page(SECTIONS, query, "id", asked, lambda d: from_document(Section, d))

    async def section_ids(self, district_id: str, which: SectionFilter) -> set[str]:
        query = exact(_sections(district_id, which))
        cursor = self.db[SECTIONS].find(query, {"id": 1}, session=self.session)
        return {doc["id"] for doc in await cursor.to_list()}

    async def list_enrolments(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Enrolment]:
        docs = await self._among(ENROLMENTS, district_id, "student_id", student_ids)
        enrolments = [from_document(Enrolment, doc) for doc in docs]
        return sorted(enrolments, key=lambda e: (e.section_id, e.student_id))

    async def list_section_students(self, district_id: str, section_id: str) -> list[str]:
        query = {"district_id": district_id, "section_id": section_id}
        enrolments = await self._list(Enrolment, ENROLMENTS, query, [("student_id", 1)])
        return [enrolment.student_id for enrolment in enrolments]

    async def page_section_students(
        self, district_id: str, section_id: str, asked: PageAsk
    ) -> KeyedPage[str]:
        query = {"district_id": district_id, "section_id": section_id}
        return await self._page(ENROLMENTS, query, "student_id", asked, lambda d: d["student_id"])

    async def get_learner(self, district_id: str, student_id: str) -> Learner | None:
        student = await self.get_person(district_id, student_id)
        if student is None or student.role != PersonRole.STUDENT:
            query = {"district_id": district_id, "student_id": student_id}
            return await self._get(Learner, LEARNERS, query)
        school = None
        if not student.time_zone and student.school_ids:
            school = await self.get_school(district_id, student.school_ids[0])
        zone = student_zone(student, [school] if school else [])
        return None if zone is None else Learner(student_id, district_id, zone)

    async def get_person(self, district_id: str, person_id: str) -> Person | None:
        return await self._get(Person, PEOPLE, {"district_id": district_id, "id": person_id})

    async def list_people(self, district_id: str, person_ids: Collection[str]) -> list[Person]:
        docs = await self._among(PEOPLE, district_id, "id", person_ids)
        return sorted((from_document(Person, doc) for doc in docs), key=lambda p: p.id)

    async def list_guardianships(
        self, district_id: str, *, student_ids: Collection[str]
    ) -> list[Guardianship]:
        docs = await self._among(GUARDIANSHIPS, district_id, "student_id", student_ids)
        links = [from_document(Guardianship, doc) for doc in docs]
        return sorted(links, key=lambda g: (g.student_id, g.guardian_id))

    async def list_wards(self, district_id: str, guardian_id: str) -> list[str]:
        query = {"district_id": district_id, "guardian_id": guardian_id}
        return sorted(doc["student_id"] for doc in await self._many(GUARDIANSHIPS, query))

    async def get_group(self, district_id: str, group_id: str) -> Group | None:
        return await self._get(Group, GROUPS, {"district_id": district_id, "id": group_id})

    async def list_groups(self, district_id: str, section_id: str) -> list[Group]:
        query = {"district_id": district_id, "section_id": section_id}
        return await self._list(Group, GROUPS, query, [("name_key", 1), ("id", 1)])

    async def page_groups(
        self, district_id: str, section_id: str, asked: PageAsk
    ) -> KeyedPage[Group]:
        query = {"district_id": district_id, "section_id": section_id}
        return await self._page(GROUPS, query, ORDER, asked, lambda d: from_document(Group, d))

    async def add_roster_order(self) -> None:
        """Terms and groups stored before they were paged get their order field, once."""
        await self._add_missing(
            TERMS, ORDER, lambda doc: doc | {ORDER: term_order(doc)}, TERM_ORDER_ADDED
        )
        await self._add_missing(
            GROUPS, ORDER, lambda doc: group_document(from_document(Group, doc)), GROUP_ORDER_ADDED
        )

    async def _among(
        self, collection: str, district_id: str, field: str, values: Collection[str]
    ) -> list[Document]:
        """The district's documents whose `field` is one of `values`. The embedded store checks
        an `$in` document by document within the district (ADR 0007): many values are found
        in one read of the district's documents, a few with one query."""
        wanted = set(values)
        if not wanted:
            return []
        if len(wanted) > IDS_PER_QUERY:
            everything = await self._many(collection, {"district_id": district_id})
            return [doc for doc in everything if doc.get(field) in wanted]
        return await self._many(
            collection, {"district_id": district_id, field: {"$in": sorted(wanted)}}
        )


class RosterWrites(RosterQueries):
    async def save_district(self, district: District) -> None:
        doc = {"district_id": district.id, "name": district.name}
        await self.db[DISTRICTS].replace_one(
            exact({"district_id": district.id}), doc, upsert=True, session=self.session
        )

    async def save_schools(self, schools: Sequence[School], *, new: bool = False) -> None:
        await self._save_all(SCHOOLS, schools, new=new)

    async def save_terms(self, terms: Sequence[Term], *, new: bool = False) -> None:
        await self._save_all(TERMS, terms, new=new)

    async def save_sections(self, sections: Sequence[Section], *, new: bool = False) -> None:
        await self._save_all(SECTIONS, sections, new=new)

    async def save_people(self, people: Sequence[Person], *, new: bool = False) -> None:
        await self._save_all(PEOPLE, people, new=new)

    async def save_guardianships(self, links: Sequence[Guardianship], *, new: bool = False) -> None:
        await self._save_all(GUARDIANSHIPS, links, new=new)

    async def save_enrolments(self, enrolments: Sequence[Enrolment], *, new: bool = False) -> None:
        await self._save_all(ENROLMENTS, enrolments, new=new)

    async def save_group(self, group: Group) -> None:
        doc = group_document(group)
        found = exact({"district_id": group.district_id, "id": group.id})
        try:
            await self.db[GROUPS].replace_one(found, doc, upsert=True, session=self.session)
        except DuplicateKeyError:
            raise GroupNameTaken() from None

    async def delete_group(self, district_id: str, group_id: str) -> None:
        found = exact({"district_id": district_id, "id": group_id})
        await self.db[GROUPS].delete_one(found, session=self.session)

    async def _save_all(
        self, collection: str, records: Sequence[object], *, new: bool = False
    ) -> None:
        """Replace each record's document by its natural key, or add it; `new` ones are
        inserted (half the time of an upsert on the embedded store). One bulk write."""
        if not records:
            return
        derived = DERIVED.get(collection)
        docs = [roster_document(record) for record in records]
        if derived is not None:
            docs = [doc | derived(doc) for doc in docs]
        if new:
            await self.db[collection].insert_many(docs, ordered=True, session=self.session)
            return
        key = KEYS[collection]
        writes = [ReplaceOne(exact(_key_of(doc, key)), doc, upsert=True) for doc in docs]
        await self.db[collection].bulk_write(writes, ordered=True, session=self.session)


def _sections(district_id: str, which: SectionFilter) -> Document:
    query: Document = {"district_id": district_id}
    if which.school_id is not None:
        query["school_id"] = which.school_id
    if which.teacher_id is not None:
        # `$elemMatch`: the embedded store matches a list field by one value only this way.
        query["teacher_ids"] = {"$elemMatch": {"$eq": which.teacher_id}}
    if which.section_ids is not None:
        query["id"] = {"$in": sorted(which.section_ids)}
    return query


def _key_of(doc: Mapping[str, Any], fields: Sequence[str]) -> Document:
    return {field: doc[field] for field in fields}
