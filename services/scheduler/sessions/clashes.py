"""Conflicts between live sessions: a teacher in two places, a section booked twice, a student
in two sessions at once. Pure rules, no I/O: the use case gathers what a section's sessions may
collide with, these rules name each collision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bookend.problems import Clash, ClashKind, Conflict
from services.scheduler.roster.domain import SchedulerError
from services.scheduler.sessions.domain import LiveSession

# A refusal lists this many clashes at most (a series may collide every week), and this many
# students per clash; its message gives the full counts.
MAX_CLASHES_SHOWN = 50
MAX_PEOPLE_SHOWN = 20


class ScheduleConflict(SchedulerError, Conflict):
    """The time asked for is taken: each clash names the other session and whose time it is."""

    code = "SCHEDULE_CONFLICT"


@dataclass(frozen=True, slots=True)
class Surroundings:
    """What a section's sessions may collide with: the other sections that share a teacher or
    students with it (and whom they share), and the sessions of all of them, its own too,
    that hold their time (scheduled or live) around the times asked for."""

    section_id: str
    shared_teachers: Mapping[str, frozenset[str]]  # other section -> teachers in both
    shared_students: Mapping[str, frozenset[str]]  # other section -> students in both
    sessions: Sequence[LiveSession]

    @property
    def neighbours(self) -> list[str]:
        return sorted({self.section_id, *self.shared_teachers, *self.shared_students})


def overlaps(a_starts: datetime, a_ends: datetime, b_starts: datetime, b_ends: datetime) -> bool:
    """Back to back is no overlap: a session may start when another ends."""
    return a_starts < b_ends and b_starts < a_ends


def clashes(
    times: Iterable[tuple[datetime, datetime]],
    around: Surroundings,
    *,
    moving: frozenset[str] = frozenset(),
) -> list[Clash]:
    """Every clash of the times asked for with the sessions around them, in time order; the
    sessions in `moving` (those being rescheduled) are not in the way of themselves."""
    found: list[Clash] = []
    others = [s for s in around.sessions if s.id not in moving and s.holds_its_time]
    for starts_at, ends_at in times:
        for other in others:
            if not overlaps(starts_at, ends_at, other.starts_at, other.ends_at):
                continue
            found += _clashes_with(other, around)
    return sorted(set(found), key=lambda c: (c.starts_at, c.other_id, c.kind))


def _clashes_with(other: LiveSession, around: Surroundings) -> list[Clash]:
    def clash(kind: ClashKind, who: Iterable[str] = ()) -> Clash:
        people = tuple(sorted(who))
        return Clash(kind, other.id, other.section_id, other.starts_at, other.ends_at, people)

    if other.section_id == around.section_id:
        return [clash(ClashKind.SECTION)]
    found = []
    if teachers := around.shared_teachers.get(other.section_id):
        found.append(clash(ClashKind.TEACHER, teachers))
    if students := around.shared_students.get(other.section_id):
        found.append(clash(ClashKind.STUDENT, students))
    return found


def refuse_clashes(found: Sequence[Clash]) -> None:
    """Raise ScheduleConflict listing the clashes (the first MAX_CLASHES_SHOWN), if any."""
    if not found:
        return
    kinds = sorted({c.kind for c in found})
    message = f"the time asked for clashes with {len(found)} planned session(s): " + ", ".join(
        f"{kind} ({sum(c.kind == kind for c in found)})" for kind in kinds
    )
    shown = tuple(
        Clash(c.kind, c.other_id, c.section_id, c.starts_at, c.ends_at, c.who[:MAX_PEOPLE_SHOWN])
        for c in found[:MAX_CLASHES_SHOWN]
    )
    raise ScheduleConflict(message, clashes=shown)
