"""The catalog's use cases: draft, publish, read and browse lessons."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bookend.auth import Principal, Role
from bookend.clock import Clock
from bookend.contracts.catalog import LessonStatus
from bookend.ids import IdFactory
from bookend.problems import FieldError, Forbidden, InvalidInput, refuse_if, too_long
from services.catalog.events import OUTBOUND
from services.catalog.lessons.domain import (
    MAX_SUBJECT,
    Lesson,
    LessonChanged,
    LessonDraft,
    LessonNotFound,
    LessonVersion,
    LessonVersionNotFound,
    new_lesson,
)
from services.catalog.lessons.ports import (
    LessonFilters,
    LessonPosition,
    LessonQuery,
    Store,
    Transaction,
)
from services.catalog.lessons.search import searched

# The curriculum roles: a district admin writes any of the district's lessons, a teacher
# their own.
AUTHORS = (Role.DISTRICT_ADMIN, Role.TEACHER)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class LessonPage:
    items: list[Lesson]
    has_next_page: bool
    end_cursor: str | None
    cursors: list[str] = field(default_factory=list)  # each item's, to page on from it


async def create_lesson(
    draft: LessonDraft, *, principal: Principal, store: Store, clock: Clock, ids: IdFactory
) -> Lesson:
    principal.require(*AUTHORS)
    lesson = new_lesson(
        draft,
        new_id=ids,
        district_id=principal.district,
        created_by=principal.subject,
        created_at=clock(),
    )

    async def work(tx: Transaction) -> Lesson:
        await tx.add_lesson(lesson)
        return lesson

    return await store.atomically(work)


async def edit_lesson(
    lesson_id: str, draft: LessonDraft, *, principal: Principal, store: Store, ids: IdFactory
) -> Lesson:
    """A draft takes the new content; a published lesson keeps its content for readers and
    holds the new one as its revision until that is published."""
    return await _change(
        lesson_id, lambda lesson: (lesson.edit(draft, ids), []), principal=principal, store=store
    )


async def discard_revision(lesson_id: str, *, principal: Principal, store: Store) -> Lesson:
    return await _change(
        lesson_id, lambda lesson: (lesson.discard_revision(), []), principal=principal, store=store
    )


async def publish_lesson(
    lesson_id: str, *, principal: Principal, store: Store, clock: Clock
) -> Lesson:
    """Publish the next version; the lesson, the version kept as published and the event
    (LessonPublished for the first, LessonRevised after) commit together."""
    at = clock()
    return await _change(
        lesson_id, lambda lesson: lesson.publish(at), principal=principal, store=store, kept=True
    )


async def archive_lesson(
    lesson_id: str, *, principal: Principal, store: Store, clock: Clock
) -> Lesson:
    at = clock()
    return await _change(
        lesson_id, lambda lesson: lesson.archive(at), principal=principal, store=store
    )


async def _change(
    lesson_id: str,
    change: Callable[[Lesson], tuple[Lesson, Sequence[object]]],
    *,
    principal: Principal,
    store: Store,
    kept: bool = False,
) -> Lesson:
    """Apply `change` to a lesson the caller may write, with its events, in one transaction;
    with `kept`, the result is a new published version, stored as such too."""
    principal.require(*AUTHORS)

    async def work(tx: Transaction) -> Lesson:
        lesson = await tx.get_lesson(principal.district, lesson_id)
        if lesson is None or not _may_see(principal, lesson):
            raise LessonNotFound(lesson_id)
        if not _may_write(principal, lesson):
            raise Forbidden("a teacher changes only the lessons they wrote")
        changed, events = change(lesson)
        if not await tx.save_lesson(changed, expected=lesson):
            raise LessonChanged(lesson_id)  # a concurrent writer won
        if kept:
            await tx.add_lesson_version(changed.published_version())
        await tx.emit(*OUTBOUND.events(events))
        return changed

    return await store.atomically(work)


async def get_lesson(lesson_id: str, *, principal: Principal, store: Store) -> Lesson:
    lesson = await store.get_lesson(principal.district, lesson_id)
    if lesson is None or not _may_see(principal, lesson):
        raise LessonNotFound(lesson_id)
    return lesson


async def get_lesson_version(
    lesson_id: str, version: int, *, principal: Principal, store: Store
) -> LessonVersion:
    """A version as it was published: what sessions and tasks planned with it show."""
    lesson = await get_lesson(lesson_id, principal=principal, store=store)
    found = await store.get_lesson_version(principal.district, lesson.id, version)
    if found is None:
        raise LessonVersionNotFound(lesson_id, version)
    return found


def _may_write(principal: Principal, lesson: Lesson) -> bool:
    return principal.has(Role.DISTRICT_ADMIN) or lesson.created_by == principal.subject


def may_see_revision(principal: Principal, lesson: Lesson) -> bool:
    """A revision is work in progress: shown to those who may write the lesson."""
    return principal.has(*AUTHORS) and _may_write(principal, lesson)


def _may_see(principal: Principal, lesson: Lesson) -> bool:
    """Drafts are work in progress: their author's and the admins', and no one else's yet."""
    return not lesson.is_draft or principal.is_admin or lesson.created_by == principal.subject


