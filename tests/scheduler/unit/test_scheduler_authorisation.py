"""Who may load the roster, run sessions and read feeds: checked on the server, per district."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.problems import InvalidInput
from services.scheduler import service
from services.scheduler.domain import SectionNotFound, SessionNotFound
from services.scheduler.feed import FeedPage, feed_query
from tests.scheduler.builders import (
    DISTRICT_ADMIN,
    GUARDIAN,
    OTHER_DISTRICT_ADMIN,
    OTHER_STUDENT,
    OTHER_TEACHER,
    SCHOOL_ADMIN,
    STUDENT,
    TEACHER,
    D,
    schedule,
    seeded_store,
)
from tests.scheduler.fakes import Clock, FakeStore

MONDAY = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
OTHER_GUARDIAN = Principal("guardian-2", D, frozenset({Role.GUARDIAN}),
                           children=frozenset({"student-2"}))
OTHER_SCHOOL_ADMIN = Principal("admin-3", D, frozenset({Role.SCHOOL_ADMIN}), school="school-2")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))


@pytest.fixture
async def store(clock: Clock) -> FakeStore:
    return await seeded_store(clock)


async def feed(store: FakeStore, clock: Clock, principal: Principal, **kw: Any) -> FeedPage:
    query = feed_query(
        student_id=kw.pop("student_id", principal.subject), first=None, after=None, starts=None,
        ends=None, kinds=None, statuses=None, page_default=20, page_max=100,
    )
    return await service.read_feed(query, principal=principal, store=store, clock=clock)


@pytest.mark.parametrize("principal", [TEACHER, STUDENT, GUARDIAN, OTHER_SCHOOL_ADMIN])
async def test_only_an_admin_of_the_school_loads_its_roster(
    store: FakeStore, principal: Principal
) -> None:
    with pytest.raises(Forbidden):
        await service.put_school("school-1", name="Renamed", principal=principal, store=store)
    with pytest.raises(Forbidden):
        await service.put_section(
            "sec-new", school_id="school-1", name="New", subject="math", time_zone="UTC",
            teacher_ids=[], principal=principal, store=store,
        )
    assert (D, "sec-new") not in store.state.sections


async def test_a_school_admin_loads_their_own_school(store: FakeStore, clock: Clock) -> None:
    await service.put_section(
        "sec-new", school_id="school-1", name="New", subject="math", time_zone="UTC",
        teacher_ids=["teacher-1", "teacher-1"], principal=SCHOOL_ADMIN, store=store,
    )
    assert store.state.sections[(D, "sec-new")].teacher_ids == ("teacher-1",)
    await service.enrol("sec-new", "student-9", time_zone="UTC", principal=SCHOOL_ADMIN,
                        store=store, clock=clock)
    with pytest.raises(Forbidden):
        await service.enrol("sec-art", "student-9", time_zone="UTC", principal=SCHOOL_ADMIN,
                            store=store, clock=clock)


async def test_a_school_admin_cannot_move_a_section_out_of_another_school(
    store: FakeStore,
) -> None:
    with pytest.raises(Forbidden):
        await service.put_section(
            "sec-art", school_id="school-1", name="Art", subject="art", time_zone="UTC",
            teacher_ids=[], principal=SCHOOL_ADMIN, store=store,
        )


async def test_a_section_needs_a_known_school_and_an_iana_zone(store: FakeStore) -> None:
    with pytest.raises(InvalidInput) as unknown:
        await service.put_section(
            "sec-x", school_id="school-404", name="X", subject="x", time_zone="UTC",
            teacher_ids=[], principal=DISTRICT_ADMIN, store=store,
        )
    assert unknown.value.errors[0].rule == "known_school"
    with pytest.raises(InvalidInput) as zone:
        await service.put_section(
            "sec-x", school_id="school-1", name="X", subject="x", time_zone="Moon/Base",
            teacher_ids=[], principal=DISTRICT_ADMIN, store=store,
        )
    assert (zone.value.errors[0].field, zone.value.errors[0].rule) == ("time_zone", "iana_zone")


@pytest.mark.parametrize("principal", [STUDENT, GUARDIAN, OTHER_TEACHER, OTHER_SCHOOL_ADMIN])
async def test_only_the_sections_teachers_and_admins_schedule_for_it(
    store: FakeStore, principal: Principal
) -> None:
    with pytest.raises(Forbidden):
        await schedule(store, MONDAY, principal=principal)
    assert store.state.sessions == {}


@pytest.mark.parametrize("principal", [TEACHER, SCHOOL_ADMIN, DISTRICT_ADMIN])
async def test_a_teacher_of_the_section_or_an_admin_schedules_it(
    store: FakeStore, principal: Principal
) -> None:
    booked = await schedule(store, MONDAY, principal=principal)
    assert booked.session.section_id == "sec-math"


async def test_another_teacher_cannot_start_the_session(store: FakeStore, clock: Clock) -> None:
    booked = await schedule(store, MONDAY)
    with pytest.raises(Forbidden):
        await service.start_session(booked.session.id, principal=OTHER_TEACHER, store=store,
                                    clock=clock)


async def test_another_districts_records_are_not_found(store: FakeStore, clock: Clock) -> None:
    booked = await schedule(store, MONDAY)
    with pytest.raises(SessionNotFound):
        await service.get_session(booked.session.id, principal=OTHER_DISTRICT_ADMIN, store=store)
    with pytest.raises(SessionNotFound):
        await service.start_session(booked.session.id, principal=OTHER_DISTRICT_ADMIN,
                                    store=store, clock=clock)
    with pytest.raises(SectionNotFound):
        await service.get_section("sec-math", principal=OTHER_DISTRICT_ADMIN, store=store)
    page = await feed(store, clock, OTHER_DISTRICT_ADMIN, student_id="student-1")
    assert page.items == []


@pytest.mark.parametrize("principal", [STUDENT, GUARDIAN, TEACHER, SCHOOL_ADMIN, DISTRICT_ADMIN])
async def test_the_student_their_guardian_teacher_and_admins_read_the_feed(
    store: FakeStore, clock: Clock, principal: Principal
) -> None:
    await schedule(store, MONDAY)
    page = await feed(store, clock, principal, student_id="student-1")
    assert len(page.items) == 5
    assert page.time_zone == "Europe/London"


@pytest.mark.parametrize(
    "principal", [OTHER_STUDENT, OTHER_GUARDIAN, OTHER_TEACHER, OTHER_SCHOOL_ADMIN]
)
async def test_nobody_else_reads_a_students_feed(
    store: FakeStore, clock: Clock, principal: Principal
) -> None:
    with pytest.raises(Forbidden):
        await feed(store, clock, principal, student_id="student-1")


async def test_each_role_lists_the_sections_it_may_see(store: FakeStore) -> None:
    async def listed(principal: Principal) -> list[str]:
        return [s.id for s in await service.list_sections(principal=principal, store=store)]

    assert await listed(DISTRICT_ADMIN) == ["sec-art", "sec-math"]
    assert await listed(SCHOOL_ADMIN) == ["sec-math"]
    assert await listed(TEACHER) == ["sec-math"]
    assert await listed(OTHER_STUDENT) == ["sec-art"]
    assert await listed(GUARDIAN) == ["sec-math"]
    assert await listed(OTHER_DISTRICT_ADMIN) == []


async def test_a_section_is_shown_only_to_those_who_teach_attend_or_administer_it(
    store: FakeStore,
) -> None:
    assert (await service.get_section("sec-math", principal=STUDENT, store=store)).id == "sec-math"
    with pytest.raises(Forbidden):
        await service.get_section("sec-math", principal=OTHER_STUDENT, store=store)
