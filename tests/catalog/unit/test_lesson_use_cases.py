"""The catalog's use cases with an in-memory store: roles, districts, publishing, browsing."""

from __future__ import annotations

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock
from bookend.contracts import Topic
from bookend.contracts.catalog import ComponentKind, LessonStatus
from bookend.ids import new_id
from bookend.problems import InvalidInput
from services.catalog.lessons import service
from services.catalog.lessons.domain import (
    ComponentDraft,
    Lesson,
    LessonAlreadyPublished,
    LessonDraft,
    LessonNotFound,
)
from tests.catalog.fakes import FakeCatalog
from tests.support.fakes import TickingClock

TEACHER = Principal("teacher-1", "d1", frozenset({Role.TEACHER}))
STUDENT = Principal("student-1", "d1", frozenset({Role.STUDENT}))
OTHER_DISTRICT_TEACHER = Principal("teacher-9", "d2", frozenset({Role.TEACHER}))

DRAFT = LessonDraft(
    title="Theme in short stories",
    subject="reading",
    components=(
        ComponentDraft("Read the story", ComponentKind.INTRODUCE, 15),
        ComponentDraft("Discuss the theme", ComponentKind.DISCUSSION, 20),
    ),
)


async def create(
    store: FakeCatalog,
    draft: LessonDraft = DRAFT,
    *,
    principal: Principal = TEACHER,
    clock: Clock | None = None,
) -> Lesson:
    return await service.create_lesson(
        draft, principal=principal, store=store, clock=clock or TickingClock(), ids=new_id
    )


async def publish(store: FakeCatalog, lesson_id: str, principal: Principal = TEACHER) -> Lesson:
    return await service.publish_lesson(
        lesson_id, principal=principal, store=store, clock=TickingClock()
    )


@pytest.mark.parametrize("role", [Role.TEACHER, Role.DISTRICT_ADMIN])
async def test_curriculum_roles_may_create_lessons_in_their_district(role: Role) -> None:
    store = FakeCatalog()
    author = Principal("staff-1", "d1", frozenset({role}))
    lesson = await create(store, principal=author)
    assert await store.get_lesson("d1", lesson.id) == lesson
    assert lesson.created_by == "staff-1"


@pytest.mark.parametrize("role", [Role.STUDENT, Role.GUARDIAN, Role.INTEGRATION, Role.SCHOOL_ADMIN])
async def test_others_may_not_create_lessons(role: Role) -> None:
    store = FakeCatalog()
    with pytest.raises(Forbidden):
        await create(store, principal=Principal("p", "d1", frozenset({role})))
    assert await service.list_lessons(principal=TEACHER, store=store) == service.LessonPage(
        [], False, None
    )


async def test_an_invalid_lesson_is_refused_and_nothing_is_stored() -> None:
    store = FakeCatalog()
    with pytest.raises(InvalidInput):
        await create(store, LessonDraft(title="", subject="reading", components=()))
    assert (await service.list_lessons(principal=TEACHER, store=store)).items == []


async def test_publishing_stores_the_new_version_and_emits_lesson_published() -> None:
    store = FakeCatalog()
    draft = await create(store)
    published = await publish(store, draft.id)
    assert await store.get_lesson("d1", draft.id) == published
    assert published.version == 1
    [event] = store.emitted
    assert (event.type, event.topic, event.key) == (
        "bookend.catalog.lesson.published.v1",
        Topic.CATALOG_LESSON.value,
        draft.id,
    )
    assert event.source == "bookend/catalog"
    assert event.data["version"] == 1
    assert [c["component_id"] for c in event.data["components"]] == [
        c.id for c in draft.content.components
    ]


async def test_publishing_twice_is_refused_and_emits_nothing_more() -> None:
    store = FakeCatalog()
    draft = await create(store)
    await publish(store, draft.id)
    with pytest.raises(LessonAlreadyPublished):
        await publish(store, draft.id)
    assert len(store.emitted) == 1


async def test_a_student_may_not_publish() -> None:
    store = FakeCatalog()
    draft = await create(store)
    with pytest.raises(Forbidden):
        await publish(store, draft.id, STUDENT)
    assert store.emitted == []


