"""Notes' use cases: staff of a section write to one of its students; the student and their
guardians read (ADR 0035)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bookend.auth import STAFF, Forbidden, Principal
from bookend.clock import Clock, stored_instant
from bookend.cursors import Position
from bookend.ids import IdFactory
from bookend.problems import FieldError, InvalidInput, refuse_if
from services.feedback.access import teaches
from services.feedback.events import OUTBOUND
from services.feedback.notes import domain
from services.feedback.notes.domain import MAX_PAGE, Note, NoteNotFound, TaskNotFound
from services.feedback.notes.ports import Reads, Store, Transaction
from services.feedback.plan.domain import PlannedSession, PlannedSessionNotFound
from services.feedback.progress.domain import KnownTask


@dataclass(frozen=True, slots=True)
class NotePage:
    notes: list[Note]
    next: Position | None  # where the next page starts, if there is one
    total: int | None = None  # the student's notes, when asked for


async def write_note(
    *,
    student_id: str,
    text: str,
    task_id: str | None,
    session_id: str | None,
    at: datetime | None,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
) -> Note:
    """Staff of the task's or session's section write to a student; the note and NoteGiven
    (ids only) commit together."""
    principal.require(*STAFF)
    refuse_if(
        domain.note_errors(
            student_id=student_id, text=text, task_id=task_id, session_id=session_id, at=at
        )
    )

    async def work(tx: Transaction) -> Note:
        about = await _about(task_id, session_id, principal=principal, reads=tx)
        if not await teaches(principal, about.section_id, tx):
            raise Forbidden("only the section's staff write notes about its work")
        channel = (
            await tx.get_channel(principal.district, about.session_id)
            if isinstance(about, PlannedSession)
            else None
        )
        expected = channel.expected_student_ids if channel is not None else ()
        refuse_if(domain.audience_errors(about, student_id, expected))
        note, events = domain.write(
            about,
            student_id=student_id,
            author_id=principal.subject,
            text=text,
            at=stored_instant(at) if at is not None else None,
            written_so_far=await tx.count_notes(
                principal.district,
                student_id,
                task_id or session_id or "",
                up_to=domain.MAX_PER_SUBJECT,
            ),
            new_id=ids,
            now=stored_instant(clock()),
        )
        await tx.add_note(note)
        await tx.emit(*OUTBOUND.events(events))
        return note

    return await store.atomically(work)


async def list_notes(
    student_id: str | None,
    *,
    first: int,
    after: Position | None,
    total: bool = False,
    principal: Principal,
    reads: Reads,
) -> NotePage:
    """A student's notes, newest first: their own, or a guardian's child's. No one else's,
    staff included (a note's author saw it when writing it)."""
    if not 1 <= first <= MAX_PAGE:
        refuse_if([FieldError("first", "in_range", f"must be between 1 and {MAX_PAGE}")])
    wanted = student_id if student_id is not None else principal.subject
    if not principal.may_view_student(wanted):
        if student_id is None:
            raise InvalidInput("student_id", "required", "name the student whose notes you read")
        raise Forbidden("notes are the student's and their guardians' alone")
    found = await reads.list_notes(principal.district, wanted, after=after, limit=first + 1)
    page = found[:first]
    more = len(found) > first
    counted = await reads.count_notes_of(principal.district, wanted) if total else None
    return NotePage(page, Position(page[-1].given_at, page[-1].id) if more else None, counted)


async def get_note(note_id: str, *, principal: Principal, reads: Reads) -> Note:
    note = await reads.get_note(principal.district, note_id)
    # Anyone else is told it does not exist, so ids reveal nothing about other students.
    if note is None or not domain.may_read(note, principal):
        raise NoteNotFound(note_id)
    return note


async def _about(
    task_id: str | None, session_id: str | None, *, principal: Principal, reads: Reads
) -> KnownTask | PlannedSession:
    if task_id is not None:
        task = await reads.get_known_task(principal.district, task_id)
        if task is None:
            raise TaskNotFound(task_id)
        return task
    assert session_id is not None, "note_errors holds one of them given"
    session = await reads.get_planned_session(principal.district, session_id)
    if session is None:
        raise PlannedSessionNotFound(session_id)
    return session
