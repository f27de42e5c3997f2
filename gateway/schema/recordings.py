"""Recordings of live sessions: attaching one, and reading a lesson's (the catalog service);
a session's recording as the scheduler shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import catalog as catalog_http
from bookend.http_contracts import recordings as http
from bookend.http_contracts import scheduler as scheduler_http
from gateway.context import Info
from gateway.schema.catalog import CaptionsInput, Media, MediaVariantInput
from gateway.schema.convert import FromContract, from_contract, to_contract
from gateway.schema.enums import ComponentKind, ModeFit
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.schema.scalars import Bytes


@strawberry.type
class Chapter(FromContract[http.Chapter]):
    title: str
    starts_at_second: int


@strawberry.type(
    description=(
        "A live session's recording: an on-demand component of the session's lesson, for the"
        " session's section only (the lesson's content is unchanged)."
    )
)
class Recording:
    id: strawberry.ID = strawberry.field(description="The component's id.")
    session_id: strawberry.ID
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    lesson_version: int = strawberry.field(description="The version the session was planned with.")
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int = strawberry.field(description="The duration, rounded up.")
    media: Media
    chapters: list[Chapter]
    published_at: datetime

    @classmethod
    def of(cls, recording: http.Recording) -> Recording:
        return from_contract(
            cls,
            recording,
            media=Media.of(recording.media),
            chapters=[Chapter.of(chapter) for chapter in recording.chapters],
        )


@strawberry.type(description="A session's recording as published for its section.")
class SessionRecording:
    component_id: strawberry.ID
    title: str
    minutes: int
    url: str
    published_at: datetime

    @classmethod
    def of(cls, recording: scheduler_http.SessionRecording) -> SessionRecording:
        return from_contract(cls, recording)


@strawberry.input
class ChapterInput:
    title: str
    starts_at_second: int = strawberry.field(description="From 0, before the recording's end.")


@strawberry.input(
    description=(
        "A video of the ended session: its size, its duration, captions or a transcript"
        " variant, and optional chapters in order. Without a title, the session's."
    )
)
class RecordingInput:
    url: str = strawberry.field(description="An absolute http or https URL.")
    duration_seconds: int
    bytes: Bytes
    title: str | None = None
    chapters: list[ChapterInput] = strawberry.field(default_factory=list)
    captions: list[CaptionsInput] = strawberry.field(default_factory=list)
    variants: list[MediaVariantInput] = strawberry.field(default_factory=list)
    downloadable: bool = False

    def request(self) -> http.RecordingCreate:
        return to_contract(
            http.RecordingCreate,
            self,
            chapters=[to_contract(http.Chapter, c) for c in self.chapters],
            captions=[to_contract(catalog_http.Captions, c) for c in self.captions],
            variants=[to_contract(catalog_http.MediaVariant, v) for v in self.variants],
        )


AttachRecordingResult = Annotated[Recording | Failure, strawberry.union("AttachRecordingResult")]


@strawberry.type
class RecordingQuery:
    @strawberry.field(
        description=(
            "A lesson's recordings, newest first (Relay paging): every"
            " section's for the district's staff, a student's own sections' for a student."
        )
    )
    async def lesson_recordings(
        self, info: Info, lesson_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[Recording]:
        asked = checked_page(first, after, info)
        call = info.context.clients.catalog.list_lesson_recordings(lesson_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, Recording.of))


@strawberry.type
class RecordingMutation:
    @strawberry.mutation(
        description=(
            "Publish an ended session's recording as an on-demand component of its lesson, for"
            " its section; by a teacher of the section or an admin. Refused with"
            " SESSION_NOT_ENDED before the end, RECORDING_EXISTS for a second one, and"
            " SESSION_NOT_FOUND until the catalog has heard of the session."
        )
    )
    async def attach_recording(
        self,
        info: Info,
        session_id: strawberry.ID,
        input: RecordingInput,
        idempotency_key: IdempotencyKey = None,
    ) -> AttachRecordingResult:
        call = info.context.clients.catalog.attach_recording(
            session_id, input.request(), idempotency_key
        )
        return await mutate(call, Recording.of)
