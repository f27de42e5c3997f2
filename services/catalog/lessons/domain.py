"""Lessons, their components and their life: pure rules, no I/O.

A lesson is a draft until first published. Editing a published lesson makes a revision beside
the published content, which readers keep seeing until the revision is published as the next
version; every published version stays readable, because sessions and tasks keep pointing at
the version they were planned with. An archived lesson is planned with no more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from bookend.contracts.catalog import ComponentKind, GradeBand, LessonStatus, MediaKind, ModeFit
from bookend.ids import IdFactory
from bookend.problems import (
    Conflict,
    Failure,
    FieldError,
    InvalidInput,
    NotFound,
    refuse_if,
    too_long,
)
from services.catalog.lessons.media import (
    MAX_MEDIA_PER_COMPONENT,
    TIMED,
    MediaAsset,
    MediaDraft,
    media_errors,
)

MIN_COMPONENTS = 1  # to publish; a draft may be empty while it is built
MAX_COMPONENTS = 40
MIN_MINUTES = 1
MAX_MINUTES = 240
MAX_LESSON_MINUTES = MAX_COMPONENTS * MAX_MINUTES
# Bounds on free text, in characters: the largest lesson stays far below the broker's limit.
MAX_TITLE = 200
MAX_SUBJECT = 100
MAX_SUMMARY = 2000
MAX_INSTRUCTIONS = 5000
MAX_REASON = 500
MAX_OBJECTIVES = 20
MAX_OBJECTIVE = 300
MAX_STANDARDS = 30
MAX_STANDARD = 80
# A standard's code as curricula write them: "CCSS.MATH.CONTENT.3.OA.A.1", "TEKS-110.4(b)(1)".
STANDARD_CODE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9.:_()\-]{{0,{MAX_STANDARD - 1}}}")

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


class LessonVersionNotFound(CatalogError, NotFound):
    code = "LESSON_VERSION_NOT_FOUND"

    def __init__(self, lesson_id: str, version: int) -> None:
        super().__init__(f"lesson {lesson_id} has no published version {version}")


class LessonAlreadyPublished(CatalogError, Conflict):
    code = "LESSON_ALREADY_PUBLISHED"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} is already published and has no revision to publish")


class LessonIsArchived(CatalogError, Conflict):
    code = "LESSON_ARCHIVED"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} is archived")


class NoRevision(CatalogError, Conflict):
    code = "NO_REVISION"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} has no revision to discard")


class LessonChanged(CatalogError, Conflict):
    code = "LESSON_CHANGED"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} was changed by someone else meanwhile; try again")


class NotShared(CatalogError, Conflict):
    code = "LESSON_NOT_SHARED"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} is not a lesson of the shared library to adopt")


class LessonNotPublishable(CatalogError, InvalidInput):
    """Publishing checks what a draft may lack: each error names the component and rule."""

    code = "LESSON_NOT_PUBLISHABLE"


def default_mode_fit(kind: ComponentKind) -> ModeFit:
    """The mode a component suits when its author does not say."""
    return _DEFAULT_MODE_FIT[kind]


@dataclass(frozen=True, slots=True)
class ComponentDraft:
    """A component as its author describes it, before it is checked. `id` names a component
    of the lesson being edited, which keeps its identity (and its media theirs)."""

    title: str
    kind: ComponentKind
    minutes: int
    mode_fit: ModeFit | None = None
    mode_fit_reason: str = ""  # why, when the mode fit differs from the kind's default
    instructions: str = ""
    media: tuple[MediaDraft, ...] = ()
    id: str | None = None


@dataclass(frozen=True, slots=True)
class LessonDraft:
    """A lesson's content as its author describes it, before it is checked."""

    title: str
    subject: str
    components: tuple[ComponentDraft, ...]
    summary: str = ""
    grade_band: GradeBand | None = None
    objectives: tuple[str, ...] = ()
    standards: tuple[str, ...] = ()
    estimated_minutes: int | None = None  # None: the components' minutes


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int
    mode_fit_reason: str = ""
    instructions: str = ""
    media: tuple[MediaAsset, ...] = ()

    @property
    def media_seconds(self) -> int:
        return sum(m.duration_seconds or 0 for m in self.media if m.kind in TIMED)


