"""The shared library: its curators publish lessons every district may read and adopt (copy)
as a draft of its own; nothing of a district's reaches the library or another district."""

from __future__ import annotations

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts.catalog import SHARED_LIBRARY, ComponentKind, LessonStatus, Library
from bookend.ids import new_id
from services.catalog.lessons import service
from services.catalog.lessons.domain import (
    AdoptedFrom,
    ComponentDraft,
    Lesson,
    LessonDraft,
    LessonNotFound,
    NotShared,
)
from tests.catalog.fakes import FakeCatalog
from tests.support.fakes import TickingClock

CURATOR = Principal("curator-1", SHARED_LIBRARY, frozenset({Role.DISTRICT_ADMIN}))
TEACHER = Principal("teacher-1", "d1", frozenset({Role.TEACHER}))
STUDENT = Principal("student-1", "d1", frozenset({Role.STUDENT}))
ELSEWHERE = Principal("teacher-9", "d2", frozenset({Role.TEACHER}))
DRAFT = LessonDraft(
    "Main idea and details",
    "reading",
    (ComponentDraft("Find the main idea", ComponentKind.MODEL, 10, instructions="Underline it"),),
)


class Shelves:
    def __init__(self) -> None:
        self.store, self.clock = FakeCatalog(), TickingClock()

    async def create(self, by: Principal, draft: LessonDraft = DRAFT) -> Lesson:
        return await service.create_lesson(
            draft, principal=by, store=self.store, clock=self.clock, ids=new_id
        )

    async def publish(self, lesson_id: str, by: Principal) -> Lesson:
        return await service.publish_lesson(
            lesson_id, principal=by, store=self.store, clock=self.clock
        )

    async def adopt(self, lesson_id: str, by: Principal) -> Lesson:
        return await service.adopt_lesson(
            lesson_id, principal=by, store=self.store, clock=self.clock, ids=new_id
        )

    async def shared(self, by: Principal) -> list[str]:
        page = await service.list_lessons(principal=by, store=self.store, library=Library.SHARED)
        return [lesson.id for lesson in page.items]


async def test_every_district_reads_and_lists_the_librarys_published_lessons_only() -> None:
    library = Shelves()
    shared = await library.publish((await library.create(CURATOR)).id, CURATOR)
    draft = await library.create(CURATOR)
    for reader in (TEACHER, STUDENT, ELSEWHERE):
        assert (
            await service.get_lesson(shared.id, principal=reader, store=library.store)
        ) == shared
        assert await library.shared(reader) == [shared.id]
        with pytest.raises(LessonNotFound):
            await service.get_lesson(draft.id, principal=reader, store=library.store)
    assert await library.shared(CURATOR) == [shared.id, draft.id]  # its own, drafts too
    mine = await service.list_lessons(principal=TEACHER, store=library.store)
    assert mine.items == []  # the district's own list holds only its own lessons


async def test_adopting_copies_the_published_content_as_a_draft_under_new_ids() -> None:
    library = Shelves()
    shared = await library.publish((await library.create(CURATOR)).id, CURATOR)
    adopted = await library.adopt(shared.id, TEACHER)
    assert (adopted.district_id, adopted.status, adopted.version, adopted.created_by) == (
        "d1",
        LessonStatus.DRAFT,
        0,
        "teacher-1",
    )
    assert adopted.adopted_from == AdoptedFrom(shared.id, 1)
    assert adopted.id != shared.id
    [original], [copy] = shared.content.components, adopted.content.components
    assert copy.id != original.id
    assert (copy.title, copy.instructions) == (original.title, original.instructions)
    published = await library.publish(adopted.id, TEACHER)
    assert published.version == 1
    assert library.store.emitted[-1].data["district_id"] == "d1"
    # The library's lesson is the curators' alone.
    with pytest.raises(LessonNotFound):
        await service.edit_lesson(shared.id, DRAFT, principal=TEACHER, store=library.store,
                                  ids=new_id)  # fmt: skip


async def test_only_a_published_library_lesson_is_adopted_and_only_by_curriculum_roles() -> None:
    library = Shelves()
    own = await library.publish((await library.create(TEACHER)).id, TEACHER)
    with pytest.raises(NotShared):
        await library.adopt(own.id, TEACHER)
    draft = await library.create(CURATOR)
    with pytest.raises(LessonNotFound):
        await library.adopt(draft.id, TEACHER)
    shared = await library.publish(draft.id, CURATOR)
    with pytest.raises(Forbidden):
        await library.adopt(shared.id, STUDENT)
    before = len(library.store.state.lessons)
    with pytest.raises(LessonNotFound):
        await library.adopt("no-such-lesson", TEACHER)
    assert len(library.store.state.lessons) == before
