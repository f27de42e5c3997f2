"""Each file's rows read by the rules of its own columns: required cells, ids, dates, times,
zones and the values a column may take. References to other files are checked later
(`references.py`); a row with any broken rule yields only its errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from bookend.contracts.catalog import GradeBand
from bookend.contracts.scheduler import RosterSkipReason
from services.scheduler.roster.calendar import SCHOOL_DAY, SCHOOL_WEEK, TermDraft, term_errors
from services.scheduler.roster.domain import PersonRole
from services.scheduler.roster.imports.tables import FileKind, Row, RowError, Table
from services.scheduler.roster.rules import MAX_NAME, MAX_TEXT, zone_errors

MAX_ID = 200
MAX_LIST = 50  # ids in one cell (a user's orgs or agents, a class's terms)
MAX_BLACKOUT_DAYS = 366


@dataclass(frozen=True, slots=True)
class OrgRow:
    line: int
    sourced_id: str
    name: str
    is_district: bool
    time_zone: str | None


@dataclass(frozen=True, slots=True)
class TermRow:
    line: int
    sourced_id: str
    draft: TermDraft


@dataclass(frozen=True, slots=True)
class BlackoutRow:
    line: int
    term_id: str
    days: tuple[date, ...]
    reason: str | None


@dataclass(frozen=True, slots=True)
class ClassRow:
    line: int
    sourced_id: str
    title: str
    subject: str
    school_id: str
    term_id: str | None
    grade_band: GradeBand | None
    time_zone: str | None


@dataclass(frozen=True, slots=True)
class UserRow:
    line: int
    sourced_id: str
    role: PersonRole
    org_ids: tuple[str, ...]
    given_name: str
    family_name: str
    agent_ids: tuple[str, ...]
    time_zone: str | None


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    line: int
    class_id: str
    user_id: str
    role: PersonRole  # a student or a teacher of the class
    school_id: str | None


@dataclass
class Rows:
    """Every file's rows that keep their own rules, the rows left unread, and the errors."""

    orgs: list[OrgRow] = field(default_factory=list)
    terms: list[TermRow] = field(default_factory=list)
    blackouts: list[BlackoutRow] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    enrollments: list[EnrollmentRow] = field(default_factory=list)
    skipped: Counter[tuple[str, RosterSkipReason]] = field(
        default_factory=Counter
    )  # (file, why): rows
    errors: list[RowError] = field(default_factory=list)
    # The sourcedIds of rows with errors, and the files not read at all: references to them
    # are not errors of their own (the row or file that breaks a rule says so already).
    broken: set[tuple[FileKind, str]] = field(default_factory=set)
    unreadable: set[FileKind] = field(default_factory=set)

    def judges(self, kind: FileKind, sourced_id: str) -> bool:
        """Whether a reference to `sourced_id` of `kind` that is not found is an error."""
        return kind not in self.unreadable and (kind, sourced_id) not in self.broken


class Cells:
    """One row's cells, read by rule; each broken rule is kept as an error of the row."""

    def __init__(self, table: Table, row: Row) -> None:
        self.file, self.row = table.file, row
        self.errors: list[RowError] = []

    def error(self, column: str | None, rule: str, message: str) -> None:
        self.errors.append(RowError(self.file, self.row.line, column, rule, message))

    def id(self, column: str) -> str:
        value = self.row[column]
        if not value:
            self.error(column, "required", f"{column} is required")
        elif not valid_id(value):
            message = f"an id is 1 to {MAX_ID} printable characters, without '/' or '\\'"
            self.error(column, "valid_id", message)
        return value

    def optional_id(self, column: str) -> str | None:
        return self.id(column) if self.row[column] else None

    def ids(self, column: str) -> tuple[str, ...]:
        values = tuple(dict.fromkeys(v.strip() for v in self.row[column].split(",") if v.strip()))
        if len(values) > MAX_LIST:
            self.error(column, "max_items", f"at most {MAX_LIST} ids")
        elif any(not valid_id(value) for value in values):
            message = f"each id is 1 to {MAX_ID} printable characters, without '/' or '\\'"
            self.error(column, "valid_id", message)
        return values

    def text(self, column: str, limit: int, *, required: bool = True) -> str:
        value = self.row[column]
        if required and not value:
            self.error(column, "required", f"{column} is required")
        elif len(value) > limit:
            self.error(column, "max_length", f"at most {limit} characters")
        return value

    def day(self, column: str, *, required: bool = True) -> date | None:
        value = self.row[column]
        if not value:
            if required:
                self.error(column, "required", f"{column} is required")
            return None
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.error(column, "iso_date", f"{value[:40]!r} is not a date as YYYY-MM-DD")
        return None

    def time_of_day(self, column: str, default: time) -> time:
        value = self.row[column]
        if not value:
            return default
        try:
            if len(value) in (5, 8):
                return time.fromisoformat(value)
        except ValueError:
            pass
        self.error(column, "local_time", f"{value[:40]!r} is not a time as HH:MM")
        return default

    def zone(self, column: str) -> str | None:
        value = self.row[column]
        if not value:
            return None
        for broken in zone_errors(value, column):
            self.error(column, broken.rule, broken.message)
        return value

    def status(self) -> None:
        """OneRoster's `status`: blank or active. An import adds and updates; it never deletes."""
        value = self.row["status"].lower()
        if value == "tobedeleted":
            message = "deletions are not imported: leave the row out (an import never removes)"
            self.error("status", "supported_status", message)
        elif value not in ("", "active"):
            self.error("status", "status", f"{value[:40]!r} is not active or tobedeleted")


