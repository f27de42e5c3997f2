"""The catalog's use cases: draft, publish, read and browse lessons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from bookend import cursors
from bookend.auth import Principal, Role
from bookend.clock import Clock
from bookend.contracts.catalog import SHARED_LIBRARY, LessonStatus, Library
from bookend.cursors import Position
from bookend.ids import IdFactory
from bookend.problems import FieldError, Forbidden, InvalidInput, refuse_if, too_long
from services.catalog.events import OUTBOUND
from services.catalog.lessons.domain import (
    MAX_STANDARD,
    MAX_SUBJECT,
    Lesson,
    LessonChanged,
    LessonDraft,
    LessonNotFound,
    LessonVersion,
    LessonVersionNotFound,
    NotShared,
    adopt,
    new_lesson,
)
from services.catalog.lessons.ports import (
    LessonFilters,
    LessonPosition,
    LessonQuery,
    Reads,
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
    total: int | None = None  # every lesson the filters find, when asked for


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


async def get_lesson(lesson_id: str, *, principal: Principal, store: Reads) -> Lesson:
    """A lesson of the caller's district, or a published one of the shared library."""
    lesson = await store.get_lesson(principal.district, lesson_id)
    if lesson is None and principal.district != SHARED_LIBRARY:
        shared = await store.get_lesson(SHARED_LIBRARY, lesson_id)
        if shared is not None and shared.status is LessonStatus.PUBLISHED:
            return shared
    if lesson is None or not _may_see(principal, lesson):
        raise LessonNotFound(lesson_id)
    return lesson


MAX_BATCH = 100


async def get_lessons(lesson_ids: list[str], *, principal: Principal, store: Reads) -> list[Lesson]:
    """Those of `lesson_ids` the caller may see, as `get_lesson` would give each, in one read
    of the district (and one of the shared library for the rest): a curriculum's units name
    hundreds."""
    if len(lesson_ids) > MAX_BATCH:
        raise InvalidInput("id", "max_items", f"at most {MAX_BATCH} ids at once")
    found = {
        lesson.id: lesson
        for lesson in await store.get_lessons(principal.district, lesson_ids)
        if _may_see(principal, lesson)
    }
    rest = [i for i in lesson_ids if i not in found]
    if rest and principal.district != SHARED_LIBRARY:
        for lesson in await store.get_lessons(SHARED_LIBRARY, rest):
            if lesson.status is LessonStatus.PUBLISHED:
                found[lesson.id] = lesson
    return [found[i] for i in dict.fromkeys(lesson_ids) if i in found]


async def adopt_lesson(
    lesson_id: str, *, principal: Principal, store: Store, clock: Clock, ids: IdFactory
) -> Lesson:
    """A draft of the caller's own, copied from a published lesson of the shared library; the
    district then edits and publishes it as any other."""
    principal.require(*AUTHORS)

    async def work(tx: Transaction) -> Lesson:
        source = await get_lesson(lesson_id, principal=principal, store=tx)
        if source.district_id != SHARED_LIBRARY or source.district_id == principal.district:
            raise NotShared(lesson_id)
        adopted = adopt(
            source,
            new_id=ids,
            district_id=principal.district,
            created_by=principal.subject,
            created_at=clock(),
        )
        await tx.add_lesson(adopted)
        return adopted

    return await store.atomically(work)


async def get_lesson_version(
    lesson_id: str, version: int, *, principal: Principal, store: Store
) -> LessonVersion:
    """A version as it was published: what sessions and tasks planned with it show."""
    lesson = await get_lesson(lesson_id, principal=principal, store=store)
    found = await store.get_lesson_version(lesson.district_id, lesson.id, version)
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
    library: Library = Library.DISTRICT,
    curriculum_id: str | None = None,
    total: bool = False,
) -> LessonPage:
    """A page of the lessons the caller may see, filtered; with `q`, only those holding every
    word of it, those whose title holds them all first (ADR 0024). The shared library shows
    other districts its published lessons only. With `total`, every lesson the filters find
    is counted too (one count query, both ranks of a search at once)."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput("first", "range", f"must be between 1 and {MAX_PAGE_SIZE}")
    refuse_if(_filter_errors(filters))
    search = searched(q)
    owner = SHARED_LIBRARY if library is Library.SHARED else principal.district
    # Archived lessons only when asked for: they are planned with no more.
    own = owner == principal.district
    visible = set(LessonStatus) if principal.is_staff and own else {LessonStatus.PUBLISHED}
    wanted = {LessonStatus.DRAFT, LessonStatus.PUBLISHED} if status is None else {status}
    statuses = visible & wanted
    if not statuses:
        return LessonPage(
            items=[], has_next_page=False, end_cursor=None, total=0 if total else None
        )
    if curriculum_id is not None:
        placed = await store.lessons_of_curriculum(owner, curriculum_id)
        if placed is None:
            raise InvalidInput("curriculum_id", "known", "no such curriculum in this library")
        filters = replace(filters, lesson_ids=placed)
    ranks: tuple[bool | None, ...] = (None,) if search is None else (True, False)
    cursor = None if after is None else cursors.decode(after, ranks=2)
    rank = 0 if cursor is None else min(cursor.rank, len(ranks) - 1)
    position = None if cursor is None else LessonPosition(cursor.created_at, cursor.id)
    found: list[tuple[int, Lesson]] = []
    for at in range(rank, len(ranks)):
        query = LessonQuery(
            statuses=frozenset(statuses),
            after=position if at == rank else None,
            limit=first + 1 - len(found),
            drafts_by=_drafts_by(principal),
            filters=filters,
            words=() if search is None else search.words,
            in_title=ranks[at],
        )
        found += [(at, lesson) for lesson in await store.list_lessons(owner, query)]
        if len(found) > first:
            break
    page = found[:first]
    ends = [cursors.encode(Position(lesson.created_at, lesson.id, at)) for at, lesson in page]
    counted = None
    if total:
        every = LessonQuery(
            statuses=frozenset(statuses),
            after=None,
            limit=0,
            drafts_by=_drafts_by(principal),
            filters=filters,
            words=() if search is None else search.words,
        )
        counted = await store.count_lessons(owner, every)
    return LessonPage(
        items=[lesson for _, lesson in page],
        has_next_page=len(found) > first,
        end_cursor=ends[-1] if ends else None,
        cursors=ends,
        total=counted,
    )


def _filter_errors(filters: LessonFilters) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, value, limit in (
        ("subject", filters.subject, MAX_SUBJECT),
        ("standard", filters.standard, MAX_STANDARD),
    ):
        if value is not None:
            errors += too_long(name, value, limit)
    if filters.max_download_bytes is not None and filters.max_download_bytes < 0:
        errors.append(FieldError("max_download_bytes", "range", "must be 0 or more"))
    return errors
