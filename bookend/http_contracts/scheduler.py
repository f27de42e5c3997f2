"""The scheduler's HTTP API: roster, live sessions with their tasks, lesson copies, feeds."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from bookend.contracts.catalog import ComponentKind, GradeBand, ModeFit
from bookend.contracts.scheduler import (
    Bookend,
    FeedItemKind,
    FeedItemStatus,
    Modality,
    RosterSkipReason,
    SessionStatus,
)
from bookend.http_contracts.balance import BalanceWarning
from bookend.http_contracts.paging import Page, PageInfo

Text = Annotated[str, Field(min_length=1, max_length=200)]


class DistrictPut(BaseModel):
    name: Text


class District(BaseModel):
    id: str  # the token's district
    name: str


class SchoolPut(BaseModel):
    name: Text
    time_zone: Text  # IANA: its terms' school days and its students' days without their own


class School(BaseModel):
    id: str
    district_id: str
    name: str
    time_zone: str


class SchoolPage(Page[School]):
    """Schools by id."""


def _local(moment: time) -> time:
    if moment.tzinfo is not None:
        raise ValueError("a time of day in the school's zone, without an offset")
    return moment


# A school day's start or end, in the school's zone: never with an offset of its own.
LocalTime = Annotated[time, AfterValidator(_local)]


class Blackout(BaseModel):
    on: date
    reason: Annotated[str, Field(max_length=200)] | None = None


class TermPut(BaseModel):
    school_id: Text | None = None  # None: a term of the whole district, every school keeps
    name: Text
    starts_on: date
    ends_on: date  # inclusive
    weekdays: Annotated[list[int], Field(max_length=7)] = [1, 2, 3, 4, 5]  # ISO, Monday = 1
    day_starts: LocalTime = time(8, 0)  # in the school's zone
    day_ends: LocalTime = time(15, 0)
    blackouts: Annotated[list[Blackout], Field(max_length=366)] = []


class Term(BaseModel):
    id: str
    district_id: str
    school_id: str | None
    name: str
    starts_on: date
    ends_on: date
    weekdays: list[int]
    day_starts: time
    day_ends: time
    blackouts: list[Blackout]


class TermPage(Page[Term]):
    """Terms by start, then id."""


class SectionPut(BaseModel):
    school_id: Text
    name: Text
    subject: Text
    time_zone: Text
    # A section has a handful of teachers; thousands would be a mistake or an attack.
    teacher_ids: Annotated[list[Text], Field(max_length=50)] = []
    term_id: Text | None = None  # a term of its school or of the district
    grade_band: GradeBand | None = None


class Section(BaseModel):
    id: str
    district_id: str
    school_id: str
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[str]
    term_id: str | None = None
    grade_band: GradeBand | None = None


class SectionPage(Page[Section]):
    """Sections by id."""


class PersonRole(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    GUARDIAN = "guardian"


Name = Annotated[str, Field(max_length=100)]


class PersonPut(BaseModel):
    role: PersonRole
    school_ids: Annotated[list[Text], Field(max_length=20)] = []
    time_zone: Text | None = None  # a student's own; without it, their school's
    given_name: Name = ""
    family_name: Name = ""


class Person(BaseModel):
    """Names are for admins' screens: events, logs and headers carry ids only."""

    id: str
    district_id: str
    role: PersonRole
    school_ids: list[str]
    time_zone: str | None  # a student's own
    given_name: str
    family_name: str


class PersonList(BaseModel):
    items: list[Person]


class SectionStudent(BaseModel):
    id: str
    given_name: str
    family_name: str
    school_ids: list[str]
    own_time_zone: str | None
    time_zone: str | None  # their own, else their school's: the zone of their days


class SectionStudentPage(Page[SectionStudent]):
    """A section's students by id."""


class Guardianship(BaseModel):
    district_id: str
    student_id: str
    guardian_id: str


class EnrolmentPut(BaseModel):
    time_zone: Text | None = None  # becomes the student's own zone


class Enrolment(BaseModel):
    section_id: str
    student_id: str
    district_id: str
    time_zone: str  # the student's days: their own zone, else their school's


class GroupCreate(BaseModel):
    """A named group of a section's students (its staff's only: students never see groups)."""

    name: Text  # 1 to 80 characters once trimmed, unique in the section ignoring case
    # Enrolled in the section, at most 200 (the scheduler names the rule each breaks).
    student_ids: Annotated[list[Text], Field(max_length=1000)]


