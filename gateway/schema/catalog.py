"""Lessons: browsing, writing, publishing, revising and archiving them (the catalog service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.contracts.catalog import SHARED_LIBRARY
from bookend.http_contracts import catalog as http
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract, to_contract
from gateway.schema.enums import (
    ComponentKind,
    GradeBand,
    LessonStatus,
    Library,
    MediaKind,
    ModeFit,
    VariantKind,
)
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.schema.scalars import Bytes


@strawberry.type
class Captions(FromContract[http.Captions]):
    language: str = strawberry.field(description="BCP 47, e.g. `en` or `es-MX`.")
    url: str


@strawberry.type
class MediaVariant(FromContract[http.MediaVariant]):
    kind: VariantKind
    url: str
    bytes: Bytes


@strawberry.type(description="What a client downloads: the asset itself, or a lighter variant.")
class Rendition(FromContract[http.Rendition]):
    variant: VariantKind | None = strawberry.field(description="None: the asset itself.")
    url: str
    bytes: Bytes


@strawberry.type
class Media:
    id: strawberry.ID
    kind: MediaKind
    title: str
    url: str
    bytes: Bytes | None
    duration_seconds: int | None
    captions: list[Captions]
    variants: list[MediaVariant]
    downloadable: bool
    renditions: list[Rendition] = strawberry.field(
        description="Every rendition, fullest first: the asset, small, audio only, transcript."
    )

    @strawberry.field(
        description=(
            "The fullest rendition within a download budget (the asset itself if it fits, else"
            " a smaller rendition, then the audio alone, then the transcript); null if none fits."
        )
    )
    def within(self, max_bytes: Bytes) -> Rendition | None:
        return next((r for r in self.renditions if r.bytes <= max_bytes), None)

    @classmethod
    def of(cls, media: http.Media) -> Media:
        return from_contract(
            cls,
            media,
            captions=[Captions.of(c) for c in media.captions],
            variants=[MediaVariant.of(v) for v in media.variants],
            renditions=[Rendition.of(r) for r in media.renditions],
        )


@strawberry.type
class LessonComponent:
    id: strawberry.ID
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    mode_fit_reason: str = strawberry.field(
        description="Why the mode fit differs from the kind's default; empty when it does not."
    )
    minutes: int
    instructions: str
    media: list[Media]

    @classmethod
    def of(cls, component: http.Component) -> LessonComponent:
        return from_contract(cls, component, media=[Media.of(m) for m in component.media])


def _components(content: http.LessonContent) -> list[LessonComponent]:
    return [LessonComponent.of(c) for c in content.components]


@strawberry.type(description="A lesson's content: its published form, or a pending revision.")
class LessonRevision:
    title: str
    subject: str
    summary: str
    grade_band: GradeBand | None
    objectives: list[str]
    standards: list[str]
    estimated_minutes: int | None
    minutes: int
    download_bytes: Bytes
    components: list[LessonComponent]

    @classmethod
    def of(cls, content: http.LessonContent) -> LessonRevision:
        return from_contract(cls, content, components=_components(content))


@strawberry.type(description="The shared lesson, and its version, a lesson was adopted from.")
class AdoptedFrom(FromContract[http.AdoptedFrom]):
    lesson_id: strawberry.ID
    version: int


@strawberry.type
class Lesson(Node):
    id: strawberry.ID
    title: str
    subject: str
    summary: str
    status: LessonStatus
    version: int = strawberry.field(description="The latest published version; 0 before the first.")
    components: list[LessonComponent]
    published_at: datetime | None
    grade_band: GradeBand | None
    objectives: list[str]
    standards: list[str]
    estimated_minutes: int | None = strawberry.field(
        description="As the author estimated, if they did."
    )
    minutes: int = strawberry.field(description="The estimate, else the components' minutes.")
    download_bytes: Bytes = strawberry.field(
        description="What saving every downloadable asset in full costs."
    )
    archived_at: datetime | None
    revision: LessonRevision | None = strawberry.field(
        description=(
            "Edits of a published lesson, not yet published; shown to those who may write it."
        )
    )
    shared: bool = strawberry.field(
        description="A lesson of the shared library, which every district may adopt."
    )
    adopted_from: AdoptedFrom | None

    @classmethod
    def of(cls, lesson: http.Lesson) -> Lesson:
        revision = LessonRevision.of(lesson.revision) if lesson.revision is not None else None
        adopted = lesson.adopted_from
        return from_contract(
            cls,
            lesson,
            revision=revision,
            components=_components(lesson),
            shared=lesson.district_id == SHARED_LIBRARY,
            adopted_from=None if adopted is None else AdoptedFrom.of(adopted),
        )


@strawberry.type(description="A lesson as one of its versions was published.")
class LessonVersion(LessonRevision):
    lesson_id: strawberry.ID
    version: int
    published_at: datetime

    @classmethod
    def of(cls, version: http.LessonVersion) -> LessonVersion:  # type: ignore[override]
        return from_contract(cls, version, components=_components(version))


async def load_lesson(info: Info, lesson_id: str) -> Lesson | None:
    """Through the request's loader: None when there is none the caller may see."""
    found = await info.context.loaders.lessons.load(lesson_id)
    return Lesson.of(found) if found is not None else None


