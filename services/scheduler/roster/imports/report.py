"""What an import tells: refused with every bad row, or its record as it runs and once done,
with how many records of each kind it created, updated or left unchanged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bookend.contracts.scheduler import RosterSkipReason
from bookend.problems import Conflict, NotFound
from services.scheduler.roster.domain import SchedulerError
from services.scheduler.roster.imports.tables import RowError


class RosterKind(StrEnum):
    DISTRICT = "district"
    SCHOOLS = "schools"
    TERMS = "terms"
    SECTIONS = "sections"
    TEACHERS = "teachers"
    STUDENTS = "students"
    GUARDIANS = "guardians"
    GUARDIAN_LINKS = "guardian_links"
    ENROLMENTS = "enrolments"


class ImportStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    # The store failed mid-way; importing the same files again completes it.
    FAILED = "failed"
    # The process running it stopped mid-way (its heartbeat is old); the same, again.
    INTERRUPTED = "interrupted"


class ImportNotFound(SchedulerError, NotFound):
    code = "IMPORT_NOT_FOUND"

    def __init__(self, import_id: str) -> None:
        super().__init__(f"no roster import {import_id!r} of yours in this district")


class ImportRunning(SchedulerError, Conflict):
    code = "IMPORT_RUNNING"

    def __init__(self) -> None:
        super().__init__(
            "another roster import of this district is running: wait until it is done "
            "(one import at a time, so their counts and writes do not mix)"
        )


@dataclass(frozen=True, slots=True)
class RowErrors(Exception):
    """The import is refused: these rows (of `count` in all) break rules; nothing changed."""

    errors: tuple[RowError, ...]
    count: int

    def __str__(self) -> str:
        return f"{self.count} rows break rules: nothing was imported"


@dataclass(frozen=True, slots=True)
class KindCount:
    kind: RosterKind
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class Skipped:
    """Rows of a file left unread, and why."""

    file: str
    reason: RosterSkipReason
    rows: int


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: str
    district_id: str
    started_by: str
    status: ImportStatus
    started_at: datetime
    heartbeat_at: datetime  # when it last wrote: a running import's is never old
    files: tuple[str, ...]  # read
    unread_files: tuple[str, ...]  # sent, and not needed
    skipped: tuple[Skipped, ...]
    counts: tuple[KindCount, ...] = ()  # known once its plan is made
    written: int = 0  # records written so far, of
    to_write: int = 0
    finished_at: datetime | None = None
    failure: str | None = None

    def as_seen(self, now: datetime, lease: timedelta) -> ImportRecord:
        """Its status now: a running import that has not written for `lease` was stopped."""
        if self.status == ImportStatus.RUNNING and now - self.heartbeat_at > lease:
            return replace(self, status=ImportStatus.INTERRUPTED)
        return self
