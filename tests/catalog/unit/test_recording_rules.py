"""A recording's rules (its video, its chapters) and the catalog's copy of sessions."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bookend.contracts.catalog import ComponentKind, ModeFit, VariantKind
from bookend.contracts.scheduler import SessionStatus
from bookend.problems import InvalidInput
from services.catalog.lessons.media import MediaVariant
from services.catalog.recordings.domain import (
    MAX_CHAPTERS,
    Chapter,
    KnownSession,
    RecordingDraft,
    RecordingExists,
    RecordingPublished,
    SessionNews,
    SessionNotEnded,
    SessionNotFound,
)
from tests.catalog.builders import CDN, ENDED_AT, RECORDING, ended, heard, scheduled, started

AT = datetime(2025, 3, 3, 11, 0, tzinfo=UTC)


def ids() -> Any:
    counter = itertools.count(1)
    return lambda: f"id-{next(counter)}"


def record(draft: RecordingDraft = RECORDING, session: KnownSession | None = None) -> Any:
    session = session or heard(scheduled(), started(), ended())
    return session.record(draft, existing=None, new_id=ids(), at=AT)


def broken(**changes: Any) -> set[tuple[str, str]]:
    with pytest.raises(InvalidInput) as refused:
        record(replace(RECORDING, **changes))
    return {(e.field, e.rule) for e in refused.value.errors}


def test_an_ended_sessions_recording_is_an_on_demand_component_of_its_lesson() -> None:
    recording, events = record()
    assert (recording.lesson_id, recording.lesson_version) == ("lesson-1", 2)
    assert (recording.session_id, recording.section_id) == ("session-1", "sec-x")
    assert (recording.kind, recording.mode_fit) == (ComponentKind.MODEL, ModeFit.ON_DEMAND)
    assert recording.minutes == 50  # 49 min 10 s, rounded up
    assert recording.title == "Socratic seminar"  # the session's, as none was given
    assert recording.media.url == f"{CDN}/seminar.mp4"
    assert recording.media.accessible
    assert [c.starts_at_second for c in recording.chapters] == [0, 600, 1500]
    assert recording.published_at == AT
    assert events == [RecordingPublished(recording)]


def test_a_title_given_is_the_recordings_own() -> None:
    recording, _ = record(replace(RECORDING, title="  Seminar, recorded  "))
    assert recording.title == recording.media.title == "Seminar, recorded"


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(1, 1), (60, 1), (61, 2), (6 * 3600, 360)], ids=str
)
def test_minutes_are_the_duration_rounded_up(seconds: int, minutes: int) -> None:
    draft = replace(RECORDING, duration_seconds=seconds, chapters=())
    assert record(draft)[0].minutes == minutes


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"url": "javascript:alert(1)"}, {("url", "url")}),
        ({"url": "/seminar.mp4"}, {("url", "url")}),
        ({"duration_seconds": 0, "chapters": ()}, {("duration_seconds", "range")}),
        ({"duration_seconds": 6 * 3600 + 1}, {("duration_seconds", "range")}),
        ({"bytes": -1}, {("bytes", "range")}),
        ({"bytes": 2**70}, {("bytes", "range")}),
        ({"title": "x" * 201}, {("title", "max_length")}),
        (
            {"variants": (MediaVariant(VariantKind.SMALL, f"{CDN}/s.mp4", 2_000_000_000),)},
            {("variants.0.bytes", "lighter")},
        ),
    ],
    ids=[
        "script URL",
        "relative URL",
        "no duration",
        "longer than six hours",
        "negative size",
        "size beyond 64 bits",
        "long title",
        "a variant heavier than the video",
    ],
)
def test_the_video_follows_a_lessons_media_rules_named_by_the_recordings_fields(
    changes: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    assert broken(**changes) == expected


def test_a_video_without_captions_or_a_transcript_is_refused_for_accessibility() -> None:
    audio_only = tuple(v for v in RECORDING.variants if v.kind is not VariantKind.TRANSCRIPT)
    assert broken(captions=(), variants=audio_only) == {("captions", "captions_or_transcript")}


def test_a_transcript_alone_makes_it_accessible() -> None:
    assert record(replace(RECORDING, captions=()))[0].media.accessible


@pytest.mark.parametrize(
    ("chapters", "expected"),
    [
        ((Chapter("Late", 2950),), {("chapters.0.starts_at_second", "within_duration")}),
        ((Chapter("Before", -1),), {("chapters.0.starts_at_second", "within_duration")}),
        (
            (Chapter("A", 0), Chapter("B", 600), Chapter("C", 600)),
            {("chapters.2.starts_at_second", "ascending")},
        ),
        ((Chapter("A", 900), Chapter("B", 300)), {("chapters.1.starts_at_second", "ascending")}),
        ((Chapter("  ", 0),), {("chapters.0.title", "not_empty")}),
        ((Chapter("x" * 201, 0),), {("chapters.0.title", "max_length")}),
        (
            tuple(Chapter(f"Part {n}", n) for n in range(MAX_CHAPTERS + 1)),
            {("chapters", "max_items")},
        ),
    ],
    ids=[
        "at the end",
        "before the start",
        "two at one second",
        "out of order",
        "blank title",
        "long title",
        "too many",
    ],
)
def test_chapters_are_titled_ordered_bounded_and_within_the_recording(
    chapters: tuple[Chapter, ...], expected: set[tuple[str, str]]
) -> None:
    assert broken(chapters=chapters) == expected


def test_every_broken_rule_is_named_at_once() -> None:
    assert broken(url="", bytes=-5, chapters=(Chapter("", 0),)) == {
        ("url", "url"),
        ("bytes", "range"),
        ("chapters.0.title", "not_empty"),
    }


@pytest.mark.parametrize(
    "news", [(scheduled(),), (scheduled(), started())], ids=["scheduled", "live"]
)
def test_a_session_not_ended_has_no_recording_yet(news: tuple[SessionNews, ...]) -> None:
    with pytest.raises(SessionNotEnded):
        record(session=heard(*news))


def test_a_session_heard_of_only_by_its_end_is_not_known_enough_to_record() -> None:
    with pytest.raises(SessionNotFound):
        record(session=heard(ended()))


def test_a_session_has_one_recording() -> None:
    first, _ = record()
    with pytest.raises(RecordingExists):
        heard(scheduled(), ended()).record(RECORDING, existing=first, new_id=ids(), at=AT)


def test_events_in_order_make_the_copy() -> None:
    assert heard(scheduled(), started(), ended()) == KnownSession(
        session_id="session-1",
        district_id="d1",
        section_id="sec-x",
        status=SessionStatus.ENDED,
        school_id="school-1",
        lesson_id="lesson-1",
        lesson_version=2,
        title="Socratic seminar",
        ended_at=ENDED_AT,
    )


@pytest.mark.parametrize(
    "order",
    list(itertools.permutations([scheduled(), started(), ended()])),
    ids=lambda order: ", ".join(news.status.value for news in order),
)
def test_events_in_any_order_or_twice_make_the_same_copy(order: tuple[SessionNews, ...]) -> None:
    in_order = heard(scheduled(), started(), ended())
    assert heard(*order) == in_order
    assert heard(*order, *order) == in_order
