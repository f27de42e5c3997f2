"""The catalog's HTTP API for recordings of live sessions: attaching one, reading them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.http_contracts.catalog import Captions, Media, MediaVariant
from bookend.http_contracts.paging import Page

# As for lessons, inputs carry no bounds of their own: lengths, counts and ranges are domain
# rules, so an error names the same rule wherever the recording comes from.


class Chapter(BaseModel):
    title: str
    starts_at_second: int


class RecordingCreate(BaseModel):
    """A video of the session: its size, its duration, captions or a transcript variant, and
    optional chapters in order. Without a title, the session's."""

    url: str
    duration_seconds: int
    bytes: int
    title: str | None = None
    chapters: list[Chapter] = []
    captions: list[Captions] = []
    variants: list[MediaVariant] = []
    downloadable: bool = False


class Recording(BaseModel):
    """An on-demand component of the session's lesson, for the session's section only."""

    id: str  # the component's id
    district_id: str
    session_id: str
    section_id: str
    lesson_id: str
    lesson_version: int
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int
    media: Media
    chapters: list[Chapter]
    published_at: datetime


class RecordingPage(Page[Recording]):
    """A page of a lesson's recordings, newest first."""