@dataclass(frozen=True, slots=True)
class LessonContent:
    title: str
    subject: str
    summary: str
    components: tuple[Component, ...]
    grade_band: GradeBand | None = None
    objectives: tuple[str, ...] = ()
    standards: tuple[str, ...] = ()
    estimated_minutes: int | None = None

    @property
    def minutes(self) -> int:
        """What the lesson takes: the author's estimate, else its components' minutes."""
        if self.estimated_minutes is not None:
            return self.estimated_minutes
        return sum(c.minutes for c in self.components)

    @property
    def download_bytes(self) -> int:
        """What saving every downloadable asset in full costs."""
        return sum(m.bytes or 0 for c in self.components for m in c.media if m.downloadable)

    @property
    def media_kinds(self) -> frozenset[MediaKind]:
        return frozenset(m.kind for c in self.components for m in c.media)


@dataclass(frozen=True, slots=True)
class LessonVersion:
    """A published version, kept as it was published."""

    lesson_id: str
    district_id: str
    version: int
    content: LessonContent
    published_at: datetime


@dataclass(frozen=True, slots=True)
class AdoptedFrom:
    """The shared lesson, and its version, a district's lesson was copied from."""

    lesson_id: str
    version: int


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    district_id: str
    status: LessonStatus
    version: int  # the latest published version; 0 before the first
    content: LessonContent  # what readers see: the published version, or the draft before it
    created_by: str
    created_at: datetime
    published_at: datetime | None = None
    archived_at: datetime | None = None
    revision: LessonContent | None = None  # edits of a published lesson, not yet published
    edits: int = 0  # each edit, publish and archive counts one: a concurrent one loses
    adopted_from: AdoptedFrom | None = None

    @property
    def is_draft(self) -> bool:
        return self.status is LessonStatus.DRAFT

    def edit(self, draft: LessonDraft, new_id: IdFactory) -> Lesson:
        """This lesson with `draft` as its content (a draft) or as its revision (published)."""
        if self.status is LessonStatus.ARCHIVED:
            raise LessonIsArchived(self.id)
        base = self.revision or self.content
        content = content_of(draft, new_id, keep=base.components)
        if self.status is LessonStatus.DRAFT:
            return replace(self, content=content, edits=self.edits + 1)
        return replace(self, revision=content, edits=self.edits + 1)

    def discard_revision(self) -> Lesson:
        if self.revision is None:
            raise NoRevision(self.id)
        return replace(self, revision=None, edits=self.edits + 1)

    def publish(self, at: datetime) -> tuple[Lesson, list[LessonPublished | LessonRevised]]:
        """This lesson as its next published version, and the event that announces it."""
        if self.status is LessonStatus.ARCHIVED:
            raise LessonIsArchived(self.id)
        if self.status is LessonStatus.PUBLISHED and self.revision is None:
            raise LessonAlreadyPublished(self.id)
        content = self.revision or self.content
        if errors := publish_errors(content):
            raise LessonNotPublishable.many(errors)
        published = replace(
            self,
            status=LessonStatus.PUBLISHED,
            version=self.version + 1,
            content=content,
            revision=None,
            published_at=at,
            edits=self.edits + 1,
        )
        event = LessonPublished(published) if published.version == 1 else LessonRevised(published)
        return published, [event]

    def archive(self, at: datetime) -> tuple[Lesson, list[LessonArchived]]:
        """Planned with no more; what was planned keeps its version. A revision is dropped."""
        if self.status is LessonStatus.ARCHIVED:
            raise LessonIsArchived(self.id)
        archived = replace(
            self, status=LessonStatus.ARCHIVED, archived_at=at, revision=None, edits=self.edits + 1
        )
        # A lesson never published was never heard of elsewhere.
        return archived, [LessonArchived(archived)] if self.version else []

    def published_version(self) -> LessonVersion:
        assert self.published_at is not None, "only a published lesson has a version"
        return LessonVersion(
            self.id, self.district_id, self.version, self.content, self.published_at
        )


@dataclass(frozen=True, slots=True)
class LessonPublished:
    """Domain event: a lesson's first version became available for scheduling."""

    lesson: Lesson