def valid_id(value: str) -> bool:
    return (
        0 < len(value) <= MAX_ID
        and value not in (".", "..")
        and "/" not in value
        and "\\" not in value
        and value.isprintable()
    )


def read_rows(tables: Iterable[Table]) -> Rows:
    rows = Rows()
    for table in tables:
        READERS[table.kind](table, rows)
    return rows


def _each(table: Table, rows: Rows, read: Callable[[Cells], object | None]) -> None:
    """Read each row; a row that breaks a rule is only its errors. A sourcedId twice in one
    file is an error of the later row."""
    first_line: dict[str, int] = {}
    for row in table.rows:
        cells = Cells(table, row)
        if "status" in table.columns:
            cells.status()
        sourced = row["sourcedId"]
        if sourced and sourced in first_line:
            message = f"sourcedId {sourced[:MAX_ID]!r} is also on line {first_line[sourced]}"
            cells.error("sourcedId", "unique", message)
        elif sourced:
            first_line[sourced] = row.line
        read(cells)
        rows.errors += cells.errors
        if cells.errors and sourced:
            rows.broken.add((table.kind, sourced))


def _skip(rows: Rows, cells: Cells, why: RosterSkipReason) -> None:
    rows.skipped[(cells.file, why)] += 1


UNREAD_ORG_TYPES = {
    "department": RosterSkipReason.ORG_TYPE_DEPARTMENT,
    "local": RosterSkipReason.ORG_TYPE_LOCAL,
    "state": RosterSkipReason.ORG_TYPE_STATE,
    "national": RosterSkipReason.ORG_TYPE_NATIONAL,
}


def read_orgs(table: Table, rows: Rows) -> None:
    def read(cells: Cells) -> None:
        sourced_id, name = cells.id("sourcedId"), cells.text("name", MAX_TEXT)
        kind = cells.row["type"].lower()
        if kind in UNREAD_ORG_TYPES:
            return _skip(rows, cells, UNREAD_ORG_TYPES[kind])
        if kind not in ("school", "district"):
            message = f"{kind[:40]!r} is not an org type (school, district, ...)"
            cells.error("type", "org_type", message)
        zone = cells.zone("timeZone")
        if not cells.errors:
            rows.orgs.append(OrgRow(cells.row.line, sourced_id, name, kind == "district", zone))

    _each(table, rows, read)


TERM_TYPES = ("term", "semester", "schoolyear")
TERM_COLUMNS = {
    "name": "title",
    "ends_on": "endDate",
    "weekdays": "weekdays",
    "day_ends": "dayEndTime",
}


