"""The curricula's use cases: a district admin builds curricula of units of the district's
lessons; everyone in the district reads them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bookend import cursors
from bookend.auth import Principal, Role
from bookend.clock import Clock
from bookend.cursors import Position
from bookend.ids import IdFactory
from bookend.problems import InvalidInput
from services.catalog.curricula.domain import (
    Curriculum,
    CurriculumChanged,
    CurriculumDraft,
    CurriculumNotFound,
    new_curriculum,
)
from services.catalog.curricula.ports import CurriculumPosition, Reads, Store, Transaction
from services.catalog.lessons.domain import LessonNotFound

# Curricula are the district's plan: its curriculum lead (a district admin) writes them.
WRITERS = (Role.DISTRICT_ADMIN,)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class CurriculumPage:
    items: list[Curriculum]
    has_next_page: bool
    cursors: list[str]  # each item's, to page on from it
    total: int | None = None  # the district's curricula, when asked for


async def create_curriculum(
    draft: CurriculumDraft, *, principal: Principal, store: Store, clock: Clock, ids: IdFactory
) -> Curriculum:
    principal.require(*WRITERS)
    curriculum = new_curriculum(
        draft,
        new_id=ids,
        district_id=principal.district,
        created_by=principal.subject,
        created_at=clock(),
    )

    async def work(tx: Transaction) -> Curriculum:
        await tx.add_curriculum(curriculum)
        return curriculum

    return await store.atomically(work)


async def add_unit(
    curriculum_id: str, title: str, *, principal: Principal, store: Store, ids: IdFactory
) -> Curriculum:
    return await _change(
        curriculum_id, lambda c: c.add_unit(title, ids), principal=principal, store=store
    )


async def place_lesson(
    curriculum_id: str,
    unit_id: str,
    lesson_id: str,
    position: int | None,
    *,
    principal: Principal,
    store: Store,
) -> Curriculum:
    """Put one of the district's lessons (a draft too) at `position` of the unit."""
    return await _change(
        curriculum_id,
        lambda c: c.place(unit_id, lesson_id, position),
        principal=principal,
        store=store,
        lesson_id=lesson_id,
    )


async def remove_lesson(
    curriculum_id: str, lesson_id: str, *, principal: Principal, store: Store
) -> Curriculum:
    return await _change(
        curriculum_id, lambda c: c.remove(lesson_id), principal=principal, store=store
    )


async def _change(
    curriculum_id: str,
    change: Callable[[Curriculum], Curriculum],
    *,
    principal: Principal,
    store: Store,
    lesson_id: str | None = None,
) -> Curriculum:
    principal.require(*WRITERS)

    async def work(tx: Transaction) -> Curriculum:
        curriculum = await tx.get_curriculum(principal.district, curriculum_id)
        if curriculum is None:
            raise CurriculumNotFound(curriculum_id)
        if lesson_id is not None and await tx.get_lesson(principal.district, lesson_id) is None:
            raise LessonNotFound(lesson_id)
        changed = change(curriculum)
        if not await tx.save_curriculum(changed, expected=curriculum):
            raise CurriculumChanged(curriculum_id)
        return changed

    return await store.atomically(work)


async def get_curriculum(curriculum_id: str, *, principal: Principal, store: Reads) -> Curriculum:
    curriculum = await store.get_curriculum(principal.district, curriculum_id)
    if curriculum is None:
        raise CurriculumNotFound(curriculum_id)
    return curriculum


async def list_curricula(
    *,
    principal: Principal,
    store: Reads,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    total: bool = False,
) -> CurriculumPage:
    """A page of the district's curricula, oldest first; all of them counted when asked."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput("first", "range", f"must be between 1 and {MAX_PAGE_SIZE}")
    cursor = None if after is None else cursors.decode(after)
    position = None if cursor is None else CurriculumPosition(cursor.created_at, cursor.id)
    found = await store.list_curricula(principal.district, position, first + 1)
    items = found[:first]
    ends = [cursors.encode(Position(c.created_at, c.id)) for c in items]
    counted = await store.count_curricula(principal.district) if total else None
    return CurriculumPage(
        items=items, has_next_page=len(found) > first, cursors=ends, total=counted
    )
