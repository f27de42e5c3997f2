"""Lessons and components: pure rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bookend.contracts.catalog import ComponentKind, LessonStatus, ModeFit
from bookend.ids import IdFactory
from bookend.problems import Conflict, Failure, FieldError, NotFound, refuse_if, too_long

MIN_COMPONENTS = 1
MAX_COMPONENTS = 40
MIN_MINUTES = 1
MAX_MINUTES = 240
# Bounds on free text, in characters: the largest lesson stays far below the broker's limit.
MAX_TITLE = 200
MAX_SUBJECT = 100
MAX_SUMMARY = 2000

# The pedagogy: building knowledge and skill suits the student's own pace, while discussion
# and feedback on errors need the teacher and peers present.
_DEFAULT_MODE_FIT: dict[ComponentKind, ModeFit] = {
    ComponentKind.INTRODUCE: ModeFit.ON_DEMAND,
    ComponentKind.MODEL: ModeFit.ON_DEMAND,
    ComponentKind.PRACTICE: ModeFit.ON_DEMAND,
    ComponentKind.FLUENCY: ModeFit.ON_DEMAND,
    ComponentKind.AUTONOMY: ModeFit.ON_DEMAND,
    ComponentKind.DISCUSSION: ModeFit.LIVE,
    ComponentKind.FEEDBACK: ModeFit.LIVE,
}


class CatalogError(Failure):
    """Root of the catalog's expected failures."""


class LessonNotFound(CatalogError, NotFound):
    code = "LESSON_NOT_FOUND"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} was not found")


class LessonAlreadyPublished(CatalogError, Conflict):
    code = "LESSON_ALREADY_PUBLISHED"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} is already published")


def default_mode_fit(kind: ComponentKind) -> ModeFit:
    """The mode a component suits when its author does not say."""
    return _DEFAULT_MODE_FIT[kind]


@dataclass(frozen=True, slots=True)
class ComponentDraft:
    """A component as its author describes it, before it is checked."""

    title: str
    kind: ComponentKind
    minutes: int
    mode_fit: ModeFit | None = None


@dataclass(frozen=True, slots=True)
class LessonDraft:
    """A lesson as its author describes it, before it is checked."""

    title: str
    subject: str
    components: tuple[ComponentDraft, ...]
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    district_id: str
    title: str
    subject: str
    summary: str
    status: LessonStatus
    version: int
    components: tuple[Component, ...]
    created_by: str
    created_at: datetime
    published_at: datetime | None = None

    @property
    def is_draft(self) -> bool:
        return self.status is LessonStatus.DRAFT

    def publish(self, at: datetime) -> tuple[Lesson, list[LessonPublished]]:
        """This lesson as its next published version, and the event that announces it."""
        if self.status is LessonStatus.PUBLISHED:
            raise LessonAlreadyPublished(self.id)
        published = replace(
            self, status=LessonStatus.PUBLISHED, version=self.version + 1, published_at=at
        )
        return published, [LessonPublished(published)]


@dataclass(frozen=True, slots=True)
class LessonPublished:
    """Domain event: a lesson version became available for scheduling."""

    lesson: Lesson


def new_lesson(
    draft: LessonDraft,
    *,
    new_id: IdFactory,
    district_id: str,
    created_by: str,
    created_at: datetime,
) -> Lesson:
    """A new draft lesson, or InvalidInput naming every field that breaks a rule."""
    refuse_if(_lesson_errors(draft))
    return Lesson(
        id=new_id(),
        district_id=district_id,
        title=draft.title.strip(),
        subject=draft.subject.strip(),
        summary=draft.summary.strip(),
        status=LessonStatus.DRAFT,
        version=0,
        components=tuple(
            Component(
                id=new_id(),
                title=component.title.strip(),
                kind=component.kind,
                mode_fit=component.mode_fit or default_mode_fit(component.kind),
                minutes=component.minutes,
            )
            for component in draft.components
        ),
        created_by=created_by,
        created_at=created_at,
    )


def _lesson_errors(draft: LessonDraft) -> list[FieldError]:
    components = draft.components
    errors = [
        FieldError(name, "not_empty", "must not be blank")
        for name, value in (("title", draft.title), ("subject", draft.subject))
        if not value.strip()
    ]
    errors += too_long("title", draft.title, MAX_TITLE)
    errors += too_long("subject", draft.subject, MAX_SUBJECT)
    errors += too_long("summary", draft.summary, MAX_SUMMARY)
    if len(components) < MIN_COMPONENTS:
        errors.append(
            FieldError(
                "components", "min_items", f"a lesson needs at least {MIN_COMPONENTS} component"
            )
        )
    if len(components) > MAX_COMPONENTS:
        errors.append(
            FieldError(
                "components", "max_items", f"a lesson has at most {MAX_COMPONENTS} components"
            )
        )
    for index, component in enumerate(components):
        errors += too_long(f"components.{index}.title", component.title, MAX_TITLE)
        if not component.title.strip():
            errors.append(FieldError(f"components.{index}.title", "not_empty", "must not be blank"))
        if not MIN_MINUTES <= component.minutes <= MAX_MINUTES:
            errors.append(
                FieldError(
                    f"components.{index}.minutes",
                    "range",
                    f"must be between {MIN_MINUTES} and {MAX_MINUTES} minutes",
                )
            )
    return errors