def read_terms(table: Table, rows: Rows) -> None:
    def read(cells: Cells) -> None:
        sourced_id, title = cells.id("sourcedId"), cells.text("title", MAX_TEXT)
        kind = cells.row["type"].lower()
        if kind == "gradingperiod":
            return _skip(rows, cells, RosterSkipReason.GRADING_PERIOD)
        if kind not in TERM_TYPES:
            message = f"{kind[:40]!r} is not a term, semester or schoolYear"
            cells.error("type", "session_type", message)
        starts, ends = cells.day("startDate"), cells.day("endDate")
        school_id = cells.optional_id("schoolSourcedId")
        weekdays = weekdays_of(cells)
        day = (
            cells.time_of_day("dayStartTime", SCHOOL_DAY[0]),
            cells.time_of_day("dayEndTime", SCHOOL_DAY[1]),
        )
        if cells.errors or starts is None or ends is None:
            return None
        draft = TermDraft(school_id, title, starts, ends, weekdays, *day)
        for broken in term_errors(draft):
            cells.error(TERM_COLUMNS.get(broken.field, broken.field), broken.rule, broken.message)
        if not cells.errors:
            rows.terms.append(TermRow(cells.row.line, sourced_id, draft))

    _each(table, rows, read)


WEEKDAYS = {
    name: n
    for n, names in enumerate(
        (
            ("1", "mon", "monday"),
            ("2", "tue", "tuesday"),
            ("3", "wed", "wednesday"),
            ("4", "thu", "thursday"),
            ("5", "fri", "friday"),
            ("6", "sat", "saturday"),
            ("7", "sun", "sunday"),
        ),
        start=1,
    )
    for name in names
}


def weekdays_of(cells: Cells) -> tuple[int, ...]:
    given = [day.strip().lower() for day in cells.row["weekdays"].split(",") if day.strip()]
    if not given:
        return SCHOOL_WEEK
    unknown = [day for day in given if day not in WEEKDAYS]
    if unknown:
        message = f"{unknown[0][:20]!r} is not a weekday (1-7 from Monday, or Mon, Tue, ...)"
        cells.error("weekdays", "iso_weekday", message)
        return SCHOOL_WEEK
    return tuple(sorted({WEEKDAYS[day] for day in given}))


def read_blackouts(table: Table, rows: Rows) -> None:
    def read(cells: Cells) -> None:
        term_id = cells.id("termSourcedId")
        starts = cells.day("startDate")
        ends = cells.day("endDate", required=False) or starts
        reason = cells.text("reason", MAX_TEXT, required=False) or None
        if starts is None or ends is None or cells.errors:
            return
        if ends < starts:
            cells.error("endDate", "not_before_start", "must not be before startDate")
        elif (ends - starts).days >= MAX_BLACKOUT_DAYS:
            cells.error("endDate", "max_span", f"at most {MAX_BLACKOUT_DAYS} days a row")
        else:
            days = tuple(starts + timedelta(days=n) for n in range((ends - starts).days + 1))
            rows.blackouts.append(BlackoutRow(cells.row.line, term_id, days, reason))

    _each(table, rows, read)


def read_classes(table: Table, rows: Rows) -> None:
    def read(cells: Cells) -> None:
        sourced_id, title = cells.id("sourcedId"), cells.text("title", MAX_TEXT)
        subjects = [s.strip() for s in cells.row["subjects"].split(",") if s.strip()]
        if not subjects:
            cells.error("subjects", "required", "a section needs its subject")
        elif len(subjects[0]) > MAX_TEXT:
            cells.error("subjects", "max_length", f"at most {MAX_TEXT} characters")
        school_id = cells.id("schoolSourcedId")
        terms = cells.ids("termSourcedIds")
        if len(terms) > 1:
            message = "a section has one term here: name the one that spans the class"
            cells.error("termSourcedIds", "one_term", message)
        band = grade_band(cells)
        zone = cells.zone("timeZone")
        if not cells.errors:
            term_id = terms[0] if terms else None
            rows.classes.append(
                ClassRow(
                    cells.row.line, sourced_id, title, subjects[0], school_id, term_id, band, zone
                )
            )

    _each(table, rows, read)


# CEDS grade levels as OneRoster writes them; pre-kindergarten counts as K-2.
BANDS = {
    **dict.fromkeys(("it", "pr", "pk", "tk", "ps", "kg", "k", "01", "1", "02", "2"), GradeBand.K_2),
    **dict.fromkeys(("03", "3", "04", "4", "05", "5"), GradeBand.G3_5),
    **dict.fromkeys(("06", "6", "07", "7", "08", "8"), GradeBand.G6_8),
    **dict.fromkeys(("09", "9", "10", "11", "12"), GradeBand.G9_12),
    **dict.fromkeys(("13", "ug", "other"), None),
}
BAND_ORDER = [GradeBand.K_2, GradeBand.G3_5, GradeBand.G6_8, GradeBand.G9_12]


