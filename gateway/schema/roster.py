"""The scheduler's roster, loaded and read by administrators: the district, schools and their
terms (school days, blackout dates), sections, people, guardians and enrolments. Bulk imports
from CSV files are in `imports.py`."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.convert import FromContract, each, from_contract, to_contract
from gateway.schema.enums import GradeBand, PersonRole
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page


@strawberry.type
class District(Node, FromContract[http.District]):
    id: strawberry.ID
    name: str


@strawberry.type
class School(FromContract[http.School]):
    id: strawberry.ID
    name: str
    time_zone: str = strawberry.field(
        description="IANA zone of its school days, and of its students without their own."
    )


@strawberry.type
class Blackout(FromContract[http.Blackout]):
    on: date
    reason: str | None


@strawberry.type
class Term:
    id: strawberry.ID
    school_id: strawberry.ID | None = strawberry.field(
        description="None: a term of the whole district, which every school keeps."
    )
    name: str
    starts_on: date
    ends_on: date = strawberry.field(description="The term's last day.")
    weekdays: list[int] = strawberry.field(description="School weekdays, 1 (Monday) to 7.")
    day_starts: time = strawberry.field(description="In the school's zone.")
    day_ends: time
    blackouts: list[Blackout]

    @classmethod
    def of(cls, term: http.Term) -> Term:
        return from_contract(cls, term, blackouts=[Blackout.of(b) for b in term.blackouts])


@strawberry.type
class Section(Node, FromContract[http.Section]):
    id: strawberry.ID
    school_id: strawberry.ID
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[strawberry.ID]
    term_id: strawberry.ID | None
    grade_band: GradeBand | None


@strawberry.type
class Person(FromContract[http.Person]):
    id: strawberry.ID
    role: PersonRole
    school_ids: list[strawberry.ID]
    time_zone: str | None = strawberry.field(description="A student's own zone, if they have one.")
    given_name: str
    family_name: str


@strawberry.type
class SectionStudent(FromContract[http.SectionStudent]):
    id: strawberry.ID
    given_name: str
    family_name: str
    school_ids: list[strawberry.ID]
    own_time_zone: str | None
    time_zone: str | None = strawberry.field(
        description="The zone of the student's days: their own, else their school's."
    )


@strawberry.type
class Guardianship(FromContract[http.Guardianship]):
    student_id: strawberry.ID
    guardian_id: strawberry.ID


@strawberry.type
class Enrolment(FromContract[http.Enrolment]):
    section_id: strawberry.ID
    student_id: strawberry.ID
    time_zone: str


@strawberry.input
class SectionInput:
    id: strawberry.ID = strawberry.field(description="The district SIS's sourced id.")
    school_id: strawberry.ID
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[strawberry.ID]
    term_id: strawberry.ID | None = None
    grade_band: GradeBand | None = None

    def request(self) -> http.SectionPut:
        return to_contract(http.SectionPut, self)  # all but the id: the path names the section


@strawberry.input
class BlackoutInput:
    on: date
    reason: str | None = None


@strawberry.input
class TermInput:
    id: strawberry.ID = strawberry.field(description="The district SIS's sourced id.")
    school_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave out for a term of the whole district."
    )
    name: str
    starts_on: date
    ends_on: date
    weekdays: list[int] | None = strawberry.field(
        default=None, description="School weekdays, 1 (Monday) to 7; Monday to Friday if left out."
    )
    day_starts: time | None = strawberry.field(
        default=None, description="The school day's start in the school's zone (08:00 if left out)."
    )
    day_ends: time | None = strawberry.field(default=None, description="15:00 if left out.")
    blackouts: list[BlackoutInput] = strawberry.field(default_factory=list)

    def request(self) -> http.TermPut:
        # Left out, the contract's default applies (Monday to Friday, 08:00 to 15:00).
        defaults = {
            name: http.TermPut.model_fields[name].default
            for name in ("weekdays", "day_starts", "day_ends")
        }
        given = {
            name: default if getattr(self, name) is None else getattr(self, name)
            for name, default in defaults.items()
        }
        blackouts = [
            http.Blackout.model_construct(on=b.on, reason=b.reason) for b in self.blackouts
        ]
        return to_contract(http.TermPut, self, blackouts=blackouts, **given)


@strawberry.input
class PersonInput:
    id: strawberry.ID = strawberry.field(
        description="The district SIS's sourced id: their token's subject."
    )
    role: PersonRole
    school_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    time_zone: str | None = strawberry.field(
        default=None, description="A student's own IANA zone; without it, their school's."
    )
    given_name: str = ""
    family_name: str = ""

    def request(self) -> http.PersonPut:
        return to_contract(http.PersonPut, self)


UpsertDistrictResult = Annotated[District | Failure, strawberry.union("UpsertDistrictResult")]
UpsertSchoolResult = Annotated[School | Failure, strawberry.union("UpsertSchoolResult")]
UpsertTermResult = Annotated[Term | Failure, strawberry.union("UpsertTermResult")]
UpsertSectionResult = Annotated[Section | Failure, strawberry.union("UpsertSectionResult")]
UpsertPersonResult = Annotated[Person | Failure, strawberry.union("UpsertPersonResult")]
LinkGuardianResult = Annotated[Guardianship | Failure, strawberry.union("LinkGuardianResult")]
EnrolStudentResult = Annotated[Enrolment | Failure, strawberry.union("EnrolStudentResult")]


@strawberry.type
class RosterQuery:
    @strawberry.field(description="Your district as the roster names it (admins).")
    async def district(self, info: Info) -> District:
        return await query(info.context.clients.scheduler.get_district(), District.of)

    @strawberry.field(description="The schools you administer, by id (Relay paging).")
    async def schools(
        self, info: Info, first: First = 20, after: After = None
    ) -> Connection[School]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_schools(asked)
        return await query(call, lambda found: Connection.of(found, asked, School.of))

    @strawberry.field(
        description="A school's calendar: its terms and the district's, by start (Relay paging)."
    )
    async def terms(
        self, info: Info, school_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[Term]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_terms(school_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, Term.of))

    @strawberry.field(
        description=(
            "The sections you teach, administer, attend or have a child in, by id (Relay"
            " paging): a district admin's are the district's."
        )
    )
    async def sections(
        self, info: Info, first: First = 20, after: After = None
    ) -> Connection[Section]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_sections(asked)
        return await query(call, lambda found: Connection.of(found, asked, Section.of))

    @strawberry.field(
        description=("A section's students by id, each with the zone of their days (Relay paging).")
    )
    async def section_students(
        self, info: Info, section_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[SectionStudent]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_section_students(section_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, SectionStudent.of))

    @strawberry.field(description="A student's guardians.")
    async def student_guardians(self, info: Info, student_id: strawberry.ID) -> list[Person]:
        call = info.context.clients.scheduler.list_guardians(student_id)
        return await query(call, each(Person.of))


@strawberry.type
class RosterMutation:
    @strawberry.mutation(description="Name your district (district admins).")
    async def upsert_district(self, info: Info, name: str) -> UpsertDistrictResult:
        district = http.DistrictPut.model_construct(name=name)
        return await mutate(info.context.clients.scheduler.put_district(district), District.of)

    @strawberry.mutation
    async def upsert_school(
        self,
        info: Info,
        id: strawberry.ID,
        name: str,
        time_zone: Annotated[
            str, strawberry.argument(description="The school's IANA zone, e.g. America/Chicago.")
        ],
    ) -> UpsertSchoolResult:
        school = http.SchoolPut.model_construct(name=name, time_zone=time_zone)
        return await mutate(info.context.clients.scheduler.put_school(id, school), School.of)

    @strawberry.mutation
    async def upsert_term(self, info: Info, input: TermInput) -> UpsertTermResult:
        call = info.context.clients.scheduler.put_term(input.id, input.request())
        return await mutate(call, Term.of)

    @strawberry.mutation
    async def upsert_section(self, info: Info, input: SectionInput) -> UpsertSectionResult:
        call = info.context.clients.scheduler.put_section(input.id, input.request())
        return await mutate(call, Section.of)

    @strawberry.mutation(description="A teacher, student or guardian of the roster.")
    async def upsert_person(self, info: Info, input: PersonInput) -> UpsertPersonResult:
        call = info.context.clients.scheduler.put_person(input.id, input.request())
        return await mutate(call, Person.of)

    @strawberry.mutation
    async def link_guardian(
        self, info: Info, student_id: strawberry.ID, guardian_id: strawberry.ID
    ) -> LinkGuardianResult:
        call = info.context.clients.scheduler.link_guardian(student_id, guardian_id)
        return await mutate(call, Guardianship.of)

    @strawberry.mutation
    async def enrol_student(
        self,
        info: Info,
        section_id: strawberry.ID,
        student_id: strawberry.ID,
        time_zone: Annotated[
            str | None,
            strawberry.argument(
                description="The student's own IANA zone; left out, they keep theirs (or "
                "their school's)."
            ),
        ] = None,
    ) -> EnrolStudentResult:
        enrolment = http.EnrolmentPut.model_construct(time_zone=time_zone)
        call = info.context.clients.scheduler.enrol(section_id, student_id, enrolment)
        return await mutate(call, Enrolment.of)