async def test_another_districts_lesson_is_not_found() -> None:
    store = FakeCatalog()
    draft = await create(store)
    with pytest.raises(LessonNotFound):
        await service.get_lesson(draft.id, principal=OTHER_DISTRICT_TEACHER, store=store)
    with pytest.raises(LessonNotFound):
        await publish(store, draft.id, OTHER_DISTRICT_TEACHER)


async def test_a_student_does_not_see_drafts_but_sees_published_lessons() -> None:
    store = FakeCatalog()
    draft = await create(store)
    with pytest.raises(LessonNotFound):
        await service.get_lesson(draft.id, principal=STUDENT, store=store)
    await publish(store, draft.id)
    assert (await service.get_lesson(draft.id, principal=STUDENT, store=store)).version == 1


async def test_a_student_browsing_drafts_gets_nothing() -> None:
    store = FakeCatalog()
    await create(store)
    page = await service.list_lessons(principal=STUDENT, store=store, status=LessonStatus.DRAFT)
    assert page.items == []
    assert (await service.list_lessons(principal=STUDENT, store=store)).items == []


async def test_browsing_pages_through_lessons_in_creation_order() -> None:
    store = FakeCatalog()
    clock = TickingClock()
    made = [
        await create(store, LessonDraft(f"Lesson {n}", "maths", DRAFT.components), clock=clock)
        for n in range(5)
    ]
    first = await service.list_lessons(principal=TEACHER, store=store, first=2)
    assert [lesson.id for lesson in first.items] == [made[0].id, made[1].id]
    assert first.has_next_page
    second = await service.list_lessons(
        principal=TEACHER, store=store, first=2, after=first.end_cursor
    )
    third = await service.list_lessons(
        principal=TEACHER, store=store, first=2, after=second.end_cursor
    )
    assert [lesson.id for lesson in [*second.items, *third.items]] == [m.id for m in made[2:]]
    assert not third.has_next_page


async def test_browsing_filters_by_a_title_substring_ignoring_case() -> None:
    store = FakeCatalog()
    await create(store, LessonDraft("Adding Fractions", "maths", DRAFT.components))
    await create(store, LessonDraft("Theme", "reading", DRAFT.components))
    page = await service.list_lessons(principal=TEACHER, store=store, q="fraction")
    assert [lesson.content.title for lesson in page.items] == ["Adding Fractions"]


@pytest.mark.parametrize("first", [0, 101])
async def test_a_page_size_outside_one_to_a_hundred_is_refused(first: int) -> None:
    with pytest.raises(InvalidInput) as failure:
        await service.list_lessons(principal=TEACHER, store=FakeCatalog(), first=first)
    assert (failure.value.errors[0].field, failure.value.errors[0].rule) == ("first", "range")


async def test_a_made_up_cursor_is_refused() -> None:
    with pytest.raises(InvalidInput) as failure:
        await service.list_lessons(principal=TEACHER, store=FakeCatalog(), after="not-a-cursor")
    assert (failure.value.errors[0].field, failure.value.errors[0].rule) == ("after", "cursor")


OTHER_TEACHER = Principal("teacher-2", "d1", frozenset({Role.TEACHER}))
SCHOOL_ADMIN = Principal("admin-1", "d1", frozenset({Role.SCHOOL_ADMIN}), school="school-1")
DISTRICT_ADMIN = Principal("admin-2", "d1", frozenset({Role.DISTRICT_ADMIN}))


async def test_another_teacher_can_neither_read_list_nor_publish_a_draft() -> None:
    store = FakeCatalog()
    draft = await create(store)
    with pytest.raises(LessonNotFound):
        await service.get_lesson(draft.id, principal=OTHER_TEACHER, store=store)
    with pytest.raises(LessonNotFound):
        await publish(store, draft.id, OTHER_TEACHER)
    assert (await service.list_lessons(principal=OTHER_TEACHER, store=store)).items == []
    assert store.emitted == []


async def test_the_author_and_an_admin_see_the_draft_and_everyone_staff_sees_it_published() -> None:
    store = FakeCatalog()
    draft = await create(store)
    for reader in (TEACHER, SCHOOL_ADMIN):
        assert await service.get_lesson(draft.id, principal=reader, store=store) == draft
        listed = await service.list_lessons(principal=reader, store=store)
        assert [lesson.id for lesson in listed.items] == [draft.id]
    published = await publish(store, draft.id, DISTRICT_ADMIN)
    assert await service.get_lesson(draft.id, principal=OTHER_TEACHER, store=store) == published
