"""Recordings of live sessions, and the catalog's copy of the sessions: pure rules, no I/O.

A recorded live session becomes on-demand content for the students who missed it. The catalog
learns each session (its section, its lesson) from the scheduler's events, in whatever order
they come; once the session has ended, its teacher attaches the recording, which is published as
an on-demand component of the session's lesson for that section only: other sections taught the
same lesson do not get another class's recording, so the lesson's content stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bookend.contracts.catalog import ComponentKind, MediaKind, ModeFit
from bookend.contracts.scheduler import SessionStatus
from bookend.ids import IdFactory
from bookend.problems import Conflict, FieldError, NotFound, refuse_if, too_long
from services.catalog.lessons.domain import CatalogError
from services.catalog.lessons.media import (
    Captions,
    MediaAsset,
    MediaDraft,
    MediaVariant,
    media_errors,
)

MAX_CHAPTERS = 50
MAX_CHAPTER_TITLE = 200
# What a recording is among a lesson's components: the teacher modelling and discussing, to be
# watched at the student's own pace.
KIND = ComponentKind.MODEL
MODE_FIT = ModeFit.ON_DEMAND
# A session's status only moves forward; an event arriving late never moves it back.
_PROGRESS = (SessionStatus.SCHEDULED, SessionStatus.LIVE, SessionStatus.ENDED)
# The recording's media fields are the request's own: `url`, not `media.url`.
_MEDIA = "media"


class SessionNotFound(CatalogError, NotFound):
    code = "SESSION_NOT_FOUND"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"no session {session_id!r} in this district has been heard of yet (the scheduler's"
            " events about a new session take a moment to arrive)"
        )


class SessionNotEnded(CatalogError, Conflict):
    code = "SESSION_NOT_ENDED"

    def __init__(self, session_id: str, status: SessionStatus) -> None:
        super().__init__(f"session {session_id} is {status.value}: a recording follows its end")


class RecordingExists(CatalogError, Conflict):
    code = "RECORDING_EXISTS"

    def __init__(self, session_id: str) -> None:
        super().__init__(f"session {session_id} has its recording already")


class RecordingNotFound(CatalogError, NotFound):
    code = "RECORDING_NOT_FOUND"

    def __init__(self, session_id: str) -> None:
        super().__init__(f"session {session_id} has no recording")


@dataclass(frozen=True, slots=True)
class SessionNews:
    """What one of the scheduler's events tells about a session; a start or end tells no plan."""

    session_id: str
    district_id: str
    section_id: str
    status: SessionStatus
    school_id: str | None = None
    lesson_id: str | None = None
    lesson_version: int | None = None
    title: str | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class KnownSession:
    """The catalog's copy of a live session, made of what the scheduler's events told."""

    session_id: str
    district_id: str
    section_id: str
    status: SessionStatus = SessionStatus.SCHEDULED
    school_id: str | None = None
    lesson_id: str | None = None  # None until its `scheduled` event arrives
    lesson_version: int | None = None
    title: str | None = None
    ended_at: datetime | None = None

    def learn(self, news: SessionNews) -> KnownSession:
        """This copy with what `news` tells added: events come twice or out of order, so a
        status never goes back and nothing an earlier event told is forgotten."""
        return replace(
            self,
            status=max(self.status, news.status, key=_PROGRESS.index),
            school_id=news.school_id or self.school_id,
            lesson_id=news.lesson_id or self.lesson_id,
            lesson_version=news.lesson_version or self.lesson_version,
            title=news.title or self.title,
            ended_at=self.ended_at or news.ended_at,
        )

    def record(
        self,
        draft: RecordingDraft,
        *,
        existing: Recording | None,
        new_id: IdFactory,
        at: datetime,
    ) -> tuple[Recording, list[RecordingPublished]]:
        """The session's recording, published as an on-demand component of its lesson."""
        if self.lesson_id is None or self.lesson_version is None:
            raise SessionNotFound(self.session_id)  # heard of, but not of its lesson yet
        if self.status is not SessionStatus.ENDED:
            raise SessionNotEnded(self.session_id, self.status)
        if existing is not None:
            raise RecordingExists(self.session_id)
        draft.check()
        title = (draft.title or self.title or "").strip()
        media = draft.media(title).asset(new_id())
        recording = Recording(
            id=new_id(),
            district_id=self.district_id,
            session_id=self.session_id,
            section_id=self.section_id,
            lesson_id=self.lesson_id,
            lesson_version=self.lesson_version,
            title=title,
            minutes=-(-draft.duration_seconds // 60),  # checked: at least a second
            media=media,
            chapters=tuple(replace(c, title=c.title.strip()) for c in draft.chapters),
            published_at=at,
        )
        return recording, [RecordingPublished(recording)]


def learned(known: KnownSession | None, news: SessionNews) -> KnownSession:
    """The copy after `news`, made from it when it is the first event heard of the session."""
    first = KnownSession(news.session_id, news.district_id, news.section_id)
    return (known or first).learn(news)


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    starts_at_second: int


@dataclass(frozen=True, slots=True)
class RecordingDraft:
    """A recording as its teacher attaches it, before it is checked. Without a title it takes
    the session's."""

    url: str
    duration_seconds: int
    bytes: int
    title: str | None = None
    chapters: tuple[Chapter, ...] = ()
    captions: tuple[Captions, ...] = ()
    variants: tuple[MediaVariant, ...] = ()
    downloadable: bool = False

    def check(self) -> None:
        """Every rule the recording breaks, named at once: the media rules of a lesson's video
        (a URL, a size, a duration, light variants, and captions or a transcript), and ordered
        chapters within it. Without a title the session's is taken, which the scheduler
        bounded."""
        media = self.media(self.title or "")
        errors = [
            replace(error, field=error.field.removeprefix(f"{_MEDIA}."))
            for error in media_errors(_MEDIA, media)
            if self.title is not None or error.field != f"{_MEDIA}.title"
        ]
        # The lesson's rule, on the asset this draft would make.
        if not media.asset(_MEDIA).accessible:
            errors.append(
                FieldError(
                    "captions",
                    "captions_or_transcript",
                    "a recorded video needs captions or a transcript variant, so that every"
                    " student can follow it without sound",
                )
            )
        refuse_if(errors + chapter_errors(self.chapters, self.duration_seconds))

    def media(self, title: str) -> MediaDraft:
        return MediaDraft(
            kind=MediaKind.VIDEO,
            title=title,
            url=self.url,
            bytes=self.bytes,
            duration_seconds=self.duration_seconds,
            captions=self.captions,
            variants=self.variants,
            downloadable=self.downloadable,
        )


@dataclass(frozen=True, slots=True)
class Recording:
    """A live session's recording: an on-demand component of the session's lesson, for the
    session's section only."""

    id: str  # the component's id
    district_id: str
    session_id: str
    section_id: str
    lesson_id: str
    lesson_version: int  # the version the session was planned with
    title: str
    minutes: int  # the duration, rounded up
    media: MediaAsset
    published_at: datetime
    chapters: tuple[Chapter, ...] = ()
    kind: ComponentKind = KIND
    mode_fit: ModeFit = MODE_FIT


@dataclass(frozen=True, slots=True)
class RecordingPublished:
    """Domain event: a recording became on-demand content of its session's lesson."""

    recording: Recording


def chapter_errors(chapters: tuple[Chapter, ...], duration_seconds: int) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(chapters) > MAX_CHAPTERS:
        errors.append(FieldError("chapters", "max_items", f"at most {MAX_CHAPTERS} chapters"))
    previous: int | None = None
    for index, chapter in enumerate(chapters):
        at = f"chapters.{index}"
        errors += too_long(f"{at}.title", chapter.title, MAX_CHAPTER_TITLE)
        if not chapter.title.strip():
            errors.append(FieldError(f"{at}.title", "not_empty", "must not be blank"))
        start = chapter.starts_at_second
        if not 0 <= start < max(duration_seconds, 1):
            errors.append(
                FieldError(
                    f"{at}.starts_at_second",
                    "within_duration",
                    f"must be from 0 to before the recording's end ({duration_seconds} seconds)",
                )
            )
        elif previous is not None and start <= previous:
            errors.append(
                FieldError(
                    f"{at}.starts_at_second",
                    "ascending",
                    "must start after the chapter before it",
                )
            )
        previous = start if previous is None else max(previous, start)
    return errors
