"""The catalog's use cases: draft, publish, read and browse lessons."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from bookend.auth import STAFF, Principal
from bookend.clock import Clock
from bookend.contracts.catalog import LessonStatus
from bookend.ids import IdFactory
from bookend.problems import InvalidInput
from services.catalog.domain import (
    Lesson,
    LessonAlreadyPublished,
    LessonDraft,
    LessonNotFound,
    new_lesson,
)
from services.catalog.events import OUTBOUND
from services.catalog.ports import LessonPosition, LessonQuery, Store, Transaction

AUTHORS = STAFF
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class LessonPage:
    items: list[Lesson]
    has_next_page: bool
    end_cursor: str | None


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


async def publish_lesson(
    lesson_id: str, *, principal: Principal, store: Store, clock: Clock
) -> Lesson:
    """Publish the next version; the lesson and its LessonPublished event commit together."""
    principal.require(*AUTHORS)

    async def work(tx: Transaction) -> Lesson:
        lesson = await tx.get_lesson(principal.district, lesson_id)
        if lesson is None or not _may_see(principal, lesson):
            raise LessonNotFound(lesson_id)
        published, events = lesson.publish(clock())
        if not await tx.save_lesson(published, expected=lesson):
            raise LessonAlreadyPublished(lesson_id)  # a concurrent publish won
        await tx.emit(*OUTBOUND.events(events))
        return published

    return await store.atomically(work)


async def get_lesson(lesson_id: str, *, principal: Principal, store: Store) -> Lesson:
    lesson = await store.get_lesson(principal.district, lesson_id)
    if lesson is None or not _may_see(principal, lesson):
        raise LessonNotFound(lesson_id)
    return lesson


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
) -> LessonPage:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput("first", "range", f"must be between 1 and {MAX_PAGE_SIZE}")
    visible = set(LessonStatus) if principal.is_staff else {LessonStatus.PUBLISHED}
    statuses = visible if status is None else visible & {status}
    if not statuses:
        return LessonPage(items=[], has_next_page=False, end_cursor=None)
    query = LessonQuery(
        statuses=frozenset(statuses),
        title_contains=q.strip() if q else None,
        after=None if after is None else decode_cursor(after),
        limit=first + 1,
        drafts_by=_drafts_by(principal),
    )
    lessons = await store.list_lessons(principal.district, query)
    items = lessons[:first]
    return LessonPage(
        items=items,
        has_next_page=len(lessons) > first,
        end_cursor=encode_cursor(items[-1]) if items else None,
    )


def encode_cursor(lesson: Lesson) -> str:
    raw = json.dumps({"created_at": lesson.created_at.isoformat(), "id": lesson.id})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> LessonPosition:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        created_at = datetime.fromisoformat(raw["created_at"])
        if created_at.tzinfo is None:
            raise ValueError("naive instant")
        # In UTC, as the store compares it; an instant near year 1 or 9999 has none.
        created_at = created_at.astimezone(UTC)
        return LessonPosition(created_at=created_at, lesson_id=str(raw["id"]))
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError):
        raise InvalidInput("after", "cursor", "is not a cursor this API returned") from None
