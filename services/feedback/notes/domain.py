"""Notes' rules and who reads them: pure, no I/O (ADR 0035)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bookend.auth import Principal
from bookend.contracts.scheduler import SessionStatus
from bookend.ids import IdFactory
from bookend.problems import FieldError, InvalidInput, NotFound, too_long
from services.feedback.live.domain import FeedbackError
from services.feedback.plan.domain import PlannedSession, SessionCancelled, SessionNotStarted
from services.feedback.progress.domain import KnownTask

MAX_TEXT = 2000
MAX_STUDENT_ID = 100
# Notes to one student about one task or session: enough for a conversation's worth, and a
# client cannot grow a student's notes without bound.
MAX_PER_SUBJECT = 20
MAX_PAGE = 100


class TaskNotFound(FeedbackError, NotFound):
    code = "TASK_NOT_FOUND"

    def __init__(self, task_id: str) -> None:
        super().__init__(
            f"task {task_id} is not known here (yet): feedback learns tasks from the "
            "scheduler's events, a moment after they are assigned"
        )


class NoteNotFound(FeedbackError, NotFound):
    code = "NOTE_NOT_FOUND"

    def __init__(self, note_id: str) -> None:
        super().__init__(f"note {note_id} was not found")


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    district_id: str
    student_id: str
    section_id: str
    author_id: str
    text: str
    task_id: str | None
    session_id: str | None
    at: datetime | None  # the live moment it is about, if given
    given_at: datetime

    @property
    def about(self) -> str:
        """The task's or session's id: a student's notes about it are bounded together."""
        subject = self.task_id or self.session_id
        assert subject is not None, "a note is about a task or a session"
        return subject


@dataclass(frozen=True, slots=True)
class NoteGiven:
    """Domain event; its contract carries ids only."""

    note: Note


def may_read(note: Note, principal: Principal) -> bool:
    """The student, their guardians (by the token's `children`) and the note's author; not
    classmates, not other guardians, not other staff."""
    if principal.district != note.district_id:
        return False
    if principal.may_view_student(note.student_id):
        return True
    return principal.is_staff and principal.subject == note.author_id


def note_errors(
    *,
    student_id: str,
    text: str,
    task_id: str | None,
    session_id: str | None,
    at: datetime | None,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not (0 < len(student_id) <= MAX_STUDENT_ID and student_id.isprintable()):
        message = f"must be 1 to {MAX_STUDENT_ID} printable characters"
        errors.append(FieldError("student_id", "valid_id", message))
    if not text.strip():
        errors.append(FieldError("text", "required", "must hold the note"))
    errors += too_long("text", text.strip(), MAX_TEXT)
    if (task_id is None) == (session_id is None):
        message = "a note is about a task (task_id) or a session (session_id): one of them"
        errors.append(FieldError("task_id", "one_of", message))
    if at is not None and session_id is None:
        message = "a moment is given only for a note about a session"
        errors.append(FieldError("at", "with_session", message))
    return errors


def audience_errors(
    about: KnownTask | PlannedSession, student_id: str, expected: tuple[str, ...]
) -> list[FieldError]:
    """A note goes to a student the work is for: one of those a task was chosen for, or of the
    students the section expected when the session started. Feedback keeps no roster, so a
    task for the whole section, or a session whose students were not named, is taken as is."""
    if isinstance(about, KnownTask):
        if about.student_ids is not None and student_id not in about.student_ids:
            message = f"task {about.task_id} is not assigned to this student"
            return [FieldError("student_id", "assigned", message)]
        return []
    if expected and student_id not in expected:
        message = f"this student was not among session {about.session_id}'s students"
        return [FieldError("student_id", "in_session", message)]
    return []


def write(
    about: KnownTask | PlannedSession,
    *,
    student_id: str,
    author_id: str,
    text: str,
    at: datetime | None,
    written_so_far: int,
    new_id: IdFactory,
    now: datetime,
) -> tuple[Note, list[NoteGiven]]:
    """A note about a task, or about a session once it started (a live moment: within its
    start and its end, or now while it runs). Its input is checked first (`note_errors`)."""
    if isinstance(about, PlannedSession):
        _session_errors(about, at, now)
    if written_so_far >= MAX_PER_SUBJECT:
        message = f"a student gets at most {MAX_PER_SUBJECT} notes about one task or session"
        raise InvalidInput("student_id", "max_notes", message)
    task = about if isinstance(about, KnownTask) else None
    note = Note(
        id=new_id(),
        district_id=about.district_id,
        student_id=student_id,
        section_id=about.section_id,
        author_id=author_id,
        text=text.strip(),
        task_id=task.task_id if task is not None else None,
        session_id=about.session_id if task is None else None,
        at=at,
        given_at=now,
    )
    return note, [NoteGiven(note)]


def _session_errors(session: PlannedSession, at: datetime | None, now: datetime) -> None:
    if session.status is SessionStatus.CANCELLED:
        raise SessionCancelled(session.session_id)
    if not session.has_started:
        raise SessionNotStarted(session.session_id, "a note is about a live moment of it")
    began, ended = session.began, session.ended_at or now
    if at is not None and began is not None and not began <= at <= ended:
        message = "must fall within the session: from its start to its end (or now)"
        raise InvalidInput("at", "within_session", message)