@strawberry.input
class CaptionsInput:
    language: str
    url: str


@strawberry.input
class MediaVariantInput:
    kind: VariantKind
    url: str
    bytes: Bytes


@strawberry.input(
    description=(
        "Video and audio need a duration; every medium but an interactive link needs its size."
        " A video needs captions or a transcript variant before its lesson is published."
    )
)
class MediaInput:
    kind: MediaKind
    title: str
    url: str = strawberry.field(description="An absolute http or https URL.")
    bytes: Bytes | None = None
    duration_seconds: int | None = None
    captions: list[CaptionsInput] = strawberry.field(default_factory=list)
    variants: list[MediaVariantInput] = strawberry.field(default_factory=list)
    downloadable: bool = False

    def request(self) -> http.MediaCreate:
        return to_contract(
            http.MediaCreate,
            self,
            captions=[to_contract(http.Captions, c) for c in self.captions],
            variants=[to_contract(http.MediaVariant, v) for v in self.variants],
        )


@strawberry.input
class ComponentInput:
    title: str
    kind: ComponentKind
    minutes: int
    mode_fit: ModeFit | None = strawberry.field(
        default=None, description="Defaults from the kind: live for discussion and feedback."
    )
    mode_fit_reason: str = strawberry.field(
        default="", description="Required when the mode fit differs from the kind's default."
    )
    instructions: str = ""
    media: list[MediaInput] = strawberry.field(default_factory=list)
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="When editing: the component this one is, which keeps its id and media ids.",
    )

    def request(self) -> http.ComponentCreate:
        return to_contract(http.ComponentCreate, self, media=[m.request() for m in self.media])


@strawberry.input(description="A lesson's content: for creating a lesson and for editing one.")
class CreateLessonInput:
    title: str
    subject: str
    components: list[ComponentInput] = strawberry.field(
        default_factory=list, description="A draft may have none yet; publishing needs one."
    )
    summary: str = ""
    grade_band: GradeBand | None = None
    objectives: list[str] = strawberry.field(default_factory=list)
    standards: list[str] = strawberry.field(
        default_factory=list, description="Standards' codes, e.g. CCSS.MATH.CONTENT.3.OA.A.1."
    )
    estimated_minutes: int | None = strawberry.field(
        default=None, description="If given, the components' minutes must add up to it."
    )

    def request(self) -> http.LessonCreate:
        return to_contract(
            http.LessonCreate, self, components=[c.request() for c in self.components]
        )


