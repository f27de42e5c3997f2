"""Sessions as the catalog hears of them, and recordings as teachers attach them."""

from __future__ import annotations

from datetime import UTC, datetime

from bookend.contracts.catalog import VariantKind
from bookend.contracts.scheduler import SessionStatus
from services.catalog.lessons.media import Captions, MediaVariant
from services.catalog.recordings.domain import (
    Chapter,
    KnownSession,
    RecordingDraft,
    SessionNews,
    learned,
)

CDN = "https://cdn.example.org"
ENDED_AT = datetime(2025, 3, 3, 10, 50, tzinfo=UTC)

RECORDING = RecordingDraft(
    url=f"{CDN}/seminar.mp4",
    duration_seconds=2950,  # 49 min 10 s
    bytes=900_000_000,
    chapters=(Chapter("Opening question", 0), Chapter("Hobbes", 600), Chapter("Rousseau", 1500)),
    captions=(Captions("en", f"{CDN}/seminar.en.vtt"),),
    variants=(
        MediaVariant(VariantKind.AUDIO_ONLY, f"{CDN}/seminar.m4a", 40_000_000),
        MediaVariant(VariantKind.TRANSCRIPT, f"{CDN}/seminar.txt", 60_000),
    ),
)


def scheduled(
    session_id: str = "session-1",
    *,
    district_id: str = "d1",
    section_id: str = "sec-x",
    school_id: str = "school-1",
    lesson_id: str = "lesson-1",
) -> SessionNews:
    return SessionNews(
        session_id,
        district_id,
        section_id,
        SessionStatus.SCHEDULED,
        school_id=school_id,
        lesson_id=lesson_id,
        lesson_version=2,
        title="Socratic seminar",
    )


def started(session_id: str = "session-1", *, district_id: str = "d1") -> SessionNews:
    return SessionNews(session_id, district_id, "sec-x", SessionStatus.LIVE)


def ended(session_id: str = "session-1", *, district_id: str = "d1") -> SessionNews:
    return SessionNews(session_id, district_id, "sec-x", SessionStatus.ENDED, ended_at=ENDED_AT)


def heard(*news: SessionNews) -> KnownSession:
    """The catalog's copy of a session after `news`, in their order."""
    known: KnownSession | None = None
    for told in news:
        known = learned(known, told)
    assert known is not None, "a session is heard of by at least one event"
    return known
