"""Who may load the roster, run sessions and read feeds: checked on the server, per district."""

from __future__ import annotations

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.scheduler.feed import service as feed
from services.scheduler.feed.domain import FeedPage
from services.scheduler.roster import service as roster
from services.scheduler.roster.domain import SectionDraft, SectionNotFound
from services.scheduler.sessions import service as sessions
from services.scheduler.sessions.domain import SessionNotFound
from tests.scheduler.builders import (
    DISTRICT_ADMIN,
    GUARDIAN,
    MONDAY,
    OTHER_DISTRICT_ADMIN,
    OTHER_GUARDIAN,
    OTHER_SCHOOL_ADMIN,
    OTHER_STUDENT,
    OTHER_TEACHER,
    SCHOOL_ADMIN,
    STUDENT,
    TEACHER,
    D,
    enrol,
    feed_request,
    schedule,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock


async def feed_of(
    store: FakeScheduler, clock: Clock, principal: Principal, student_id: str
) -> FeedPage:
    query = feed_request(student_id=student_id)
    return await feed.read_feed(query, principal=principal, store=store, clock=clock)


async def put_section(
    store: FakeScheduler,
    section_id: str,
    *,
    school_id: str = "school-1",
    time_zone: str = "UTC",
    teacher_ids: tuple[str, ...] = (),
    principal: Principal = DISTRICT_ADMIN,
) -> None:
    draft = SectionDraft(school_id, section_id, "math", time_zone, teacher_ids)
    await roster.put_section(section_id, draft, principal=principal, store=store)


@pytest.mark.parametrize("principal", [TEACHER, STUDENT, GUARDIAN, OTHER_SCHOOL_ADMIN])
async def test_only_an_admin_of_the_school_loads_its_roster(
    store: FakeScheduler, principal: Principal
) -> None:
    with pytest.raises(Forbidden):
        await roster.put_school(
            "school-1", name="Renamed", time_zone="UTC", principal=principal, store=store
        )
    with pytest.raises(Forbidden):
        await put_section(store, "sec-new", principal=principal)
    assert await store.get_section(D, "sec-new") is None
    school = await store.get_school(D, "school-1")
    assert school is not None and school.name == "school-1"


async def test_a_school_admin_loads_their_own_school(store: FakeScheduler, clock: Clock) -> None:
    await put_section(
        store, "sec-new", teacher_ids=("teacher-1", "teacher-1"), principal=SCHOOL_ADMIN
    )
    section = await store.get_section(D, "sec-new")
    assert section is not None and section.teacher_ids == ("teacher-1",)
    await enrol(store, clock, "sec-new", "student-9", principal=SCHOOL_ADMIN)
    with pytest.raises(Forbidden):
        await enrol(store, clock, "sec-art", "student-9", principal=SCHOOL_ADMIN)


async def test_a_school_admin_cannot_move_a_section_out_of_another_school(
    store: FakeScheduler,
) -> None:
    with pytest.raises(Forbidden):
        await put_section(store, "sec-art", principal=SCHOOL_ADMIN)


@pytest.mark.parametrize(
    ("school_id", "time_zone", "broken"),
    [
        pytest.param("school-404", "UTC", ("school_id", "known_school"), id="unknown-school"),
        pytest.param("school-1", "Moon/Base", ("time_zone", "iana_zone"), id="unknown-zone"),
    ],
)
async def test_a_section_needs_a_known_school_and_an_iana_zone(
    store: FakeScheduler, school_id: str, time_zone: str, broken: tuple[str, str]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await put_section(store, "sec-x", school_id=school_id, time_zone=time_zone)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == broken
    assert await store.get_section(D, "sec-x") is None


@pytest.mark.parametrize("principal", [STUDENT, GUARDIAN, OTHER_TEACHER, OTHER_SCHOOL_ADMIN])
async def test_only_the_sections_teachers_and_admins_schedule_for_it(
    store: FakeScheduler, principal: Principal
) -> None:
    with pytest.raises(Forbidden):
        await schedule(store, MONDAY, principal=principal)
    assert await store.list_sessions(D, "sec-math") == []


@pytest.mark.parametrize("principal", [TEACHER, SCHOOL_ADMIN, DISTRICT_ADMIN])
async def test_a_teacher_of_the_section_or_an_admin_schedules_it(
    store: FakeScheduler, principal: Principal
) -> None:
    booked = await schedule(store, MONDAY, principal=principal)
    assert booked.session.section_id == "sec-math"


async def test_another_teacher_cannot_start_the_session(store: FakeScheduler, clock: Clock) -> None:
    booked = await schedule(store, MONDAY)
    with pytest.raises(Forbidden):
        await sessions.start_session(
            booked.session.id, principal=OTHER_TEACHER, store=store, clock=clock
        )


async def test_another_districts_records_are_not_found(store: FakeScheduler, clock: Clock) -> None:
    booked = await schedule(store, MONDAY)
    elsewhere = OTHER_DISTRICT_ADMIN
    with pytest.raises(SessionNotFound):
        await sessions.get_session(booked.session.id, principal=elsewhere, store=store)
    with pytest.raises(SessionNotFound):
        await sessions.start_session(
            booked.session.id, principal=elsewhere, store=store, clock=clock
        )
    with pytest.raises(SectionNotFound):
        await roster.get_section("sec-math", principal=elsewhere, store=store)
    page = await feed_of(store, clock, elsewhere, "student-1")
    assert page.items == []


@pytest.mark.parametrize("principal", [STUDENT, GUARDIAN, TEACHER, SCHOOL_ADMIN, DISTRICT_ADMIN])
async def test_the_student_their_guardian_teacher_and_admins_read_the_feed(
    store: FakeScheduler, clock: Clock, principal: Principal
) -> None:
    await schedule(store, MONDAY)
    page = await feed_of(store, clock, principal, "student-1")
    assert len(page.items) == 5
    assert page.time_zone == "Europe/London"


@pytest.mark.parametrize(
    "principal", [OTHER_STUDENT, OTHER_GUARDIAN, OTHER_TEACHER, OTHER_SCHOOL_ADMIN]
)
async def test_nobody_else_reads_a_students_feed(
    store: FakeScheduler, clock: Clock, principal: Principal
) -> None:
    with pytest.raises(Forbidden):
        await feed_of(store, clock, principal, "student-1")


@pytest.mark.parametrize(
    ("principal", "seen"),
    [
        (DISTRICT_ADMIN, ["sec-art", "sec-math"]),
        (SCHOOL_ADMIN, ["sec-math"]),
        (TEACHER, ["sec-math"]),
        (OTHER_STUDENT, ["sec-art"]),
        (GUARDIAN, ["sec-math"]),
        (OTHER_DISTRICT_ADMIN, []),
    ],
)
async def test_each_role_lists_the_sections_it_may_see(
    store: FakeScheduler, principal: Principal, seen: list[str]
) -> None:
    listed = await roster.list_sections(PageAsk(), principal=principal, store=store)
    assert [s.id for s in listed.items] == seen


async def test_sections_seen_by_several_roles_page_once_each_with_their_count(
    store: FakeScheduler,
) -> None:
    """A teacher who is a guardian too: the sections they teach and their child's, one list."""
    for section in ("sec-b", "sec-d"):
        await put_section(store, section, teacher_ids=("teacher-1",))
    parent = Principal(
        "teacher-1",
        D,
        frozenset({Role.TEACHER, Role.GUARDIAN}),
        children=frozenset({"student-2"}),  # in sec-art
    )
    seen: list[str] = []
    asked = PageAsk(2, total=True)
    while True:
        page = await roster.list_sections(asked, principal=parent, store=store)
        assert page.total == 4
        seen += [s.id for s in page.items]
        if not page.more:
            break
        asked = PageAsk(2, page.keys[-1], total=True)
    assert seen == ["sec-art", "sec-b", "sec-d", "sec-math"]


async def test_a_section_is_shown_only_to_those_who_teach_attend_or_administer_it(
    store: FakeScheduler,
) -> None:
    assert (await roster.get_section("sec-math", principal=STUDENT, store=store)).id == "sec-math"
    with pytest.raises(Forbidden):
        await roster.get_section("sec-math", principal=OTHER_STUDENT, store=store)
