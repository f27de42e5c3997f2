"""Sessions as the scheduler's events told them: pure rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bookend.contracts.scheduler import SessionStatus
from bookend.problems import Conflict, NotFound
from services.feedback.live.domain import FeedbackError

# A session's status only moves forward: an event overtaken by a later one changes nothing.
_RANK = {
    SessionStatus.SCHEDULED: 0,
    SessionStatus.CANCELLED: 1,
    SessionStatus.LIVE: 1,
    SessionStatus.ENDED: 2,
}


class PlannedSessionNotFound(FeedbackError, NotFound):
    code = "SESSION_NOT_FOUND"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"session {session_id} is not known here (yet): feedback learns sessions from the "
            "scheduler's events, a moment after they are scheduled"
        )


class SessionCancelled(FeedbackError, Conflict):
    code = "SESSION_CANCELLED"

    def __init__(self, session_id: str) -> None:
        super().__init__(f"session {session_id} was cancelled")


class SessionNotStarted(FeedbackError, Conflict):
    code = "SESSION_NOT_STARTED"

    def __init__(self, session_id: str, what: str) -> None:
        super().__init__(f"session {session_id} has not started: {what}")


@dataclass(frozen=True, slots=True)
class PlannedSession:
    session_id: str
    district_id: str
    section_id: str
    status: SessionStatus
    starts_at: datetime | None = None  # as planned; unknown if only its start or end was heard
    ends_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def began(self) -> datetime | None:
        """When it started, or else when it was planned to."""
        return self.started_at or self.starts_at

    @property
    def has_started(self) -> bool:
        return self.status in (SessionStatus.LIVE, SessionStatus.ENDED)

    def moved_to(self, status: SessionStatus) -> PlannedSession:
        return replace(self, status=status) if _RANK[status] > _RANK[self.status] else self


def session_planned(
    known: PlannedSession | None,
    *,
    session_id: str,
    district_id: str,
    section_id: str,
    starts_at: datetime,
    ends_at: datetime,
) -> PlannedSession:
    """Scheduled, or moved: its planned times, whatever its status."""
    base = known or PlannedSession(session_id, district_id, section_id, SessionStatus.SCHEDULED)
    return replace(base, starts_at=starts_at, ends_at=ends_at)


def session_moved(
    known: PlannedSession | None,
    status: SessionStatus,
    *,
    session_id: str,
    district_id: str,
    section_id: str,
    at: datetime,
) -> PlannedSession:
    """Cancelled, started or ended at `at`; a session heard of first this way is created."""
    base = known or PlannedSession(session_id, district_id, section_id, SessionStatus.SCHEDULED)
    moved = base.moved_to(status)
    if moved is base:
        return base
    if status is SessionStatus.LIVE:
        return replace(moved, started_at=moved.started_at or at)
    if status is SessionStatus.ENDED:
        return replace(moved, ended_at=moved.ended_at or at)
    return moved