def _drafts_by(principal: Principal) -> str | None:
    """Whose drafts a staff member's listing shows: an admin's shows all (None)."""
    return None if principal.is_admin else principal.subject


async def list_lessons(
    *,
    principal: Principal,
    store: Store,
    status: LessonStatus | None = None,
    q: str | None = None,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    filters: LessonFilters = LessonFilters(),
) -> LessonPage:
    """A page of the lessons the caller may see, filtered; with `q`, only those holding every
    word of it, those whose title holds them all first (ADR 0024)."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput("first", "range", f"must be between 1 and {MAX_PAGE_SIZE}")
    refuse_if(_filter_errors(filters))
    search = searched(q)
    # Archived lessons only when asked for: they are planned with no more.
    visible = set(LessonStatus) if principal.is_staff else {LessonStatus.PUBLISHED}
    wanted = {LessonStatus.DRAFT, LessonStatus.PUBLISHED} if status is None else {status}
    statuses = visible & wanted
    if not statuses:
        return LessonPage(items=[], has_next_page=False, end_cursor=None)
    position, rank = (None, 0) if after is None else decode_cursor(after)
    ranks: tuple[bool | None, ...] = (None,) if search is None else (True, False)
    found: list[tuple[int, Lesson]] = []
    for at in range(min(rank, len(ranks) - 1), len(ranks)):
        query = LessonQuery(
            statuses=frozenset(statuses),
            after=position if at == rank else None,
            limit=first + 1 - len(found),
            drafts_by=_drafts_by(principal),
            filters=filters,
            words=() if search is None else search.words,
            in_title=ranks[at],
        )
        found += [(at, lesson) for lesson in await store.list_lessons(principal.district, query)]
        if len(found) > first:
            break
    page = found[:first]
    cursors = [encode_cursor(*ranked) for ranked in page]
    return LessonPage(
        items=[lesson for _, lesson in page],
        has_next_page=len(found) > first,
        end_cursor=cursors[-1] if cursors else None,
        cursors=cursors,
    )


def _filter_errors(filters: LessonFilters) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, value, limit in (
        ("subject", filters.subject, MAX_SUBJECT),
        ("standard", filters.standard, 80),
    ):
        if value is not None:
            errors += too_long(name, value, limit)
    if filters.max_download_bytes is not None and filters.max_download_bytes < 0:
        errors.append(FieldError("max_download_bytes", "range", "must be 0 or more"))
    return errors


def encode_cursor(rank: int, lesson: Lesson) -> str:
    """Where a page ended: the lesson, and for a search which of its ranks it is in."""
    raw = json.dumps({"created_at": lesson.created_at.isoformat(), "id": lesson.id, "rank": rank})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[LessonPosition, int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        created_at = datetime.fromisoformat(raw["created_at"])
        if created_at.tzinfo is None:
            raise ValueError("naive instant")
        # In UTC, as the store compares it; an instant near year 1 or 9999 has none.
        created_at = created_at.astimezone(UTC)
        rank = raw.get("rank", 0)
        if not isinstance(rank, int) or isinstance(rank, bool) or rank not in (0, 1):
            raise ValueError("no such rank")
        return LessonPosition(created_at=created_at, lesson_id=str(raw["id"])), rank
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError):
        raise InvalidInput("after", "cursor", "is not a cursor this API returned") from None
