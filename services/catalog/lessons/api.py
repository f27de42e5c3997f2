"""The catalog's HTTP routes: thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bookend.auth import Principal
from bookend.auth.fastapi import CurrentPrincipal
from bookend.contracts.catalog import GradeBand, LessonStatus, Library, MediaKind, ModeFit
from bookend.hosting import RequestKey, ServiceState, answering, service_state
from bookend.http_contracts import catalog as http
from bookend.http_contracts.paging import PageInfo
from services.catalog.lessons import domain, service
from services.catalog.lessons.media import Captions, MediaDraft, MediaVariant
from services.catalog.lessons.ports import LessonFilters, Store
from services.catalog.settings import CatalogSettings

State = Annotated[ServiceState[Store, CatalogSettings], Depends(service_state)]

router = APIRouter()


def draft_of(body: http.LessonCreate) -> domain.LessonDraft:
    return domain.LessonDraft(
        title=body.title,
        subject=body.subject,
        summary=body.summary,
        grade_band=body.grade_band,
        objectives=tuple(body.objectives),
        standards=tuple(body.standards),
        estimated_minutes=body.estimated_minutes,
        components=tuple(
            domain.ComponentDraft(
                id=c.id,
                title=c.title,
                kind=c.kind,
                minutes=c.minutes,
                mode_fit=c.mode_fit,
                mode_fit_reason=c.mode_fit_reason,
                instructions=c.instructions,
                media=tuple(_media_draft(m) for m in c.media),
            )
            for c in body.components
        ),
    )


def _media_draft(media: http.MediaCreate) -> MediaDraft:
    return MediaDraft(
        kind=media.kind,
        title=media.title,
        url=media.url,
        bytes=media.bytes,
        duration_seconds=media.duration_seconds,
        captions=tuple(Captions(c.language, c.url) for c in media.captions),
        variants=tuple(MediaVariant(v.kind, v.url, v.bytes) for v in media.variants),
        downloadable=media.downloadable,
    )


def content_out(content: domain.LessonContent) -> http.LessonContent:
    # The HTTP model's fields are the domain's attribute names, components and media included.
    return http.LessonContent.model_validate(content, from_attributes=True)


def lesson_out(lesson: domain.Lesson, *, viewer: Principal) -> http.Lesson:
    revision = lesson.revision if service.may_see_revision(viewer, lesson) else None
    return http.Lesson(
        **dict(content_out(lesson.content)),
        id=lesson.id,
        district_id=lesson.district_id,
        status=lesson.status,
        version=lesson.version,
        created_by=lesson.created_by,
        created_at=lesson.created_at,
        published_at=lesson.published_at,
        archived_at=lesson.archived_at,
        revision=None if revision is None else content_out(revision),
        adopted_from=None
        if lesson.adopted_from is None
        else http.AdoptedFrom.model_validate(lesson.adopted_from, from_attributes=True),
    )


async def answered(
    key: RequestKey, viewer: Principal, work: Awaitable[domain.Lesson], *, status: int = 200
) -> http.Lesson:
    """The lesson `work` makes, kept as the answer to `key` (a retry gets it again)."""
    with answering(key, partial(lesson_out, viewer=viewer), status=status):
        lesson = await work
    return lesson_out(lesson, viewer=viewer)


@router.post("/lessons", status_code=201)
async def create_lesson(
    body: http.LessonCreate, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Lesson:
    work = service.create_lesson(
        draft_of(body), principal=principal, store=state.store, clock=state.clock, ids=state.ids
    )
    return await answered(key, principal, work, status=201)


@router.put("/lessons/{lesson_id}")
async def edit_lesson(
    lesson_id: str,
    body: http.LessonCreate,
    principal: CurrentPrincipal,
    state: State,
    key: RequestKey,
) -> http.Lesson:
    work = service.edit_lesson(
        lesson_id, draft_of(body), principal=principal, store=state.store, ids=state.ids
    )
    return await answered(key, principal, work)


@router.delete("/lessons/{lesson_id}/revision")
async def discard_revision(
    lesson_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Lesson:
    work = service.discard_revision(lesson_id, principal=principal, store=state.store)
    return await answered(key, principal, work)


@router.post("/lessons/{lesson_id}/publish")
async def publish_lesson(
    lesson_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Lesson:
    work = service.publish_lesson(
        lesson_id, principal=principal, store=state.store, clock=state.clock
    )
    return await answered(key, principal, work)


@router.post("/lessons/{lesson_id}/archive")
async def archive_lesson(
    lesson_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Lesson:
    work = service.archive_lesson(
        lesson_id, principal=principal, store=state.store, clock=state.clock
    )
    return await answered(key, principal, work)


@router.post("/lessons/{lesson_id}/adopt", status_code=201)
async def adopt_lesson(
    lesson_id: str, principal: CurrentPrincipal, state: State, key: RequestKey
) -> http.Lesson:
    """A draft of the caller's district copied from a published lesson of the shared library."""
    work = service.adopt_lesson(
        lesson_id, principal=principal, store=state.store, clock=state.clock, ids=state.ids
    )
    return await answered(key, principal, work, status=201)