LessonResult = Annotated[Lesson | Failure, strawberry.union("LessonResult")]
CreateLessonResult = Annotated[Lesson | Failure, strawberry.union("CreateLessonResult")]
PublishLessonResult = Annotated[Lesson | Failure, strawberry.union("PublishLessonResult")]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    async def lesson(self, info: Info, id: strawberry.ID) -> Lesson | None:
        return await load_lesson(info, id)

    @strawberry.field(description="A lesson as one of its versions was published.")
    async def lesson_version(self, info: Info, id: strawberry.ID, version: int) -> LessonVersion:
        call = info.context.clients.catalog.get_lesson_version(id, version)
        return await query(call, LessonVersion.of)

    @strawberry.field(
        description=(
            "The district's lessons the viewer may see, in the library's order (archived ones"
            " only with `status: ARCHIVED`). With `search`, only those holding every word of"
            " it (letter case, accents, plurals and very common words aside): first those"
            " whose title holds them all, then those holding them in their objectives,"
            " standards, summary or components. Each filter narrows the list further."
        )
    )
    async def lessons(
        self,
        info: Info,
        first: First = 20,
        after: After = None,
        status: LessonStatus | None = None,
        search: str | None = None,
        subject: str | None = None,
        grade_band: GradeBand | None = None,
        standard: Annotated[
            str | None,
            strawberry.argument(description="A standard's code, e.g. CCSS.MATH.CONTENT.3.NF.A.2."),
        ] = None,
        mode_fit: Annotated[
            ModeFit | None,
            strawberry.argument(description="Lessons with a component of this mode fit."),
        ] = None,
        media_kind: Annotated[
            MediaKind | None, strawberry.argument(description="Lessons with media of this kind.")
        ] = None,
        library: Annotated[
            Library,
            strawberry.argument(
                description="The district's lessons, or the shared library's published ones."
            ),
        ] = Library.DISTRICT,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Lessons placed in a unit of this curriculum."),
        ] = None,
        max_download_bytes: Annotated[
            Bytes | None,
            strawberry.argument(description="Lessons whose downloadable media, in full, fit this."),
        ] = None,
    ) -> Connection[Lesson]:
        filters = http.LessonFilters(
            subject=subject,
            grade_band=grade_band,
            standard=standard,
            mode_fit=mode_fit,
            media_kind=media_kind,
            max_download_bytes=max_download_bytes,
            library=library,
            curriculum_id=curriculum_id,
        )
        asked = checked_page(first, after, info)
        call = info.context.clients.catalog.list_lessons(asked, status, search, filters)
        return await query(call, lambda found: Connection.of(found, asked, Lesson.of))


@strawberry.type
class CatalogMutation:
    @strawberry.mutation
    async def create_lesson(
        self, info: Info, input: CreateLessonInput, idempotency_key: IdempotencyKey = None
    ) -> CreateLessonResult:
        call = info.context.clients.catalog.create_lesson(input.request(), idempotency_key)
        return await mutate(call, Lesson.of)

    @strawberry.mutation(
        description=(
            "A draft takes the new content; a published lesson keeps its content for readers"
            " and holds the new one as its revision until that is published."
        )
    )
    async def edit_lesson(
        self,
        info: Info,
        id: strawberry.ID,
        input: CreateLessonInput,
        idempotency_key: IdempotencyKey = None,
    ) -> LessonResult:
        call = info.context.clients.catalog.edit_lesson(id, input.request(), idempotency_key)
        return await mutate(call, Lesson.of)

    @strawberry.mutation
    async def discard_lesson_revision(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> LessonResult:
        call = info.context.clients.catalog.discard_revision(id, idempotency_key)
        return await mutate(call, Lesson.of)

    @strawberry.mutation(
        description=(
            "Publish the draft, or a published lesson's revision, as the next version. Refused"
            " with LESSON_NOT_PUBLISHABLE, naming each component and rule, when a lesson has no"
            " component, a video lacks captions or a transcript, or the minutes do not add up."
        )
    )
    async def publish_lesson(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> PublishLessonResult:
        call = info.context.clients.catalog.publish_lesson(id, idempotency_key)
        return await mutate(call, Lesson.of)

    @strawberry.mutation(
        description=(
            "A draft of the viewer's district copied from a published lesson of the shared"
            " library, under new ids; it remembers what it was adopted from."
        )
    )
    async def adopt_lesson(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> LessonResult:
        call = info.context.clients.catalog.adopt_lesson(id, idempotency_key)
        return await mutate(call, Lesson.of)

    @strawberry.mutation(
        description="No new sessions or tasks are planned with it; planned ones keep theirs."
    )
    async def archive_lesson(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> LessonResult:
        call = info.context.clients.catalog.archive_lesson(id, idempotency_key)
        return await mutate(call, Lesson.of)
