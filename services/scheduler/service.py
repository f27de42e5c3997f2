"""The scheduler's use cases: roster loads, scheduling and running sessions, reading feeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock, stored_instant
from bookend.contracts import new_event
from bookend.contracts.scheduler import SessionEnded, SessionStarted
from services.scheduler.domain import (
    BookendedSession,
    BookendWindows,
    Enrolment,
    Learner,
    LessonNotFound,
    LessonSummary,
    LessonUnknown,
    LiveSession,
    School,
    SchoolUnknown,
    Section,
    SectionNotFound,
    SectionUnknown,
    SessionNotFound,
    SessionStatus,
    check_not_blank,
    check_session,
    check_zone,
    new_id,
    plan_session,
)
from services.scheduler.events import (
    SOURCE,
    session_ended,
    session_scheduled,
    session_started,
    task_assigned,
)
from services.scheduler.feed import (
    FeedItem,
    FeedPage,
    FeedQuery,
    ItemStatus,
    Position,
    items_for_students,
    still_ahead,
)
from services.scheduler.ports import Reads, Store, Transaction

# A student not enrolled anywhere yet has no zone of their own and no items.
FALLBACK_ZONE = "UTC"

ADMINS = (Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)
STAFF = (Role.TEACHER, *ADMINS)


# --- roster -------------------------------------------------------------------------------


async def put_school(school_id: str, *, name: str, principal: Principal, store: Store) -> School:
    principal.require(*ADMINS)
    _require_administers(principal, school_id)
    check_not_blank([("name", name)])
    school = School(school_id, principal.district, name.strip())

    async def work(tx: Transaction) -> None:
        await tx.put_school(school)

    await store.atomically(work)
    return school


async def put_section(
    section_id: str,
    *,
    school_id: str,
    name: str,
    subject: str,
    time_zone: str,
    teacher_ids: Sequence[str],
    principal: Principal,
    store: Store,
) -> Section:
    principal.require(*ADMINS)
    check_not_blank([("name", name), ("subject", subject)])
    check_zone(time_zone)
    section = Section(
        id=section_id, district_id=principal.district, school_id=school_id, name=name.strip(),
        subject=subject.strip(), time_zone=time_zone,
        teacher_ids=tuple(dict.fromkeys(t for t in teacher_ids if t.strip())),
    )

    async def work(tx: Transaction) -> None:
        if await tx.school(principal.district, school_id) is None:
            raise SchoolUnknown(school_id)
        _require_administers(principal, school_id)
        existing = await tx.section(principal.district, section_id)
        if existing is not None:
            _require_administers(principal, existing.school_id)  # moving it out of a school too
        await tx.put_section(section)

    await store.atomically(work)
    return section


@dataclass(frozen=True, slots=True)
class EnrolledStudent:
    enrolment: Enrolment
    learner: Learner


async def enrol(
    section_id: str,
    student_id: str,
    *,
    time_zone: str,
    principal: Principal,
    store: Store,
    clock: Clock,
) -> EnrolledStudent:
    """Enrol a student and give them the section's sessions and tasks still ahead."""
    principal.require(*ADMINS)
    check_zone(time_zone)
    enrolled = EnrolledStudent(
        Enrolment(section_id, student_id, principal.district),
        Learner(student_id, principal.district, time_zone),
    )

    async def work(tx: Transaction) -> None:
        section = await _section(tx, principal, section_id)
        _require_administers(principal, section.school_id)
        await tx.put_enrolment(enrolled.enrolment)
        await tx.put_learner(enrolled.learner)
        now = clock()
        sessions = await tx.sessions_of_section(
            principal.district, section_id, statuses=[SessionStatus.SCHEDULED, SessionStatus.LIVE]
        )
        tasks = await tx.tasks_due_after(principal.district, section_id, now)
        ahead = [session for session in sessions if still_ahead(session, now)]
        await tx.add_feed_items(items_for_students([student_id], ahead, tasks))

    await store.atomically(work)
    return enrolled


