"""The scheduler's HTTP API: roster, live sessions with their tasks, lesson copies, feeds."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import (
    Bookend,
    FeedItemKind,
    FeedItemStatus,
    Modality,
    SessionStatus,
)
from bookend.http_contracts.paging import PageInfo

Text = Annotated[str, Field(min_length=1, max_length=200)]


class SchoolPut(BaseModel):
    name: Text


class School(BaseModel):
    id: str
    district_id: str
    name: str


class SectionPut(BaseModel):
    school_id: Text
    name: Text
    subject: Text
    time_zone: Text
    # A section has a handful of teachers; thousands would be a mistake or an attack.
    teacher_ids: Annotated[list[Text], Field(max_length=50)] = []


class Section(BaseModel):
    id: str
    district_id: str
    school_id: str
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[str]


class SectionList(BaseModel):
    items: list[Section]


class EnrolmentPut(BaseModel):
    time_zone: Text


class Enrolment(BaseModel):
    section_id: str
    student_id: str
    district_id: str
    time_zone: str


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


class Task(BaseModel):
    id: str
    section_id: str
    session_id: str | None
    lesson_id: str
    component_id: str
    bookend: Bookend | None
    title: str
    minutes: int
    opens_at: datetime
    due_at: datetime
    time_zone: str
    withdrawn_at: datetime | None = None


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


class SessionList(BaseModel):
    items: list[Session]


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
    cursor: str  # opaque: pass it as `after` to read the items that follow this one


class Feed(BaseModel):
    items: list[FeedItem]
    page_info: PageInfo
    time_zone: str
    # When a status on this page next changes by the clock alone (a task opens or falls due);
    # until then only an event (`bookend.scheduler.feed.changed`) changes it. Caches keep the
    # page no longer than this.
    changes_at: datetime | None = None
