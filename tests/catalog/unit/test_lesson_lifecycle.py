"""A lesson's life with an in-memory store: draft, publish, revise, archive, and what each
reader sees on the way; publishing refuses what a published lesson may not lack."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts.catalog import ComponentKind, LessonStatus, MediaKind, VariantKind
from bookend.ids import new_id
from bookend.problems import InvalidInput
from services.catalog.lessons import service
from services.catalog.lessons.domain import (
    ComponentDraft,
    Lesson,
    LessonAlreadyPublished,
    LessonDraft,
    LessonIsArchived,
    LessonNotPublishable,
    LessonVersionNotFound,
    NoRevision,
)
from services.catalog.lessons.media import Captions, MediaDraft, MediaVariant
from tests.catalog.fakes import FakeCatalog
from tests.support.fakes import TickingClock

AUTHOR = Principal("teacher-1", "d1", frozenset({Role.TEACHER}))
OTHER_TEACHER = Principal("teacher-2", "d1", frozenset({Role.TEACHER}))
LEAD = Principal("lead-1", "d1", frozenset({Role.DISTRICT_ADMIN}))
STUDENT = Principal("student-1", "d1", frozenset({Role.STUDENT}))

VIDEO = MediaDraft(
    kind=MediaKind.VIDEO,
    title="Worked example",
    url="https://cdn.example.org/example.mp4",
    bytes=50_000_000,
    duration_seconds=300,
)
READ = ComponentDraft("Read the text", ComponentKind.INTRODUCE, 10)
WATCH = ComponentDraft("Watch the example", ComponentKind.MODEL, 10, media=(VIDEO,))
DRAFT = LessonDraft(title="Equivalent fractions", subject="maths", components=(READ,))


def captioned(media: MediaDraft) -> MediaDraft:
    return replace(media, captions=(Captions("en", "https://cdn.example.org/example.vtt"),))


class Library:
    """The use cases over one fake store, with a clock that moves."""

    def __init__(self) -> None:
        self.store = FakeCatalog()
        self.clock = TickingClock()

    async def create(self, draft: LessonDraft = DRAFT, by: Principal = AUTHOR) -> Lesson:
        return await service.create_lesson(
            draft, principal=by, store=self.store, clock=self.clock, ids=new_id
        )

    async def edit(self, lesson_id: str, draft: LessonDraft, by: Principal = AUTHOR) -> Lesson:
        return await service.edit_lesson(
            lesson_id, draft, principal=by, store=self.store, ids=new_id
        )

    async def publish(self, lesson_id: str, by: Principal = AUTHOR) -> Lesson:
        return await service.publish_lesson(
            lesson_id, principal=by, store=self.store, clock=self.clock
        )

    async def archive(self, lesson_id: str, by: Principal = AUTHOR) -> Lesson:
        return await service.archive_lesson(
            lesson_id, principal=by, store=self.store, clock=self.clock
        )

    async def read(self, lesson_id: str, by: Principal) -> Lesson:
        return await service.get_lesson(lesson_id, principal=by, store=self.store)

    def types(self) -> list[str]:
        return [event.type for event in self.store.emitted]


def revised(title: str) -> LessonDraft:
    return LessonDraft(title=title, subject="maths", components=(READ,))


async def test_editing_a_draft_changes_it_in_place() -> None:
    library = Library()
    lesson = await library.create()
    edited = await library.edit(lesson.id, revised("Equivalent fractions, again"))
    assert (edited.status, edited.version, edited.revision) == (LessonStatus.DRAFT, 0, None)
    assert edited.content.title == "Equivalent fractions, again"
    assert library.types() == []


async def test_editing_a_published_lesson_holds_a_revision_readers_do_not_see() -> None:
    library = Library()
    lesson = await library.publish((await library.create()).id)
    edited = await library.edit(lesson.id, revised("Fractions on a number line"))
    assert (edited.status, edited.version) == (LessonStatus.PUBLISHED, 1)
    assert edited.content == lesson.content
    assert edited.revision is not None
    assert edited.revision.title == "Fractions on a number line"
    for reader in (STUDENT, OTHER_TEACHER):
        seen = await library.read(lesson.id, reader)
        assert seen.content.title == "Equivalent fractions"
        assert not service.may_see_revision(reader, seen)
    assert service.may_see_revision(AUTHOR, edited) and service.may_see_revision(LEAD, edited)


async def test_publishing_a_revision_bumps_the_version_and_keeps_the_first_readable() -> None:
    library = Library()
    first = await library.publish((await library.create()).id)
    await library.edit(first.id, revised("Fractions on a number line"))
    second = await library.publish(first.id)
    assert (second.version, second.revision, second.content.title) == (
        2,
        None,
        "Fractions on a number line",
    )
    assert library.types() == [
        "bookend.catalog.lesson.published.v1",
        "bookend.catalog.lesson.revised.v1",
    ]
    assert library.store.emitted[-1].data["version"] == 2
    kept = await service.get_lesson_version(first.id, 1, principal=STUDENT, store=library.store)
    assert (kept.version, kept.content) == (1, first.content)
    with pytest.raises(LessonVersionNotFound):
        await service.get_lesson_version(first.id, 3, principal=STUDENT, store=library.store)


async def test_a_published_lesson_without_a_revision_is_not_published_again() -> None:
    library = Library()
    lesson = await library.publish((await library.create()).id)
    with pytest.raises(LessonAlreadyPublished):
        await library.publish(lesson.id)
    assert len(library.store.emitted) == 1


async def test_components_named_by_id_keep_it_and_new_ones_get_their_own() -> None:
    library = Library()
    lesson = await library.create(LessonDraft("Fractions", "maths", (READ, WATCH)))
    read, watch = lesson.content.components
    kept = ComponentDraft("Watch it twice", ComponentKind.MODEL, 12, media=(VIDEO,), id=watch.id)
    edited = await library.edit(lesson.id, LessonDraft("Fractions", "maths", (kept, READ)))
    first, second = edited.content.components
    assert (first.id, first.title, first.media[0].id) == (watch.id, "Watch it twice",
                                                          watch.media[0].id)  # fmt: skip
    assert second.id not in (read.id, watch.id)


async def test_an_id_that_is_not_the_lessons_is_refused() -> None:
    library = Library()
    lesson = await library.create()
    stranger = ComponentDraft("Stray", ComponentKind.MODEL, 5, id="component-of-another")
    with pytest.raises(InvalidInput) as failure:
        await library.edit(lesson.id, LessonDraft("Fractions", "maths", (stranger,)))
    assert {(e.field, e.rule) for e in failure.value.errors} == {("components.0.id", "known")}


async def test_a_video_without_captions_or_transcript_is_not_published_naming_it() -> None:
    library = Library()
    lesson = await library.create(LessonDraft("Fractions", "maths", (READ, WATCH)))
    with pytest.raises(LessonNotPublishable) as failure:
        await library.publish(lesson.id)
    [error] = failure.value.errors
    assert (error.field, error.rule) == ("components.1.media.0", "captions_or_transcript")
    assert "'Worked example'" in error.message and "component 2" in error.message
    assert failure.value.code == "LESSON_NOT_PUBLISHABLE"
    assert (await library.read(lesson.id, AUTHOR)).status is LessonStatus.DRAFT
    assert library.store.emitted == []
    transcript = MediaVariant(VariantKind.TRANSCRIPT, "https://cdn.example.org/e.txt", 9_000)
    with_transcript = replace(VIDEO, variants=(transcript,))
    watch = ComponentDraft("Watch", ComponentKind.MODEL, 10, media=(with_transcript,))
    await library.edit(lesson.id, LessonDraft("Fractions", "maths", (READ, watch)))
    assert (await library.publish(lesson.id)).version == 1


async def test_publishing_checks_components_minutes_and_media_length_at_once() -> None:
    library = Library()
    long_video = captioned(VIDEO)  # five minutes of video
    short = ComponentDraft("Watch", ComponentKind.MODEL, 4, media=(long_video,))
    lesson = await library.create(
        LessonDraft("Fractions", "maths", (READ, short), estimated_minutes=30)
    )
    with pytest.raises(LessonNotPublishable) as failure:
        await library.publish(lesson.id)
    assert {(e.field, e.rule) for e in failure.value.errors} == {
        ("components.1.minutes", "covers_media"),
        ("estimated_minutes", "minutes_add_up"),
    }
    empty = await library.create(LessonDraft("Nothing yet", "maths", ()))
    with pytest.raises(LessonNotPublishable) as failure:
        await library.publish(empty.id)
    assert {(e.field, e.rule) for e in failure.value.errors} == {("components", "min_items")}


async def test_an_archived_lesson_is_announced_and_then_neither_edited_nor_published() -> None:
    library = Library()
    lesson = await library.publish((await library.create()).id)
    await library.edit(lesson.id, revised("Pending"))
    archived = await library.archive(lesson.id, LEAD)
    assert (archived.status, archived.version, archived.revision) == (
        LessonStatus.ARCHIVED,
        1,
        None,
    )
    assert library.types()[-1] == "bookend.catalog.lesson.archived.v1"
    for change in (
        library.edit(lesson.id, revised("Again")),
        library.publish(lesson.id),
        library.archive(lesson.id),
    ):
        with pytest.raises(LessonIsArchived):
            await change
    assert (await library.read(lesson.id, STUDENT)).status is LessonStatus.ARCHIVED


async def test_archived_lessons_are_listed_only_when_asked_for() -> None:
    library = Library()
    kept = await library.publish((await library.create()).id)
    gone = await library.archive((await library.publish((await library.create()).id)).id)
    listed = await service.list_lessons(principal=AUTHOR, store=library.store)
    assert [lesson.id for lesson in listed.items] == [kept.id]
    asked = await service.list_lessons(
        principal=AUTHOR, store=library.store, status=LessonStatus.ARCHIVED
    )
    assert [lesson.id for lesson in asked.items] == [gone.id]


async def test_archiving_a_draft_never_published_announces_nothing() -> None:
    library = Library()
    archived = await library.archive((await library.create()).id)
    assert archived.status is LessonStatus.ARCHIVED
    assert library.store.emitted == []


async def test_a_teacher_writes_only_their_own_lessons_and_a_district_admin_any() -> None:
    library = Library()
    lesson = await library.publish((await library.create()).id)
    with pytest.raises(Forbidden):
        await library.edit(lesson.id, revised("Not mine"), OTHER_TEACHER)
    with pytest.raises(Forbidden):
        await library.archive(lesson.id, OTHER_TEACHER)
    edited = await library.edit(lesson.id, revised("The lead's revision"), LEAD)
    assert edited.revision is not None


async def test_discarding_a_revision_leaves_the_published_lesson() -> None:
    library = Library()
    lesson = await library.publish((await library.create()).id)
    await library.edit(lesson.id, revised("Second thoughts"))
    discarded = await service.discard_revision(lesson.id, principal=AUTHOR, store=library.store)
    assert (discarded.revision, discarded.content) == (None, lesson.content)
    with pytest.raises(NoRevision):
        await service.discard_revision(lesson.id, principal=AUTHOR, store=library.store)