async def list_sections(*, principal: Principal, store: Store) -> list[Section]:
    district = principal.district
    found: dict[str, Section] = {}
    if principal.has(Role.DISTRICT_ADMIN):
        found |= {s.id: s for s in await store.sections(district)}
    elif principal.has(Role.SCHOOL_ADMIN) and principal.school:
        found |= {s.id: s for s in await store.sections(district, school_id=principal.school)}
    if principal.has(Role.TEACHER):
        found |= {s.id: s for s in await store.sections(district, teacher_id=principal.subject)}
    learners = _learners_seen(principal)
    if learners:
        ids = await store.enrolled_section_ids(district, learners)
        found |= {s.id: s for s in await store.sections(district, section_ids=ids)}
    return [found[key] for key in sorted(found)]


async def get_section(section_id: str, *, principal: Principal, store: Store) -> Section:
    section = await _section(store, principal, section_id)
    await _require_views(principal, section, store)
    return section


async def get_lesson(lesson_id: str, *, principal: Principal, store: Store) -> LessonSummary:
    # Lesson summaries are public curriculum content; only the district scopes them.
    lesson = await store.lesson(principal.district, lesson_id)
    if lesson is None:
        raise LessonNotFound(f"no published lesson {lesson_id!r} in this district")
    return lesson


# --- sessions -----------------------------------------------------------------------------


async def schedule_session(
    *,
    section_id: str,
    lesson_id: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    title: str | None,
    principal: Principal,
    store: Store,
    windows: BookendWindows,
    make_id: Callable[[], str] = new_id,
) -> BookendedSession:
    """Schedule a live session with its bookends; state, feed items and events commit together."""
    principal.require(*STAFF)
    check_session(starts_at=starts_at, ends_at=ends_at, time_zone=time_zone, title=title)

    async def work(tx: Transaction) -> BookendedSession:
        section = await tx.section(principal.district, section_id)
        if section is None:
            raise SectionUnknown(section_id)
        _require_teaches(principal, section)
        lesson = await tx.lesson(principal.district, lesson_id)
        if lesson is None:
            raise LessonUnknown(lesson_id)
        planned = plan_session(
            section=section, lesson=lesson, starts_at=starts_at, ends_at=ends_at,
            time_zone=time_zone, title=title, windows=windows, make_id=make_id,
        )
        await tx.add_session(planned.session, planned.tasks)
        students = await tx.enrolled_student_ids(principal.district, section_id)
        await tx.add_feed_items(items_for_students(students, [planned.session], planned.tasks))
        await tx.emit(new_event(SOURCE, session_scheduled(planned.session)))
        for task in planned.tasks:
            await tx.emit(new_event(SOURCE, task_assigned(task)))
        return planned

    return await store.atomically(work)


async def get_session(session_id: str, *, principal: Principal, store: Store) -> BookendedSession:
    session = await _session(store, principal, session_id)
    await _require_views(principal, await _section(store, principal, session.section_id), store)
    return (await _with_tasks(store, principal.district, [session]))[0]


async def list_sessions(
    section_id: str,
    *,
    starts: datetime | None,
    ends: datetime | None,
    principal: Principal,
    store: Store,
) -> list[BookendedSession]:
    section = await _section(store, principal, section_id)
    await _require_views(principal, section, store)
    sessions = await store.sessions_of_section(
        principal.district, section_id,
        starts=stored_instant(starts) if starts else None,
        ends=stored_instant(ends) if ends else None,
    )
    return await _with_tasks(store, principal.district, sessions)


async def start_session(
    session_id: str, *, principal: Principal, store: Store, clock: Clock
) -> BookendedSession:
    def started(session: LiveSession) -> tuple[LiveSession, SessionStarted]:
        live = session.start(clock())
        return live, session_started(live)

    return await _transition(session_id, started, principal=principal, store=store)


async def end_session(
    session_id: str, *, principal: Principal, store: Store, clock: Clock
) -> BookendedSession:
    def ended(session: LiveSession) -> tuple[LiveSession, SessionEnded]:
        over = session.end(clock())
        return over, session_ended(over)

    return await _transition(session_id, ended, principal=principal, store=store)


async def _transition(
    session_id: str,
    change: Callable[[LiveSession], tuple[LiveSession, SessionStarted | SessionEnded]],
    *,
    principal: Principal,
    store: Store,
) -> BookendedSession:
    principal.require(*STAFF)

    async def work(tx: Transaction) -> LiveSession:
        session = await _session(tx, principal, session_id)
        _require_teaches(principal, await _section(tx, principal, session.section_id))
        changed, payload = change(session)
        await tx.save_session(changed)
        await tx.set_session_item_status(changed.district_id, changed.id, changed.status)
        await tx.emit(new_event(SOURCE, payload))
        return changed

    session = await store.atomically(work)
    return (await _with_tasks(store, principal.district, [session]))[0]


