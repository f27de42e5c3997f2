"""The rows of all files together: every reference resolved against the other files or what
the roster already holds, and the records the import writes. An unknown reference is an error
of the row that makes it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.scheduler.roster.calendar import Blackout, Term
from services.scheduler.roster.domain import (
    District,
    Enrolment,
    Guardianship,
    Person,
    PersonRole,
    School,
    Section,
)
from services.scheduler.roster.imports.rows import ClassRow, Rows
from services.scheduler.roster.imports.tables import FileKind, RowError


@dataclass(frozen=True, slots=True)
class Wanted:
    """The ids the files name that the roster may hold already, by kind."""

    schools: frozenset[str]
    terms: frozenset[str]
    sections: frozenset[str]
    people: frozenset[str]


@dataclass(frozen=True, slots=True)
class Known:
    """What the roster holds of the ids wanted, by id."""

    schools: Mapping[str, School] = field(default_factory=dict)
    terms: Mapping[str, Term] = field(default_factory=dict)
    sections: Mapping[str, Section] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Imported:
    """The records the files describe, checked; before they meet what the roster holds (the
    plan merges blackouts and teachers with theirs)."""

    district: District | None
    schools: tuple[School, ...]
    terms: tuple[Term, ...]
    blackouts: Mapping[str, tuple[Blackout, ...]]  # by term, for each term blackouts.csv names
    sections: tuple[Section, ...]
    teachers: Mapping[str, tuple[str, ...]]  # by section, from teacher enrollments
    people: tuple[Person, ...]
    guardianships: tuple[Guardianship, ...]
    enrolments: tuple[Enrolment, ...]
    # Whose the rows are: a school admin imports only rows of their own school.
    school_ids: frozenset[str]
    district_wide: bool  # a district row or a term of no school


def wanted(rows: Rows) -> Wanted:
    """Every id of a school, term, class or user the rows name, to look up in the roster (the
    users of users.csv too: a person keeps their role)."""
    schools = {o.sourced_id for o in rows.orgs}
    schools |= {t.draft.school_id for t in rows.terms if t.draft.school_id}
    schools |= {c.school_id for c in rows.classes}
    schools |= {org for u in rows.users for org in u.org_ids}
    schools |= {e.school_id for e in rows.enrollments if e.school_id}
    terms = {c.term_id for c in rows.classes if c.term_id} | {b.term_id for b in rows.blackouts}
    terms -= {t.sourced_id for t in rows.terms}
    sections = {e.class_id for e in rows.enrollments} - {c.sourced_id for c in rows.classes}
    people = {u.sourced_id for u in rows.users} | {e.user_id for e in rows.enrollments}
    people |= {agent for u in rows.users for agent in u.agent_ids}
    return Wanted(frozenset(schools), frozenset(terms), frozenset(sections), frozenset(people))


class Check:
    """The rows against each other and the roster; errors kept by the row that refers."""

    def __init__(self, district_id: str, rows: Rows, known: Known) -> None:
        self.district_id, self.rows, self.known = district_id, rows, known
        self.errors: list[RowError] = []
        self.files = {kind: kind.value for kind in FileKind}

    def error(self, kind: FileKind, line: int, column: str, rule: str, message: str) -> None:
        self.errors.append(RowError(self.files[kind], line, column, rule, message))

    def unknown(
        self, kind: FileKind, line: int, column: str, rule: str, target: tuple[FileKind, str]
    ) -> None:
        """A reference to nothing the files or the roster hold: an error, unless it is to a
        row or file that breaks rules of its own."""
        of, sourced_id = target
        if self.rows.judges(of, sourced_id):
            message = f"no {NOUNS[of]} {sourced_id!r} in {self.files[of]} or the roster"
            self.error(kind, line, column, rule, message)


NOUNS = {
    FileKind.ORGS: "org",
    FileKind.ACADEMIC_SESSIONS: "term",
    FileKind.CLASSES: "class",
    FileKind.USERS: "user",
}


def check(
    district_id: str, rows: Rows, known: Known, files: Mapping[FileKind, str]
) -> tuple[Imported, list[RowError]]:
    """The import's records, and every row that refers to something unknown or of the wrong
    kind (the records are to be written only without any). `files` names each file as sent."""
    c = Check(district_id, rows, known)
    c.files.update(files)
    district, schools, other_orgs = _orgs(c)
    terms = _terms(c, schools)
    blackouts = _blackouts(c, terms)
    sections = _classes(c, schools, terms)
    people = _users(c, schools, other_orgs | {district_id})
    links = _guardians(c, people)
    enrolments, teachers = _enrollments(c, sections, people)
    all_sections = {**known.sections, **sections}
    school_ids = (
        set(schools)
        | {t.school_id for t in terms.values() if t.school_id}
        | {s.school_id for s in sections.values()}
        | {school for p in people.values() for school in p.school_ids}
        | {all_sections[e.section_id].school_id for e in enrolments}
        | {all_sections[section_id].school_id for section_id in teachers}
    )
    # Only what the files hold is written: the roster's own records were read to check them.
    in_files = (
        {o.sourced_id for o in rows.orgs if not o.is_district},
        {t.sourced_id for t in rows.terms},
        {u.sourced_id for u in rows.users},
    )
    imported = Imported(
        district=district,
        schools=tuple(schools[k] for k in sorted(schools.keys() & in_files[0])),
        terms=tuple(terms[k] for k in sorted(terms.keys() & in_files[1])),
        blackouts=blackouts,
        sections=tuple(sections[k] for k in sorted(sections)),
        teachers=teachers,
        people=tuple(people[k] for k in sorted(people.keys() & in_files[2])),
        guardianships=tuple(sorted(links, key=lambda g: (g.student_id, g.guardian_id))),
        enrolments=tuple(sorted(enrolments, key=lambda e: (e.section_id, e.student_id))),
        school_ids=frozenset(school_ids),
        district_wide=district is not None or any(t.school_id is None for t in terms.values()),
    )
    return imported, c.errors


def in_file_order(errors: Iterable[RowError]) -> list[RowError]:
    """Errors by file (in the order files reference each other), then line."""
    order = {kind.value.lower(): n for n, kind in enumerate(FileKind)}
    return sorted(
        errors, key=lambda e: (order.get(e.file.lower(), len(order)), e.file, e.line or 0)
    )


def _orgs(c: Check) -> tuple[District | None, dict[str, School], set[str]]:
    """The district row (at most one), the schools by id (the roster's as well) and the ids
    of every other org a user may belong to."""
    district: District | None = None
    other_orgs: set[str] = set()
    schools = dict(c.known.schools)
    for org in c.rows.orgs:
        if org.is_district:
            if district is not None:
                message = "one district row at most: the district is the token's"
                c.error(FileKind.ORGS, org.line, "type", "one_district", message)
            district = District(c.district_id, org.name)
            other_orgs.add(org.sourced_id)
            continue
        zone = org.time_zone or (
            c.known.schools[org.sourced_id].time_zone if org.sourced_id in c.known.schools else None
        )
        if zone is None:
            message = "a new school needs its IANA timeZone (e.g. America/Chicago)"
            c.error(FileKind.ORGS, org.line, "timeZone", "required", message)
            c.rows.broken.add((FileKind.ORGS, org.sourced_id))
            continue
        schools[org.sourced_id] = School(org.sourced_id, c.district_id, org.name, zone)
    return district, schools, other_orgs


def _terms(c: Check, schools: Mapping[str, School]) -> dict[str, Term]:
    terms = dict(c.known.terms)
    for row in c.rows.terms:
        school_id = row.draft.school_id
        if school_id is not None and school_id not in schools:
            target = (FileKind.ORGS, school_id)
            c.unknown(
                FileKind.ACADEMIC_SESSIONS, row.line, "schoolSourcedId", "known_school", target
            )
            c.rows.broken.add((FileKind.ACADEMIC_SESSIONS, row.sourced_id))
            continue
        draft = row.draft
        terms[row.sourced_id] = Term(
            row.sourced_id,
            c.district_id,
            school_id,
            draft.name,
            draft.starts_on,
            draft.ends_on,
            tuple(draft.weekdays),
            draft.day_starts,
            draft.day_ends,
        )
    return terms


def _blackouts(c: Check, terms: Mapping[str, Term]) -> dict[str, tuple[Blackout, ...]]:
    found: dict[str, dict[object, Blackout]] = defaultdict(dict)
    for row in c.rows.blackouts:
        term = terms.get(row.term_id)
        if term is None:
            target = (FileKind.ACADEMIC_SESSIONS, row.term_id)
            c.unknown(FileKind.BLACKOUTS, row.line, "termSourcedId", "known_term", target)
            continue
        outside = [day for day in row.days if not term.holds(day)]
        if outside:
            message = f"{outside[0]} is not within {term.id} ({term.starts_on} to {term.ends_on})"
            column = "startDate" if outside[0] == row.days[0] else "endDate"
            c.error(FileKind.BLACKOUTS, row.line, column, "within_term", message)
            continue
        for day in row.days:
            found[row.term_id][day] = Blackout(day, row.reason)
    return {term_id: tuple(by_day.values()) for term_id, by_day in found.items()}


def _classes(
    c: Check, schools: Mapping[str, School], terms: Mapping[str, Term]
) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    for row in c.rows.classes:
        section = _section(c, row, schools, terms)
        if section is None:
            # Its error says why: the enrollments naming it need not say it again.
            c.rows.broken.add((FileKind.CLASSES, row.sourced_id))
        else:
            sections[row.sourced_id] = section
    return sections


def _section(
    c: Check, row: ClassRow, schools: Mapping[str, School], terms: Mapping[str, Term]
) -> Section | None:
    school = schools.get(row.school_id)
    if school is None:
        target = (FileKind.ORGS, row.school_id)
        c.unknown(FileKind.CLASSES, row.line, "schoolSourcedId", "known_school", target)
        return None
    term = terms.get(row.term_id) if row.term_id else None
    if row.term_id and term is None:
        target = (FileKind.ACADEMIC_SESSIONS, row.term_id)
        c.unknown(FileKind.CLASSES, row.line, "termSourcedIds", "known_term", target)
        return None
    if term is not None and term.school_id not in (None, school.id):
        message = f"term {term.id!r} is a term of school {term.school_id!r}"
        c.error(FileKind.CLASSES, row.line, "termSourcedIds", "term_school", message)
        return None
    return Section(
        id=row.sourced_id,
        district_id=c.district_id,
        school_id=school.id,
        name=row.title,
        subject=row.subject,
        time_zone=row.time_zone or school.time_zone,
        teacher_ids=(),
        term_id=row.term_id,
        grade_band=row.grade_band,
    )


def _users(c: Check, schools: Mapping[str, School], other_orgs: set[str]) -> dict[str, Person]:
    """The users of users.csv, and the roster's people the files name."""
    people = dict(c.known.people)
    for row in c.rows.users:
        unknown = [org for org in row.org_ids if org not in schools and org not in other_orgs]
        before = c.known.people.get(row.sourced_id)
        school_ids = tuple(org for org in row.org_ids if org in schools)
        if unknown:
            target = (FileKind.ORGS, unknown[0])
            c.unknown(FileKind.USERS, row.line, "orgSourcedIds", "known_org", target)
        elif before is not None and before.role != row.role:
            message = (
                f"{row.sourced_id!r} is a {before.role.value} in the roster: a person keeps "
                "their role (another role is another user, with another sourcedId)"
            )
            c.error(FileKind.USERS, row.line, "role", "same_role", message)
        elif row.role == PersonRole.STUDENT and not (row.time_zone or school_ids):
            message = "a student needs a school in orgSourcedIds or a timeZone of their own"
            c.error(FileKind.USERS, row.line, "timeZone", "has_zone", message)
        else:
            people[row.sourced_id] = Person(
                row.sourced_id,
                c.district_id,
                row.role,
                school_ids,
                row.time_zone,
                row.given_name,
                row.family_name,
            )
            continue
        c.rows.broken.add((FileKind.USERS, row.sourced_id))
    return people


def _guardians(c: Check, people: Mapping[str, Person]) -> set[Guardianship]:
    """Links from either side: a student's agents are their guardians, a guardian's their
    children."""
    links: set[Guardianship] = set()
    for row in c.rows.users:
        wanted_role = PersonRole.GUARDIAN if row.role == PersonRole.STUDENT else PersonRole.STUDENT
        for agent_id in row.agent_ids:
            agent = people.get(agent_id)
            if agent is None:
                target = (FileKind.USERS, agent_id)
                c.unknown(FileKind.USERS, row.line, "agentSourcedIds", "known_user", target)
            elif agent.role != wanted_role:
                message = f"{agent_id!r} is a {agent.role.value}, not a {wanted_role.value}"
                c.error(FileKind.USERS, row.line, "agentSourcedIds", "agent_role", message)
            elif row.role == PersonRole.STUDENT:
                links.add(Guardianship(c.district_id, row.sourced_id, agent_id))
            else:
                links.add(Guardianship(c.district_id, agent_id, row.sourced_id))
    return links


def _enrollments(
    c: Check, sections: Mapping[str, Section], people: Mapping[str, Person]
) -> tuple[set[Enrolment], dict[str, tuple[str, ...]]]:
    enrolments: set[Enrolment] = set()
    teachers: dict[str, dict[str, None]] = defaultdict(dict)
    for row in c.rows.enrollments:
        section = sections.get(row.class_id) or c.known.sections.get(row.class_id)
        person = people.get(row.user_id)
        if section is None:
            target = (FileKind.CLASSES, row.class_id)
            c.unknown(FileKind.ENROLLMENTS, row.line, "classSourcedId", "known_class", target)
        elif row.school_id is not None and row.school_id != section.school_id:
            message = f"class {section.id!r} is of school {section.school_id!r}"
            c.error(FileKind.ENROLLMENTS, row.line, "schoolSourcedId", "class_school", message)
        if person is None:
            target = (FileKind.USERS, row.user_id)
            c.unknown(FileKind.ENROLLMENTS, row.line, "userSourcedId", "known_user", target)
        elif person.role != row.role:
            message = f"{row.user_id!r} is a {person.role.value}, not a {row.role.value}"
            c.error(FileKind.ENROLLMENTS, row.line, "role", "user_role", message)
        if section is None or person is None or person.role != row.role:
            continue
        if row.role == PersonRole.TEACHER:
            teachers[section.id][person.id] = None
        else:
            enrolments.add(Enrolment(section.id, person.id, c.district_id))
    return enrolments, {section_id: tuple(ids) for section_id, ids in teachers.items()}
