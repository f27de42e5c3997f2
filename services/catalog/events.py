"""The catalog's two event tables: the lesson and recording events it publishes, and the
scheduler's session events it keeps a copy of sessions from (a recording is attached to an
ended session and published with the session's lesson)."""

from __future__ import annotations

from functools import partial

from bookend.contracts import CloudEvent
from bookend.contracts import catalog as contract
from bookend.contracts.scheduler import (
    SessionEnded,
    SessionScheduled,
    SessionStarted,
    SessionStatus,
)
from bookend.eventbus import Inbound, Outbound
from bookend.hosting import ServiceState
from services.catalog.lessons import domain
from services.catalog.recordings import domain as recordings
from services.catalog.recordings.domain import SessionNews, learned
from services.catalog.recordings.ports import Store, Transaction
from services.catalog.settings import CatalogSettings

SOURCE = "bookend/catalog"
CONSUMER = "bookend.catalog"


def _version_fields(lesson: domain.Lesson) -> dict[str, object]:
    assert lesson.published_at is not None, "only a published lesson is announced"
    content = lesson.content
    return {
        "district_id": lesson.district_id,
        "lesson_id": lesson.id,
        "version": lesson.version,
        "title": content.title,
        "subject": content.subject,
        "summary": content.summary,
        "grade_band": content.grade_band,
        "estimated_minutes": content.minutes,
        "standards": list(content.standards),
        "components": [
            contract.LessonComponentData(
                component_id=c.id,
                title=c.title,
                kind=c.kind,
                mode_fit=c.mode_fit,
                minutes=c.minutes,
            )
            for c in content.components
        ],
        "published_at": lesson.published_at,
    }


def lesson_published(event: domain.LessonPublished) -> contract.LessonPublished:
    return contract.LessonPublished.model_validate(_version_fields(event.lesson))


def lesson_revised(event: domain.LessonRevised) -> contract.LessonRevised:
    return contract.LessonRevised.model_validate(_version_fields(event.lesson))


def lesson_archived(event: domain.LessonArchived) -> contract.LessonArchived:
    lesson = event.lesson
    assert lesson.archived_at is not None
    return contract.LessonArchived(
        district_id=lesson.district_id,
        lesson_id=lesson.id,
        version=lesson.version,
        archived_at=lesson.archived_at,
    )


def recording_published(event: recordings.RecordingPublished) -> contract.RecordingPublished:
    recording = event.recording
    media = recording.media
    assert media.duration_seconds is not None and media.bytes is not None, "a checked video"
    return contract.RecordingPublished(
        district_id=recording.district_id,
        component_id=recording.id,
        session_id=recording.session_id,
        section_id=recording.section_id,
        lesson_id=recording.lesson_id,
        lesson_version=recording.lesson_version,
        title=recording.title,
        kind=recording.kind,
        mode_fit=recording.mode_fit,
        minutes=recording.minutes,
        url=media.url,
        duration_seconds=media.duration_seconds,
        bytes=media.bytes,
        published_at=recording.published_at,
    )


OUTBOUND = (
    Outbound(SOURCE)
    .map(domain.LessonPublished, lesson_published)
    .map(domain.LessonRevised, lesson_revised)
    .map(domain.LessonArchived, lesson_archived)
    .map(recordings.RecordingPublished, recording_published)
)


async def on_session_scheduled(
    payload: SessionScheduled, event: CloudEvent, *, store: Store
) -> None:
    news = SessionNews(
        payload.session_id,
        payload.district_id,
        payload.section_id,
        SessionStatus.SCHEDULED,
        school_id=payload.school_id,
        lesson_id=payload.lesson_id,
        lesson_version=payload.lesson_version,
        title=payload.title,
    )
    await _learn(news, event, store=store)


async def on_session_started(payload: SessionStarted, event: CloudEvent, *, store: Store) -> None:
    news = SessionNews(
        payload.session_id, payload.district_id, payload.section_id, SessionStatus.LIVE
    )
    await _learn(news, event, store=store)


async def on_session_ended(payload: SessionEnded, event: CloudEvent, *, store: Store) -> None:
    news = SessionNews(
        payload.session_id,
        payload.district_id,
        payload.section_id,
        SessionStatus.ENDED,
        ended_at=payload.ended_at,
    )
    await _learn(news, event, store=store)


async def _learn(news: SessionNews, event: CloudEvent, *, store: Store) -> None:
    """Keep what the event tells of the session, once per event, whatever came before it."""

    async def work(tx: Transaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return  # delivered before: at-least-once means duplicates are normal
        known = await tx.get_session(news.district_id, news.session_id)
        changed = learned(known, news)
        if changed != known:
            await tx.save_session(changed)

    await store.atomically(work)


def inbound(state: ServiceState[Store, CatalogSettings]) -> Inbound:
    return (
        Inbound()
        .on(SessionScheduled, partial(on_session_scheduled, store=state.store))
        .on(SessionStarted, partial(on_session_started, store=state.store))
        .on(SessionEnded, partial(on_session_ended, store=state.store))
    )
