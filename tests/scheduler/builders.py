"""A small district for the scheduler's unit tests, loaded through the use cases themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bookend.auth import Principal, Role
from bookend.clock import ALL_TIME
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import FeedItemKind
from bookend.ids import IdFactory
from services.scheduler.feed.domain import FeedItem, FeedQuery, feed_query
from services.scheduler.roster import service as roster
from services.scheduler.roster.domain import Section, SectionDraft
from services.scheduler.sessions import service as sessions
from services.scheduler.sessions.bookends import BookendWindows
from services.scheduler.sessions.domain import (
    BookendedSession,
    LessonComponent,
    LessonSummary,
    LiveSession,
    SessionDraft,
)
from services.scheduler.sessions.ports import Transaction
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids

D = "d1"
WINDOWS = BookendWindows(
    prework_opens_before=timedelta(hours=48), followup_due_after=timedelta(hours=48)
)

DISTRICT_ADMIN = Principal("admin-1", D, frozenset({Role.DISTRICT_ADMIN}))
SCHOOL_ADMIN = Principal("admin-2", D, frozenset({Role.SCHOOL_ADMIN}), school="school-1")
OTHER_SCHOOL_ADMIN = Principal("admin-3", D, frozenset({Role.SCHOOL_ADMIN}), school="school-2")
TEACHER = Principal("teacher-1", D, frozenset({Role.TEACHER}))
OTHER_TEACHER = Principal("teacher-2", D, frozenset({Role.TEACHER}))
STUDENT = Principal("student-1", D, frozenset({Role.STUDENT}))
OTHER_STUDENT = Principal("student-2", D, frozenset({Role.STUDENT}))
GUARDIAN = Principal("guardian-1", D, frozenset({Role.GUARDIAN}), children=frozenset({"student-1"}))
OTHER_GUARDIAN = Principal(
    "guardian-2", D, frozenset({Role.GUARDIAN}), children=frozenset({"student-2"})
)
OTHER_DISTRICT_ADMIN = Principal("admin-9", "d2", frozenset({Role.DISTRICT_ADMIN}))

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # the clock of every use-case test, at first
STARTS = MONDAY = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
ENDS = STARTS + timedelta(minutes=50)
SECTION = Section("sec-math", D, "school-1", "Math 5", "math", "America/New_York", ("teacher-1",))


def session() -> LiveSession:
    return LiveSession(
        id="session-1",
        district_id=D,
        school_id="school-1",
        section_id="sec-math",
        lesson_id="lesson-1",
        lesson_version=1,
        title="Fractions",
        starts_at=STARTS,
        ends_at=ENDS,
        time_zone="America/New_York",
    )


def component(cid: str, kind: ComponentKind, fit: ModeFit, minutes: int = 10) -> LessonComponent:
    return LessonComponent(cid, f"{kind.value} {cid}", kind, fit, minutes)


LESSON = LessonSummary(
    lesson_id="lesson-1",
    district_id=D,
    version=1,
    title="Fractions on a number line",
    subject="math",
    summary="Place fractions between 0 and 1.",
    components=(
        component("c1", ComponentKind.INTRODUCE, ModeFit.ON_DEMAND, 10),
        component("c2", ComponentKind.MODEL, ModeFit.EITHER, 15),
        component("c3", ComponentKind.DISCUSSION, ModeFit.LIVE, 20),
        component("c4", ComponentKind.PRACTICE, ModeFit.ON_DEMAND, 12),
        component("c5", ComponentKind.FLUENCY, ModeFit.LIVE, 5),
        component("c6", ComponentKind.AUTONOMY, ModeFit.EITHER, 8),
        component("c7", ComponentKind.FEEDBACK, ModeFit.EITHER, 5),
    ),
)


async def seeded_store(clock: Clock) -> FakeScheduler:
    """Two schools; math (teacher-1, student-1) and art (teacher-2, student-2); one lesson."""
    store = FakeScheduler()
    for school in ("school-1", "school-2"):
        await roster.put_school(
            school, name=school, time_zone="America/New_York", principal=DISTRICT_ADMIN, store=store
        )
    for section, school, teacher in (
        ("sec-math", "school-1", "teacher-1"),
        ("sec-art", "school-2", "teacher-2"),
    ):
        draft = SectionDraft(school, section, "subject", "America/New_York", [teacher])
        await roster.put_section(section, draft, principal=DISTRICT_ADMIN, store=store)
    for section, student in (("sec-math", "student-1"), ("sec-art", "student-2")):
        await enrol(store, clock, section, student, time_zone="Europe/London")

    async def learn(tx: Transaction) -> None:
        await tx.save_lesson(LESSON)

    await store.atomically(learn)
    return store


async def enrol(
    store: FakeScheduler,
    clock: Clock,
    section_id: str,
    student_id: str,
    *,
    time_zone: str = "UTC",
    principal: Principal = DISTRICT_ADMIN,
) -> None:
    await roster.enrol_student(
        section_id, student_id, time_zone=time_zone, principal=principal, store=store, clock=clock
    )


_ids = counting_ids("sched")


async def schedule(
    store: FakeScheduler,
    starts_at: datetime,
    *,
    hours: float = 1,
    section_id: str = "sec-math",
    lesson_id: str = "lesson-1",
    principal: Principal = TEACHER,
    ids: IdFactory = _ids,
) -> BookendedSession:
    ends_at = starts_at + timedelta(hours=hours)
    draft = SessionDraft(section_id, lesson_id, starts_at, ends_at, "America/New_York")
    return await sessions.schedule_session(
        draft, principal=principal, store=store, windows=WINDOWS, ids=ids
    )


async def feed_of(store: FakeScheduler, student_id: str) -> list[FeedItem]:
    """A student's whole feed, in its order, read through the feed's port."""
    everything = FeedQuery(student_id, 1000, None, ALL_TIME, frozenset(), frozenset())
    return await store.list_feed_items(D, everything, None, 1000)


def kinds_and_titles(items: list[FeedItem]) -> list[tuple[FeedItemKind, str]]:
    return [(item.kind, item.title) for item in items]


def feed_request(**overrides: Any) -> FeedQuery:
    """Student-1's feed with the default page, unless `overrides` say otherwise."""
    arguments: dict[str, Any] = {
        "student_id": "student-1",
        "first": None,
        "after": None,
        "starts": None,
        "ends": None,
        "kinds": None,
        "statuses": None,
        "page_default": 20,
        "page_max": 100,
    }
    return feed_query(**(arguments | overrides))