@dataclass(frozen=True, slots=True)
class LessonRevised:
    """Domain event: a later version of a lesson was published."""

    lesson: Lesson


@dataclass(frozen=True, slots=True)
class LessonArchived:
    """Domain event: a published lesson was archived."""

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
    return Lesson(
        id=new_id(),
        district_id=district_id,
        status=LessonStatus.DRAFT,
        version=0,
        content=content_of(draft, new_id),
        created_by=created_by,
        created_at=created_at,
    )


def adopt(
    source: Lesson, *, new_id: IdFactory, district_id: str, created_by: str, created_at: datetime
) -> Lesson:
    """A district's own draft of a published shared lesson: its content, under new ids."""
    content = source.content
    components = tuple(
        replace(
            component,
            id=new_id(),
            media=tuple(replace(media, id=new_id()) for media in component.media),
        )
        for component in content.components
    )
    return Lesson(
        id=new_id(),
        district_id=district_id,
        status=LessonStatus.DRAFT,
        version=0,
        content=replace(content, components=components),
        created_by=created_by,
        created_at=created_at,
        adopted_from=AdoptedFrom(source.id, source.version),
    )


def content_of(
    draft: LessonDraft, new_id: IdFactory, keep: Iterable[Component] = ()
) -> LessonContent:
    """The checked content of `draft`: components named by id keep theirs (`keep` are the
    lesson's present ones), new ones get fresh ids. InvalidInput names every broken rule."""
    kept = {component.id: component for component in keep}
    refuse_if(_lesson_errors(draft, kept))
    return LessonContent(
        title=draft.title.strip(),
        subject=draft.subject.strip(),
        summary=draft.summary.strip(),
        grade_band=draft.grade_band,
        objectives=tuple(o.strip() for o in draft.objectives),
        standards=tuple(s.strip() for s in draft.standards),
        estimated_minutes=draft.estimated_minutes,
        components=tuple(
            _component(component, new_id, kept.get(component.id or ""))
            for component in draft.components
        ),
    )


def _component(draft: ComponentDraft, new_id: IdFactory, kept: Component | None) -> Component:
    media_ids = [m.id for m in kept.media] if kept is not None else []
    return Component(
        id=kept.id if kept is not None else new_id(),
        title=draft.title.strip(),
        kind=draft.kind,
        mode_fit=draft.mode_fit or default_mode_fit(draft.kind),
        mode_fit_reason=draft.mode_fit_reason.strip(),
        minutes=draft.minutes,
        instructions=draft.instructions.strip(),
        # Media keep their ids by position: the n-th asset of a kept component stays the n-th.
        media=tuple(
            media.asset(media_ids[index] if index < len(media_ids) else new_id())
            for index, media in enumerate(draft.media)
        ),
    )


def publish_errors(content: LessonContent) -> list[FieldError]:
    """What a draft may lack but a published lesson may not, each naming its component."""
    errors: list[FieldError] = []
    if len(content.components) < MIN_COMPONENTS:
        errors.append(
            FieldError(
                "components", "min_items", f"a lesson needs at least {MIN_COMPONENTS} component"
            )
        )
    for index, component in enumerate(content.components):
        named = f"component {index + 1} ({component.title!r})"
        for at, media in enumerate(component.media):
            if media.kind is MediaKind.VIDEO and not media.accessible:
                errors.append(
                    FieldError(
                        f"components.{index}.media.{at}",
                        "captions_or_transcript",
                        f"video {media.title!r} of {named} needs captions or a transcript",
                    )
                )
        if component.media_seconds > component.minutes * 60:
            errors.append(
                FieldError(
                    f"components.{index}.minutes",
                    "covers_media",
                    f"{named} has {-(-component.media_seconds // 60)} minutes of media, more"
                    f" than its {component.minutes} minutes",
                )
            )
    total = sum(c.minutes for c in content.components)
    if content.estimated_minutes is not None and content.estimated_minutes != total:
        errors.append(
            FieldError(
                "estimated_minutes",
                "minutes_add_up",
                f"the components take {total} minutes, not the {content.estimated_minutes}"
                " estimated",
            )
        )
    return errors