def grade_band(cells: Cells) -> GradeBand | None:
    """The band of the class's youngest grade, whose live-time limits are the strictest."""
    grades = [g.strip().lower() for g in cells.row["grades"].split(",") if g.strip()]
    unknown = [grade for grade in grades if grade not in BANDS]
    if unknown:
        message = f"{unknown[0][:20]!r} is not a grade (KG, 01 to 13, PK, ...)"
        cells.error("grades", "grade", message)
        return None
    bands = [band for grade in grades if (band := BANDS[grade]) is not None]
    return min(bands, key=BAND_ORDER.index, default=None)


USER_ROLES = {
    "student": PersonRole.STUDENT,
    "teacher": PersonRole.TEACHER,
    "guardian": PersonRole.GUARDIAN,
    "parent": PersonRole.GUARDIAN,
}
UNREAD_USER_ROLES = {
    "administrator": RosterSkipReason.USER_ROLE_ADMINISTRATOR,
    "aide": RosterSkipReason.USER_ROLE_AIDE,
    "proctor": RosterSkipReason.USER_ROLE_PROCTOR,
    "relative": RosterSkipReason.USER_ROLE_RELATIVE,
}


def read_users(table: Table, rows: Rows) -> None:
    def read(cells: Cells) -> None:
        sourced_id = cells.id("sourcedId")
        given_role = cells.row["role"].lower()
        if given_role in UNREAD_USER_ROLES:
            return _skip(rows, cells, UNREAD_USER_ROLES[given_role])
        role = USER_ROLES.get(given_role)
        if role is None:
            message = f"{given_role[:40]!r} is not a role (student, teacher, guardian, parent)"
            cells.error("role", "user_role", message)
        orgs = cells.ids("orgSourcedIds")
        if not orgs and not cells.errors:
            cells.error("orgSourcedIds", "required", "a user belongs to at least one org")
        given = cells.text("givenName", MAX_NAME, required=False)
        family = cells.text("familyName", MAX_NAME, required=False)
        # A teacher's agents (an aide, say) are no one scheduling needs.
        agents = cells.ids("agentSourcedIds") if role != PersonRole.TEACHER else ()
        zone = cells.zone("timeZone")
        if zone is not None and role not in (PersonRole.STUDENT, None):
            message = "only a student has a zone of their own: leave it blank for others"
            cells.error("timeZone", "students_only", message)
        if not cells.errors and role is not None:
            rows.users.append(
                UserRow(cells.row.line, sourced_id, role, orgs, given, family, agents, zone)
            )

    _each(table, rows, read)


ENROLLMENT_ROLES = {"student": PersonRole.STUDENT, "teacher": PersonRole.TEACHER}
UNREAD_ENROLLMENT_ROLES = {
    "administrator": RosterSkipReason.ENROLLMENT_ROLE_ADMINISTRATOR,
    "aide": RosterSkipReason.ENROLLMENT_ROLE_AIDE,
    "proctor": RosterSkipReason.ENROLLMENT_ROLE_PROCTOR,
}


def read_enrollments(table: Table, rows: Rows) -> None:
    def read(cells: Cells) -> None:
        cells.id("sourcedId")
        class_id, user_id = cells.id("classSourcedId"), cells.id("userSourcedId")
        given_role = cells.row["role"].lower()
        if given_role in UNREAD_ENROLLMENT_ROLES:
            return _skip(rows, cells, UNREAD_ENROLLMENT_ROLES[given_role])
        role = ENROLLMENT_ROLES.get(given_role)
        if role is None:
            message = f"{given_role[:40]!r} is not an enrollment role (student, teacher)"
            cells.error("role", "enrollment_role", message)
        school_id = cells.optional_id("schoolSourcedId")
        if not cells.errors and role is not None:
            rows.enrollments.append(
                EnrollmentRow(cells.row.line, class_id, user_id, role, school_id)
            )

    _each(table, rows, read)


READERS: dict[FileKind, Callable[[Table, Rows], None]] = {
    FileKind.ORGS: read_orgs,
    FileKind.ACADEMIC_SESSIONS: read_terms,
    FileKind.BLACKOUTS: read_blackouts,
    FileKind.CLASSES: read_classes,
    FileKind.USERS: read_users,
    FileKind.ENROLLMENTS: read_enrollments,
}