# --- feed ---------------------------------------------------------------------------------


async def read_feed(
    query: FeedQuery, *, principal: Principal, store: Store, clock: Clock
) -> FeedPage:
    """One student's page: a range read after the cursor, statuses filtered once computed."""
    await _require_views_student(principal, query.student_id, store)
    learner = await store.learner(principal.district, query.student_id)
    now = clock()
    page: list[tuple[FeedItem, ItemStatus]] = []
    position = query.after
    batch_size = query.first + 1
    while len(page) <= query.first:
        batch = await store.feed_items(
            principal.district, query.student_id, after=position, starts=query.starts,
            ends=query.ends, kinds=query.kinds, limit=batch_size,
        )
        for item in batch:
            status = item.status(now)
            if not query.statuses or status in query.statuses:
                page.append((item, status))
        if len(batch) < batch_size:
            break
        position = Position.of(batch[-1])
    shown = page[: query.first]
    return FeedPage(
        items=shown,
        has_next_page=len(page) > query.first,
        end_cursor=Position.of(shown[-1][0]).cursor() if shown else None,
        time_zone=learner.time_zone if learner else FALLBACK_ZONE,
    )


# --- authorisation and lookups ------------------------------------------------------------


def _administers(principal: Principal, school_id: str) -> bool:
    if principal.has(Role.DISTRICT_ADMIN):
        return True
    return principal.has(Role.SCHOOL_ADMIN) and principal.school == school_id


def _require_administers(principal: Principal, school_id: str) -> None:
    if not _administers(principal, school_id):
        raise Forbidden(f"only an admin of school {school_id!r} or of the district may do this")


def _require_teaches(principal: Principal, section: Section) -> None:
    if principal.has(Role.TEACHER) and section.is_taught_by(principal.subject):
        return
    if not _administers(principal, section.school_id):
        raise Forbidden(f"only a teacher of section {section.id!r} or an admin may do this")


def _learners_seen(principal: Principal) -> list[str]:
    """Students whose enrolments a student or guardian principal may see."""
    seen = set(principal.children) if principal.has(Role.GUARDIAN) else set()
    if principal.has(Role.STUDENT):
        seen.add(principal.subject)
    return sorted(seen)


async def _require_views(principal: Principal, section: Section, store: Reads) -> None:
    if principal.has(Role.TEACHER) and section.is_taught_by(principal.subject):
        return
    if _administers(principal, section.school_id):
        return
    learners = _learners_seen(principal)
    if learners and section.id in await store.enrolled_section_ids(principal.district, learners):
        return
    raise Forbidden(f"section {section.id!r} is not one you teach, administer or attend")


async def _require_views_student(principal: Principal, student_id: str, store: Reads) -> None:
    if principal.may_view_student(student_id) or principal.has(Role.DISTRICT_ADMIN):
        return
    if principal.has(Role.TEACHER, Role.SCHOOL_ADMIN):
        attended = await store.enrolled_section_ids(principal.district, [student_id])
        if attended:
            for section in await store.sections(principal.district, section_ids=attended):
                if principal.has(Role.TEACHER) and section.is_taught_by(principal.subject):
                    return
                if _administers(principal, section.school_id):
                    return
    raise Forbidden("this feed belongs to a student you do not teach, guard or administer")


async def _section(reads: Reads, principal: Principal, section_id: str) -> Section:
    section = await reads.section(principal.district, section_id)
    if section is None:
        raise SectionNotFound(f"no section {section_id!r} in this district")
    return section


async def _session(reads: Reads, principal: Principal, session_id: str) -> LiveSession:
    session = await reads.live_session(principal.district, session_id)
    if session is None:
        raise SessionNotFound(f"no session {session_id!r} in this district")
    return session


async def _with_tasks(
    reads: Reads, district_id: str, sessions: Sequence[LiveSession]
) -> list[BookendedSession]:
    tasks = await reads.tasks_of_sessions(district_id, [s.id for s in sessions]) if sessions else []
    by_id = {task.id: task for task in tasks}
    return [
        BookendedSession(s, tuple(by_id[task_id] for task_id in s.task_ids if task_id in by_id))
        for s in sessions
    ]
