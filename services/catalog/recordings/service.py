"""The recordings' use cases: attach a recording to an ended session, read a session's and a
lesson's recordings."""

from __future__ import annotations

from dataclasses import dataclass

from bookend.auth import STAFF, Forbidden, Principal, Role
from bookend.clock import Clock, stored_instant
from bookend.cursors import Position
from bookend.ids import IdFactory
from bookend.problems import FieldError, refuse_if
from services.catalog.events import OUTBOUND
from services.catalog.recordings.domain import (
    KnownSession,
    Recording,
    RecordingDraft,
    RecordingNotFound,
    SessionNotFound,
)
from services.catalog.recordings.ports import MAX_PAGE, Store, Transaction


async def attach_recording(
    session_id: str,
    draft: RecordingDraft,
    *,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
) -> Recording:
    """Publish an ended session's recording; it and RecordingPublished commit together."""
    principal.require(*STAFF)
    draft.check()

    async def work(tx: Transaction) -> Recording:
        session = await tx.get_session(principal.district, session_id)
        if session is None:
            raise SessionNotFound(session_id)
        _require_runs(principal, session)
        existing = await tx.get_recording(principal.district, session_id)
        recording, events = session.record(
            draft, existing=existing, new_id=ids, at=stored_instant(clock())
        )
        await tx.add_recording(recording)
        await tx.emit(*OUTBOUND.events(events))
        return recording

    return await store.atomically(work)


async def get_session_recording(
    session_id: str, *, principal: Principal, store: Store
) -> Recording:
    recording = await store.get_recording(principal.district, session_id)
    if recording is None:
        raise RecordingNotFound(session_id)
    sections = _sections_seen(principal)
    if sections is not None and recording.section_id not in sections:
        raise Forbidden(f"only staff and students of section {recording.section_id!r} see this")
    return recording


@dataclass(frozen=True, slots=True)
class RecordingPage:
    recordings: list[Recording]
    next: Position | None  # where the next page starts, if there is one
    total: int | None = None  # the lesson's recordings the caller sees, when asked for


async def list_lesson_recordings(
    lesson_id: str,
    *,
    first: int,
    after: Position | None,
    total: bool = False,
    principal: Principal,
    store: Store,
) -> RecordingPage:
    """A page of a lesson's recordings, newest first: the district's staff see every
    section's, a student those of their own sections; all of them counted when asked."""
    if not 1 <= first <= MAX_PAGE:
        refuse_if([FieldError("first", "in_range", f"must be between 1 and {MAX_PAGE}")])
    sections = _sections_seen(principal)
    found = await store.list_recordings(
        principal.district, lesson_id, sections, after=after, limit=first + 1
    )
    page = found[:first]
    more = len(found) > first
    counted = None
    if total:
        counted = await store.count_recordings(principal.district, lesson_id, sections)
    return RecordingPage(
        page, Position(page[-1].published_at, page[-1].id) if more else None, counted
    )


def _sections_seen(principal: Principal) -> frozenset[str] | None:
    """Whose recordings the principal sees: every section's (None), or those of these."""
    if principal.is_staff:
        return None
    if principal.has(Role.STUDENT):
        return principal.sections
    raise Forbidden("recordings are for the district's staff and the sections' students")


def _require_runs(principal: Principal, session: KnownSession) -> None:
    """Who runs a session attaches its recording: a teacher of its section (the token's
    `sections` claim), an admin of its school, or a district admin; as the scheduler and
    feedback reach sections (ADR 0004)."""
    if principal.has(Role.DISTRICT_ADMIN):
        return
    if principal.has(Role.TEACHER) and session.section_id in principal.sections:
        return
    school = session.school_id
    if principal.has(Role.SCHOOL_ADMIN) and school is not None and principal.school == school:
        return
    raise Forbidden(f"only who runs section {session.section_id!r}'s sessions may do this")
