"""Loading the roster one record at a time: terms of a school or the district, sections in a
term, people with their roles and zones, guardians, and enrolments that resolve a zone."""

from __future__ import annotations

from datetime import date, time

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts.catalog import GradeBand
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.scheduler import access
from services.scheduler.feed import service as feed_service
from services.scheduler.roster import service as roster
from services.scheduler.roster.calendar import Blackout, TermDraft
from services.scheduler.roster.domain import (
    PersonDraft,
    PersonNotFound,
    PersonRole,
    SchoolNotFound,
    SectionDraft,
    TermUnknown,
)
from tests.scheduler.builders import (
    DISTRICT_ADMIN,
    MONDAY,
    OTHER_SCHOOL_ADMIN,
    SCHOOL_ADMIN,
    TEACHER,
    D,
    feed_request,
    schedule,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock

ALL = PageAsk()  # a first page, more than these tests list

YEAR = TermDraft(None, "2024-2025", date(2024, 8, 19), date(2025, 6, 6))
SPRING = TermDraft(
    "school-1",
    "Spring",
    date(2025, 1, 6),
    date(2025, 6, 6),
    weekdays=(1, 2, 3, 4),
    day_starts=time(8, 30),
    blackouts=(Blackout(date(2025, 3, 17), "Spring break"),),
)


async def test_a_school_admin_loads_their_schools_terms_and_the_district_admin_the_districts(
    store: FakeScheduler,
) -> None:
    await roster.put_term("spring", SPRING, principal=SCHOOL_ADMIN, store=store)
    with pytest.raises(Forbidden):
        await roster.put_term("year", YEAR, principal=SCHOOL_ADMIN, store=store)
    with pytest.raises(Forbidden):
        await roster.put_term("spring", SPRING, principal=OTHER_SCHOOL_ADMIN, store=store)
    await roster.put_term("year", YEAR, principal=DISTRICT_ADMIN, store=store)
    terms = await roster.list_terms("school-1", ALL, principal=SCHOOL_ADMIN, reads=store)
    assert [t.id for t in terms.items] == ["year", "spring"]
    others = await roster.list_terms("school-2", ALL, principal=DISTRICT_ADMIN, reads=store)
    assert [t.id for t in others.items] == ["year"]
    with pytest.raises(SchoolNotFound):
        await roster.list_terms("school-9", ALL, principal=DISTRICT_ADMIN, reads=store)


async def test_a_schools_calendar_reads_its_terms(store: FakeScheduler) -> None:
    await roster.put_term("spring", SPRING, principal=SCHOOL_ADMIN, store=store)
    calendar = await store.get_calendar(D, "school-1")
    assert calendar is not None and calendar.time_zone == "America/New_York"
    assert calendar.day_bounds(date(2025, 3, 11)) == (time(8, 30), time(15))
    assert not calendar.is_school_day(date(2025, 3, 17))
    assert await store.get_calendar(D, "school-9") is None


async def test_a_section_is_in_a_term_of_its_school_or_the_districts(store: FakeScheduler) -> None:
    await roster.put_term("spring", SPRING, principal=SCHOOL_ADMIN, store=store)
    await roster.put_term("year", YEAR, principal=DISTRICT_ADMIN, store=store)
    draft = SectionDraft(
        "school-2", "Art", "art", "America/New_York", ["teacher-2"], "spring", GradeBand.G3_5
    )
    with pytest.raises(TermUnknown):
        await roster.put_section("sec-art", draft, principal=DISTRICT_ADMIN, store=store)
    in_year = SectionDraft("school-2", "Art", "art", "UTC", ["teacher-2"], "year", GradeBand.G3_5)
    section = await roster.put_section("sec-art", in_year, principal=DISTRICT_ADMIN, store=store)
    assert (section.term_id, section.grade_band) == ("year", GradeBand.G3_5)


async def test_a_person_keeps_their_role_and_only_a_student_has_a_zone(
    store: FakeScheduler,
) -> None:
    teacher = PersonDraft(PersonRole.TEACHER, ["school-1"], given_name="Ana", family_name="Ruiz")
    await roster.put_person("teacher-1", teacher, principal=SCHOOL_ADMIN, store=store)
    with pytest.raises(InvalidInput) as refused:
        await roster.put_person(
            "teacher-1",
            PersonDraft(PersonRole.STUDENT, ["school-1"]),
            principal=SCHOOL_ADMIN,
            store=store,
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("role", "same_role")]
    zoned = PersonDraft(PersonRole.GUARDIAN, ["school-9"], time_zone="UTC")
    with pytest.raises(InvalidInput) as refused:
        await roster.put_person("guardian-1", zoned, principal=DISTRICT_ADMIN, store=store)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("time_zone", "students_only")]


async def test_a_school_admin_loads_the_people_of_their_school_only(store: FakeScheduler) -> None:
    theirs = PersonDraft(PersonRole.STUDENT, ["school-2"])
    with pytest.raises(Forbidden):
        await roster.put_person("student-9", theirs, principal=SCHOOL_ADMIN, store=store)
    with pytest.raises(Forbidden):  # student-2 is at school-2 since enrolled in its section
        await roster.put_person(
            "student-2",
            PersonDraft(PersonRole.STUDENT, ["school-1"]),
            principal=SCHOOL_ADMIN,
            store=store,
        )
    with pytest.raises(InvalidInput):
        await roster.put_person(
            "student-9",
            PersonDraft(PersonRole.STUDENT, ["school-404"]),
            principal=DISTRICT_ADMIN,
            store=store,
        )


