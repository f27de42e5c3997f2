"""The catalog's HTTP API: lessons, their components and media, and published versions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bookend.contracts.catalog import (
    ComponentKind,
    GradeBand,
    LessonStatus,
    Library,
    MediaKind,
    ModeFit,
    VariantKind,
)
from bookend.http_contracts.paging import Page

# Inputs carry no bounds of their own: lengths, counts and ranges are domain rules, so an error
# names the same rule wherever the lesson comes from.


class Captions(BaseModel):
    language: str
    url: str


class MediaVariant(BaseModel):
    kind: VariantKind
    url: str
    bytes: int


class MediaCreate(BaseModel):
    kind: MediaKind
    title: str
    url: str
    bytes: int | None = None
    duration_seconds: int | None = None
    captions: list[Captions] = []
    variants: list[MediaVariant] = []
    downloadable: bool = False


class Rendition(BaseModel):
    variant: VariantKind | None  # None: the asset itself
    url: str
    bytes: int


class Media(MediaCreate):
    id: str
    renditions: list[Rendition]  # fullest first: the first within a budget is the one to take


class ComponentCreate(BaseModel):
    id: str | None = None  # a component of the lesson being edited keeps its identity
    title: str
    kind: ComponentKind
    mode_fit: ModeFit | None = None
    mode_fit_reason: str = ""
    minutes: int
    instructions: str = ""
    media: list[MediaCreate] = []


class LessonCreate(BaseModel):
    """A lesson's content; the body of both creating and editing one."""

    title: str
    subject: str
    summary: str = ""
    grade_band: GradeBand | None = None
    objectives: list[str] = []
    standards: list[str] = []
    estimated_minutes: int | None = None
    components: list[ComponentCreate] = []


class Component(BaseModel):
    id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    mode_fit_reason: str
    minutes: int
    instructions: str
    media: list[Media]


class LessonContent(BaseModel):
    title: str
    subject: str
    summary: str
    grade_band: GradeBand | None
    objectives: list[str]
    standards: list[str]
    estimated_minutes: int | None  # as the author estimated, if they did
    minutes: int  # the estimate, else the components' minutes
    download_bytes: int  # every downloadable asset in full
    components: list[Component]


class AdoptedFrom(BaseModel):
    lesson_id: str  # a lesson of the shared library
    version: int


class Lesson(LessonContent):
    id: str
    district_id: str
    status: LessonStatus
    version: int  # the latest published version; 0 before the first
    created_by: str
    created_at: datetime
    published_at: datetime | None
    archived_at: datetime | None = None
    # Edits of a published lesson not yet published; only for those who may write it.
    revision: LessonContent | None = None
    adopted_from: AdoptedFrom | None = None


class LessonVersion(LessonContent):
    lesson_id: str
    version: int
    published_at: datetime


class LessonFilters(BaseModel):
    """The query parameters of `GET /lessons` that narrow it; None leaves one out."""

    library: Library = Library.DISTRICT
    curriculum_id: str | None = None
    subject: str | None = None
    grade_band: GradeBand | None = None
    standard: str | None = None
    mode_fit: ModeFit | None = None
    media_kind: MediaKind | None = None
    max_download_bytes: int | None = None


class LessonList(BaseModel):
    items: list[Lesson]


class LessonPage(Page[Lesson]):
    """A page of them, as every list that can grow answers (ADR 0044)."""
