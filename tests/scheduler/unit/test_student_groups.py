"""Named groups of a section's students, with an in-memory store: made, renamed, given other
members and deleted by the section's staff, never seen by students; names unique in a section
ignoring case, members enrolled, every bound refused by field and rule."""

from __future__ import annotations

import pytest

from bookend.auth import Forbidden, Principal
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.scheduler.roster import grouping
from services.scheduler.roster.domain import SectionNotFound
from services.scheduler.roster.groups import (
    MAX_GROUP_MEMBERS,
    MAX_GROUPS_IN_SECTION,
    Group,
    GroupDraft,
    GroupNotFound,
)
from tests.scheduler.builders import (
    DISTRICT_ADMIN,
    GUARDIAN,
    OTHER_DISTRICT_ADMIN,
    OTHER_SCHOOL_ADMIN,
    OTHER_TEACHER,
    SCHOOL_ADMIN,
    STUDENT,
    TEACHER,
    D,
    enrol,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids

ALL = PageAsk()  # a first page, more than these tests list

ids = counting_ids("group")


@pytest.fixture
async def roomy(store: FakeScheduler, clock: Clock) -> FakeScheduler:
    """Math has student-1, student-3 and student-4."""
    for student in ("student-3", "student-4"):
        await enrol(store, clock, "sec-math", student)
    return store


async def create(
    store: FakeScheduler,
    name: str = "Reading group B",
    students: tuple[str, ...] = ("student-1", "student-3"),
    *,
    principal: Principal = TEACHER,
    section_id: str = "sec-math",
) -> Group:
    draft = GroupDraft(name, students)
    return await grouping.create_group(section_id, draft, principal=principal, store=store, ids=ids)


async def test_a_teacher_names_a_group_of_their_sections_students(roomy: FakeScheduler) -> None:
    group = await create(roomy, "  Reading group B ", ("student-3", "student-1", "student-3"))
    assert (group.section_id, group.name, group.student_ids, group.created_by) == (
        "sec-math",
        "Reading group B",  # trimmed
        ("student-3", "student-1"),  # once each, in the order given
        "teacher-1",
    )
    assert (await grouping.list_groups("sec-math", ALL, principal=TEACHER, reads=roomy)).items == [
        group
    ]


async def test_groups_are_listed_by_name_ignoring_case(roomy: FakeScheduler) -> None:
    for name in ("needs support", "Advanced", "beginners"):
        await create(roomy, name)
    listed = await grouping.list_groups("sec-math", ALL, principal=SCHOOL_ADMIN, reads=roomy)
    assert [g.name for g in listed.items] == ["Advanced", "beginners", "needs support"]


async def test_a_group_is_renamed_and_given_other_members(roomy: FakeScheduler) -> None:
    group = await create(roomy)
    changed = await grouping.update_group(
        group.id,
        GroupDraft("reading group b", ["student-4"]),  # its own name in another case
        principal=DISTRICT_ADMIN,
        store=roomy,
    )
    assert (changed.id, changed.name, changed.student_ids) == (
        group.id,
        "reading group b",
        ("student-4",),
    )
    assert changed.created_by == "teacher-1"
    assert await roomy.get_group(D, group.id) == changed


async def test_a_deleted_group_is_gone(roomy: FakeScheduler) -> None:
    group = await create(roomy)
    assert await grouping.delete_group(group.id, principal=TEACHER, store=roomy) == group
    assert (await grouping.list_groups("sec-math", ALL, principal=TEACHER, reads=roomy)).items == []
    with pytest.raises(GroupNotFound) as missing:
        await grouping.delete_group(group.id, principal=TEACHER, store=roomy)
    assert missing.value.code == "GROUP_NOT_FOUND"


async def test_a_name_is_once_per_section_ignoring_case_and_spaces(roomy: FakeScheduler) -> None:
    first = await create(roomy, "Needs support")
    second = await create(roomy, "Advanced")
    with pytest.raises(InvalidInput) as taken:
        await create(roomy, "  needs   SUPPORT")
    assert [(e.field, e.rule) for e in taken.value.errors] == [("name", "unique_in_section")]
    with pytest.raises(InvalidInput) as renamed:
        await grouping.update_group(
            second.id, GroupDraft("NEEDS SUPPORT", ["student-1"]), principal=TEACHER, store=roomy
        )
    assert [(e.field, e.rule) for e in renamed.value.errors] == [("name", "unique_in_section")]
    assert await roomy.get_group(D, second.id) == second
    # Another section may have a group of the same name.
    art = await create(
        roomy, "Needs support", ("student-2",), principal=OTHER_TEACHER, section_id="sec-art"
    )
    assert art.name == first.name


@pytest.mark.parametrize(
    ("name", "students", "broken"),
    [
        ("   ", ("student-1",), [("name", "not_blank")]),
        ("x" * 81, ("student-1",), [("name", "max_length")]),
        ("Group", (), [("student_ids", "not_empty")]),
        ("Group", ("student-2",), [("student_ids", "enrolled")]),  # art's student
        ("Group", ("student-1", "nobody"), [("student_ids", "enrolled")]),
        (
            "",
            tuple(f"s{n}" for n in range(MAX_GROUP_MEMBERS + 1)),
            [("name", "not_blank"), ("student_ids", "max_items")],
        ),
    ],
    ids=["blank", "long", "no one", "another section's", "unknown", "every rule at once"],
)
async def test_a_bad_group_is_refused_by_field_and_rule(
    roomy: FakeScheduler, name: str, students: tuple[str, ...], broken: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await create(roomy, name, students)
    assert [(e.field, e.rule) for e in refused.value.errors] == broken
    assert roomy.state.groups == {}


async def test_eighty_characters_make_a_name(roomy: FakeScheduler) -> None:
    assert (await create(roomy, " " + "x" * 80 + " ")).name == "x" * 80


async def test_a_section_has_a_bounded_number_of_groups(roomy: FakeScheduler) -> None:
    for n in range(MAX_GROUPS_IN_SECTION):
        await create(roomy, f"group {n}")
    with pytest.raises(InvalidInput) as refused:
        await create(roomy, "one too many")
    assert [(e.field, e.rule) for e in refused.value.errors] == [("section_id", "max_groups")]


@pytest.mark.parametrize(
    "stranger",
    [STUDENT, GUARDIAN, OTHER_TEACHER, OTHER_SCHOOL_ADMIN],
    ids=["its student", "a guardian", "another section's teacher", "another school's admin"],
)
async def test_only_the_sections_staff_see_and_change_its_groups(
    roomy: FakeScheduler, stranger: Principal
) -> None:
    group = await create(roomy)
    with pytest.raises(Forbidden):
        await grouping.list_groups("sec-math", ALL, principal=stranger, reads=roomy)
    with pytest.raises(Forbidden):
        await create(roomy, "Mine", principal=stranger)
    with pytest.raises(Forbidden):
        await grouping.update_group(
            group.id, GroupDraft("Taken", ["student-1"]), principal=stranger, store=roomy
        )
    with pytest.raises(Forbidden):
        await grouping.delete_group(group.id, principal=stranger, store=roomy)
    assert list(roomy.state.groups.values()) == [group]


async def test_another_districts_groups_and_sections_are_not_found(roomy: FakeScheduler) -> None:
    group = await create(roomy)
    with pytest.raises(GroupNotFound):
        await grouping.delete_group(group.id, principal=OTHER_DISTRICT_ADMIN, store=roomy)
    with pytest.raises(GroupNotFound):
        await grouping.update_group(
            group.id,
            GroupDraft("Taken", ["student-1"]),
            principal=OTHER_DISTRICT_ADMIN,
            store=roomy,
        )
    with pytest.raises(SectionNotFound):
        await grouping.list_groups("sec-math", ALL, principal=OTHER_DISTRICT_ADMIN, reads=roomy)
    assert list(roomy.state.groups.values()) == [group]