async def test_a_guardian_is_linked_to_a_student_and_read_back(store: FakeScheduler) -> None:
    guardian = PersonDraft(PersonRole.GUARDIAN, ["school-1"], given_name="Maria")
    await roster.put_person("guardian-1", guardian, principal=SCHOOL_ADMIN, store=store)
    with pytest.raises(PersonNotFound):
        await roster.link_guardian("guardian-1", "student-1", principal=SCHOOL_ADMIN, store=store)
    for _ in range(2):
        await roster.link_guardian("student-1", "guardian-1", principal=SCHOOL_ADMIN, store=store)
    guardians = await roster.list_guardians("student-1", principal=SCHOOL_ADMIN, reads=store)
    assert [(g.id, g.given_name) for g in guardians] == [("guardian-1", "Maria")]
    with pytest.raises(Forbidden):
        await roster.list_guardians("student-1", principal=OTHER_SCHOOL_ADMIN, reads=store)
    with pytest.raises(Forbidden):
        await roster.list_guardians("student-1", principal=TEACHER, reads=store)


async def test_a_guardian_the_roster_links_reads_the_childs_feed_without_a_claim(
    store: FakeScheduler, clock: Clock
) -> None:
    """The scheduler owns the roster (ADR 0004): a guardian linked there sees their child's
    feed and sections even when the identity provider sends no `children` claim."""
    booked = await schedule(store, MONDAY)
    guardian = PersonDraft(PersonRole.GUARDIAN, ["school-1"])
    await roster.put_person("guardian-7", guardian, principal=SCHOOL_ADMIN, store=store)
    parent = Principal("guardian-7", D, frozenset({Role.GUARDIAN}))
    query = feed_request(student_id="student-1")
    with pytest.raises(Forbidden):
        await feed_service.read_feed(query, principal=parent, store=store, clock=clock)
    await roster.link_guardian("student-1", "guardian-7", principal=SCHOOL_ADMIN, store=store)
    page = await feed_service.read_feed(query, principal=parent, store=store, clock=clock)
    assert booked.session.id in {item.item_id for item, _ in page.items}
    seen = await access.learners_seen(parent, store)
    assert seen == ["student-1"]
    assert await access.may_view_student(parent, "student-2", store) is False


async def test_a_student_without_a_zone_of_their_own_takes_their_schools(
    store: FakeScheduler, clock: Clock
) -> None:
    enrolled = await roster.enrol_student(
        "sec-math", "student-7", principal=DISTRICT_ADMIN, store=store, clock=clock
    )
    assert enrolled.learner.time_zone == "America/New_York"  # school-1's
    assert enrolled.student.school_ids == ("school-1",)
    again = await roster.enrol_student(
        "sec-math",
        "student-7",
        time_zone="Asia/Tokyo",
        principal=DISTRICT_ADMIN,
        store=store,
        clock=clock,
    )
    assert again.learner.time_zone == "Asia/Tokyo"
    learner = await store.get_learner(D, "student-7")
    assert learner is not None and learner.time_zone == "Asia/Tokyo"
    students = await roster.list_section_students(
        "sec-math", ALL, principal=SCHOOL_ADMIN, reads=store
    )
    assert [(s.student.id, s.student.time_zone, s.time_zone) for s in students.items] == [
        ("student-1", "Europe/London", "Europe/London"),
        ("student-7", "Asia/Tokyo", "Asia/Tokyo"),
    ]


async def test_only_a_student_is_enrolled(store: FakeScheduler, clock: Clock) -> None:
    await roster.put_person(
        "teacher-1",
        PersonDraft(PersonRole.TEACHER, ["school-1"]),
        principal=DISTRICT_ADMIN,
        store=store,
    )
    with pytest.raises(InvalidInput) as refused:
        await roster.enrol_student(
            "sec-math", "teacher-1", principal=DISTRICT_ADMIN, store=store, clock=clock
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("student_id", "is_student")]


async def test_the_district_is_named_by_its_admin_and_read_by_every_admin(
    store: FakeScheduler,
) -> None:
    assert (await roster.get_district(principal=SCHOOL_ADMIN, reads=store)).name == D
    with pytest.raises(Forbidden):
        await roster.put_district("Lakeside", principal=SCHOOL_ADMIN, store=store)
    await roster.put_district(" Lakeside USD ", principal=DISTRICT_ADMIN, store=store)
    assert (await roster.get_district(principal=SCHOOL_ADMIN, reads=store)).name == "Lakeside USD"
    with pytest.raises(Forbidden):
        await roster.get_district(principal=TEACHER, reads=store)


async def test_schools_are_listed_to_the_admins_who_run_them(store: FakeScheduler) -> None:
    every = await roster.list_schools(ALL, principal=DISTRICT_ADMIN, reads=store)
    assert [s.id for s in every.items] == ["school-1", "school-2"]
    own = await roster.list_schools(ALL, principal=SCHOOL_ADMIN, reads=store)
    assert [s.id for s in own.items] == ["school-1"]
    with pytest.raises(Forbidden):
        await roster.list_schools(
            ALL, principal=Principal("i", D, frozenset({Role.INTEGRATION})), reads=store
        )