def _lesson_errors(draft: LessonDraft, kept: dict[str, Component]) -> list[FieldError]:
    components = draft.components
    errors = [
        FieldError(name, "not_empty", "must not be blank")
        for name, value in (("title", draft.title), ("subject", draft.subject))
        if not value.strip()
    ]
    errors += too_long("title", draft.title, MAX_TITLE)
    errors += too_long("subject", draft.subject, MAX_SUBJECT)
    errors += too_long("summary", draft.summary, MAX_SUMMARY)
    errors += _list_errors("objectives", draft.objectives, MAX_OBJECTIVES, MAX_OBJECTIVE)
    errors += _standard_errors(draft.standards)
    if draft.estimated_minutes is not None and not (
        MIN_MINUTES <= draft.estimated_minutes <= MAX_LESSON_MINUTES
    ):
        errors.append(
            FieldError(
                "estimated_minutes",
                "range",
                f"must be between {MIN_MINUTES} and {MAX_LESSON_MINUTES} minutes",
            )
        )
    if len(components) > MAX_COMPONENTS:
        errors.append(
            FieldError(
                "components", "max_items", f"a lesson has at most {MAX_COMPONENTS} components"
            )
        )
    ids = [c.id for c in components if c.id is not None]
    for index, component in enumerate(components):
        errors += _component_errors(f"components.{index}", component)
        if component.id is not None:
            if component.id not in kept:
                errors.append(
                    FieldError(
                        f"components.{index}.id", "known", "is not a component of this lesson"
                    )
                )
            elif ids.count(component.id) > 1:
                errors.append(
                    FieldError(f"components.{index}.id", "unique", "names a component twice")
                )
    return errors


def _component_errors(at: str, component: ComponentDraft) -> list[FieldError]:
    errors = too_long(f"{at}.title", component.title, MAX_TITLE)
    if not component.title.strip():
        errors.append(FieldError(f"{at}.title", "not_empty", "must not be blank"))
    if not MIN_MINUTES <= component.minutes <= MAX_MINUTES:
        errors.append(
            FieldError(
                f"{at}.minutes",
                "range",
                f"must be between {MIN_MINUTES} and {MAX_MINUTES} minutes",
            )
        )
    errors += too_long(f"{at}.instructions", component.instructions, MAX_INSTRUCTIONS)
    errors += too_long(f"{at}.mode_fit_reason", component.mode_fit_reason, MAX_REASON)
    overridden = component.mode_fit not in (None, default_mode_fit(component.kind))
    if overridden and not component.mode_fit_reason.strip():
        default = default_mode_fit(component.kind).value
        errors.append(
            FieldError(
                f"{at}.mode_fit_reason",
                "required_with_override",
                f"say why a {component.kind.value} component is not {default} (its default)",
            )
        )
    if len(component.media) > MAX_MEDIA_PER_COMPONENT:
        errors.append(
            FieldError(
                f"{at}.media", "max_items", f"at most {MAX_MEDIA_PER_COMPONENT} media a component"
            )
        )
    for index, media in enumerate(component.media):
        errors += media_errors(f"{at}.media.{index}", media)
    return errors


def _list_errors(field: str, values: tuple[str, ...], most: int, longest: int) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(values) > most:
        errors.append(FieldError(field, "max_items", f"at most {most}"))
    for index, value in enumerate(values):
        errors += too_long(f"{field}.{index}", value, longest)
        if not value.strip():
            errors.append(FieldError(f"{field}.{index}", "not_empty", "must not be blank"))
    return errors


def _standard_errors(codes: tuple[str, ...]) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(codes) > MAX_STANDARDS:
        errors.append(FieldError("standards", "max_items", f"at most {MAX_STANDARDS}"))
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if not STANDARD_CODE.fullmatch(code.strip()):
            errors.append(
                FieldError(
                    f"standards.{index}",
                    "standard_code",
                    "a standard's code: letters, digits and . : _ ( ) -, at most 80",
                )
            )
        elif code.strip().upper() in seen:
            errors.append(FieldError(f"standards.{index}", "unique", "names a standard twice"))
        seen.add(code.strip().upper())
    return errors
