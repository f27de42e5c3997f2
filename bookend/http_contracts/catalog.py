"""The catalog's HTTP API: lessons and their components."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bookend.contracts.catalog import ComponentKind, LessonStatus, ModeFit
from bookend.http_contracts.paging import PageInfo


class ComponentCreate(BaseModel):
    title: str
    kind: ComponentKind
    mode_fit: ModeFit | None = None
    minutes: int


class LessonCreate(BaseModel):
    # Blank titles, component counts and minutes are domain rules (not_empty, min_items,
    # max_items, range), so the error names the same rule wherever the lesson comes from.
    title: str
    subject: str
    summary: str = ""
    components: list[ComponentCreate]


class Component(BaseModel):
    id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


class Lesson(BaseModel):
    id: str
    district_id: str
    title: str
    subject: str
    summary: str
    status: LessonStatus
    version: int
    components: list[Component]
    created_by: str
    created_at: datetime
    published_at: datetime | None


class LessonPage(BaseModel):
    items: list[Lesson]
    page_info: PageInfo