class GroupUpdate(GroupCreate):
    """The group's new name and members, in place of the old."""


class Group(BaseModel):
    id: str
    section_id: str
    name: str
    student_ids: list[str]
    created_by: str


class GroupPage(Page[Group]):
    """A section's groups by name (ignoring case)."""


# A roster import's file: its name says which (users.csv, ...), its text is the CSV itself.
class RosterFile(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    text: str


class RosterImportCreate(BaseModel):
    files: Annotated[list[RosterFile], Field(min_length=1, max_length=20)]


class RosterRowError(BaseModel):
    file: str
    line: int | None  # None: the file as a whole; 1: its header
    field: str | None  # the column, if one cell is at fault
    rule: str
    message: str


class RosterImportRefusal(BaseModel):
    """Nothing was imported: every rule broken, by file, line and column."""

    message: str
    error_count: int  # in all; `errors` lists the first of them
    errors: list[RosterRowError]


class RosterKind(StrEnum):
    DISTRICT = "district"
    SCHOOLS = "schools"
    TERMS = "terms"
    SECTIONS = "sections"
    TEACHERS = "teachers"
    STUDENTS = "students"
    GUARDIANS = "guardians"
    GUARDIAN_LINKS = "guardian_links"
    ENROLMENTS = "enrolments"


class RosterKindCount(BaseModel):
    kind: RosterKind
    created: int
    updated: int
    unchanged: int


class RosterSkipped(BaseModel):
    file: str
    reason: RosterSkipReason
    rows: int


class RosterImportStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # import the same files again: it completes what was not written
    INTERRUPTED = "interrupted"  # the same


class RosterImport(BaseModel):
    id: str
    status: RosterImportStatus
    started_at: datetime
    finished_at: datetime | None
    files: list[str]
    unread_files: list[str]
    skipped: list[RosterSkipped]
    counts: list[RosterKindCount]  # once its plan is made
    written: int
    to_write: int
    failure: str | None


class RosterImportAnswer(BaseModel):
    """`POST /roster/imports` answers one of the two: the import (running or done), or its
    refusal with every bad row."""

    imported: RosterImport | None = None
    refused: RosterImportRefusal | None = None


class LessonComponent(BaseModel):
    component_id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


class Lesson(BaseModel):
    """The scheduler's copy of a published lesson."""

    lesson_id: str
    district_id: str
    version: int
    title: str
    subject: str
    summary: str
    components: list[LessonComponent]
    archived: bool = False  # planned with no more


class SessionCreate(BaseModel):
    section_id: Text
    lesson_id: Text
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    time_zone: Text
    title: Annotated[str, Field(max_length=200)] | None = None
    modality: Modality = Modality.ON_SITE
    # Bounds checked by the domain, which names the rule (`join_url`/`max_length`).
    join_url: Annotated[str, Field(max_length=4000)] | None = None
    capacity: int | None = None
    # An RFC 5545 RRULE: the session is the first of a series (`recurrence` rules in the docs).
    recurrence: Annotated[str, Field(max_length=1000)] | None = None


class SessionReschedule(BaseModel):
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class SeriesReschedule(BaseModel):
    """Every occurrence still to come, on its own date, at this local time and length."""

    starts_at: time
    minutes: int


# Any number of minutes a window could be; the scheduler names the range it takes (`in_range`).
WindowMinutes = Annotated[int, Field(ge=0, le=10_000_000)]


class BookendWindowsPut(BaseModel):
    prework_opens_before_minutes: WindowMinutes
    followup_due_after_minutes: WindowMinutes


class BookendWindows(BaseModel):
    section_id: str
    prework_opens_before_minutes: int
    followup_due_after_minutes: int


class LocalRule(BaseModel):
    """A moment written for every student: the start or end of the student's school day,
    `school_days` school days after the anchor (0: that day, if a school day)."""

    anchor: Literal["assigned", "session_start", "session_end"]
    school_days: int = Field(ge=-1000, le=1000)  # the scheduler names the range it takes
    at: Literal["school_day_start", "school_day_end"]


class WindowEdge(BaseModel):
    """One end of a task's window: an instant, or a rule resolved for each student."""

    at: AwareDatetime | None = None
    rule: LocalRule | None = None


class TaskCreate(BaseModel):
    section_id: Text
    lesson_id: Text
    component_id: Text
    opens: WindowEdge
    due: WindowEdge
    closes: WindowEdge | None = None
    # Chosen students only; left out, the whole section (or the group's).
    student_ids: Annotated[list[Text], Field(max_length=1000)] | None = None
    session_id: Text | None = None
    # A group of the section instead: its members enrolled when assigned (not with student_ids).
    group_id: Text | None = None


class TaskExtend(BaseModel):
    due_at: AwareDatetime
    closes_at: AwareDatetime | None = None
    reason: Annotated[str, Field(max_length=1000)]


class TaskExcuse(BaseModel):
    reason: Annotated[str, Field(max_length=1000)]


class Excusal(BaseModel):
    """Whether a student is excused from a task; the reason and who gave it, for staff."""

    task_id: str
    student_id: str
    excused: bool
    reason: str | None = None
    excused_by: str | None = None
    excused_at: datetime | None = None


class StudentWindow(BaseModel):
    task_id: str
    student_id: str
    opens_at: datetime
    due_at: datetime
    closes_at: datetime | None


class Task(BaseModel):
    id: str
    section_id: str
    session_id: str | None
    lesson_id: str
    component_id: str
    bookend: Bookend | None
    title: str
    minutes: int
    # Answering an assignment or a withdrawal: the rules of the section's balance policy the
    # change left broken (advise mode).
    balance_warnings: list[BalanceWarning] = []
    opens_at: datetime
    due_at: datetime
    time_zone: str
    withdrawn_at: datetime | None = None
    student_ids: list[str] | None = None  # chosen students only; None: the whole section
    closes_at: datetime | None = None
    group_id: str | None = None  # the group it went to: its members then are student_ids


class SessionRecording(BaseModel):
    """The session's recording, as the catalog published it for the session's section."""

    component_id: str
    title: str
    minutes: int
    url: str
    published_at: datetime


class Session(BaseModel):
    id: str
    district_id: str
    school_id: str
    section_id: str
    lesson_id: str
    lesson_version: int
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    status: SessionStatus
    started_at: datetime | None
    ended_at: datetime | None
    tasks: list[Task]
    recording: SessionRecording | None = None  # once the catalog has published one
    modality: Modality = Modality.ON_SITE
    join_url: str | None = None
    capacity: int | None = None
    series_id: str | None = None
    cancelled_at: datetime | None = None
    sequence: int = 0
    # Answering a change: the rules of the section's balance policy it left broken (advise
    # mode); a read has none.
    balance_warnings: list[BalanceWarning] = []


class SessionList(BaseModel):
    """The sessions a change of a series changed, all of them."""

    items: list[Session]
    balance_warnings: list[BalanceWarning] = []  # answering a change of a series


class SessionPage(Page[Session]):
    """A section's sessions by start, then id."""


class SessionSeries(BaseModel):
    id: str
    section_id: str
    lesson_id: str
    recurrence: str
    time_zone: str
    skipped_dates: list[str]  # local dates (YYYY-MM-DD) the rule gave that were blackout dates
    sessions: list[Session]


class FeedItem(BaseModel):
    item_id: str
    kind: FeedItemKind
    section_id: str
    session_id: str | None
    lesson_id: str
    title: str
    bookend: Bookend | None
    minutes: int
    status: FeedItemStatus
    starts_at: datetime | None
    ends_at: datetime | None
    opens_at: datetime | None
    due_at: datetime | None
    actionable_at: datetime
    rule_time_zone: str
    modality: Modality | None = None  # a session's
    join_url: str | None = None  # a virtual or hybrid session's
    closes_at: datetime | None = None  # a task's: late work is taken until then
    by_recording: bool = False  # a session's: the student follows it by its recording
    cursor: str  # opaque: pass it as `after` to read the items that follow this one


class Feed(BaseModel):
    items: list[FeedItem]
    page_info: PageInfo
    time_zone: str
    # When a status on this page next changes by the clock alone (a task opens or falls due);
    # until then only an event (`bookend.scheduler.feed.changed`) changes it. Caches keep the
    # page no longer than this.
    changes_at: datetime | None = None