@router.get("/lessons/by-id")
async def get_lessons(
    principal: CurrentPrincipal, state: State, id: Annotated[list[str], Query()]
) -> http.LessonList:
    """Many lessons at once (`?id=a&id=b`, at most 100), those the caller may see: what
    `GET /lessons/{id}` would give for each, the rest left out."""
    lessons = await service.get_lessons(id, principal=principal, store=state.store)
    return http.LessonList(items=[lesson_out(lesson, viewer=principal) for lesson in lessons])


@router.get("/lessons/{lesson_id}")
async def get_lesson(lesson_id: str, principal: CurrentPrincipal, state: State) -> http.Lesson:
    lesson = await service.get_lesson(lesson_id, principal=principal, store=state.store)
    return lesson_out(lesson, viewer=principal)


@router.get("/lessons/{lesson_id}/versions/{version}")
async def get_lesson_version(
    lesson_id: str, version: int, principal: CurrentPrincipal, state: State
) -> http.LessonVersion:
    found = await service.get_lesson_version(
        lesson_id, version, principal=principal, store=state.store
    )
    return http.LessonVersion(
        **dict(content_out(found.content)),
        lesson_id=found.lesson_id,
        version=found.version,
        published_at=found.published_at,
    )


@router.get("/lessons")
async def list_lessons(
    principal: CurrentPrincipal,
    state: State,
    status: LessonStatus | None = None,
    q: str | None = None,
    first: int = service.DEFAULT_PAGE_SIZE,
    after: str | None = None,
    subject: str | None = None,
    grade_band: GradeBand | None = None,
    standard: str | None = None,
    mode_fit: ModeFit | None = None,
    media_kind: MediaKind | None = None,
    max_download_bytes: int | None = None,
    library: Library = Library.DISTRICT,
    curriculum_id: str | None = None,
    total: bool = False,
) -> http.LessonPage:
    """`q`: every word of it, in the title (ranked first) or elsewhere in the lesson."""
    filters = LessonFilters(
        subject=subject,
        grade_band=grade_band,
        standard=standard,
        mode_fit=mode_fit,
        media_kind=media_kind,
        max_download_bytes=max_download_bytes,
    )
    page = await service.list_lessons(
        principal=principal,
        store=state.store,
        status=status,
        q=q,
        first=first,
        after=after,
        filters=filters,
        library=library,
        curriculum_id=curriculum_id,
        total=total,
    )
    info = PageInfo(
        has_next_page=page.has_next_page, end_cursor=page.end_cursor, total_count=page.total
    )
    return http.LessonPage(
        items=[lesson_out(lesson, viewer=principal) for lesson in page.items],
        page_info=info,
        cursors=page.cursors,
    )
