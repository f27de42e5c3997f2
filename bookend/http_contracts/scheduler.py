"""The scheduler's HTTP API: roster, live sessions with their tasks, lesson copies, feeds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend, FeedItemKind, FeedItemStatus, SessionStatus
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


class SessionList(BaseModel):
    items: list[Session]


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
    cursor: str  # opaque: pass it as `after` to read the items that follow this one


class Feed(BaseModel):
    items: list[FeedItem]
    page_info: PageInfo
    time_zone: str
    # When a status on this page next changes by the clock alone (a task opens or falls due);
    # until then only an event (`bookend.scheduler.feed.changed`) changes it. Caches keep the
    # page no longer than this.
    changes_at: datetime | None = None
