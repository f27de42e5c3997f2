"""Media assets and their light variants: what an author may describe, and what a budget buys."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bookend.contracts.catalog import MediaKind, VariantKind
from services.catalog.lessons.media import (
    Captions,
    MediaDraft,
    MediaVariant,
    Rendition,
    lightest_within,
    media_errors,
)

MB = 1024 * 1024
VIDEO = MediaDraft(
    kind=MediaKind.VIDEO,
    title="Modelling the skill",
    url="https://cdn.example.org/model.mp4",
    bytes=80 * MB,
    duration_seconds=420,
    captions=(Captions("en", "https://cdn.example.org/model.en.vtt"),),
    variants=(
        # Out of order on purpose: a budget takes the fullest first, whatever the order given.
        MediaVariant(VariantKind.TRANSCRIPT, "https://cdn.example.org/model.txt", 12_000),
        MediaVariant(VariantKind.SMALL, "https://cdn.example.org/model-240p.mp4", 15 * MB),
        MediaVariant(VariantKind.AUDIO_ONLY, "https://cdn.example.org/model.m4a", 4 * MB),
    ),
    downloadable=True,
)


def broken(media: MediaDraft) -> set[tuple[str, str]]:
    return {(e.field, e.rule) for e in media_errors("m", media)}


def with_(**changes: Any) -> MediaDraft:
    return replace(VIDEO, **changes)


def test_a_video_with_captions_and_every_variant_is_accepted() -> None:
    assert broken(VIDEO) == set()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "/relative/path.mp4",
        "ftp://files.example.org/a.mp4",
        "https://",
        "https://cdn.example.org/a b.mp4",
        "https://cdn.example.org/\x00.mp4",
        "",
    ],
)
def test_only_absolute_http_urls_are_accepted(url: str) -> None:
    assert broken(with_(url=url)) == {("m.url", "url")}


def test_a_huge_url_is_refused_by_its_length() -> None:
    assert broken(with_(url="https://cdn.example.org/" + "a" * 100_000)) == {
        ("m.url", "max_length")
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"bytes": None}, {("m.bytes", "required")}),
        ({"bytes": -1}, {("m.bytes", "range")}),
        ({"bytes": 10**15}, {("m.bytes", "range")}),
        ({"duration_seconds": None}, {("m.duration_seconds", "required")}),
        ({"duration_seconds": 0}, {("m.duration_seconds", "range")}),
        ({"title": " "}, {("m.title", "not_empty")}),
    ],
)
def test_a_video_needs_a_size_a_duration_and_a_title(
    changes: dict[str, object], expected: set[tuple[str, str]]
) -> None:
    assert broken(with_(**changes)) == expected


def test_an_interactive_link_has_no_size_duration_variants_or_captions() -> None:
    link = with_(kind=MediaKind.INTERACTIVE)
    assert broken(link) == {
        ("m.bytes", "not_allowed"),
        ("m.duration_seconds", "not_allowed"),
        ("m.captions", "not_allowed"),
        ("m.variants.0.kind", "not_allowed"),
        ("m.variants.1.kind", "not_allowed"),
        ("m.variants.2.kind", "not_allowed"),
    }
    bare = with_(kind=MediaKind.INTERACTIVE, bytes=None, duration_seconds=None, captions=(),
                 variants=())  # fmt: skip
    assert broken(bare) == set()
    assert not bare.asset("x").downloadable  # nothing to save


def test_a_document_may_have_a_small_rendition_but_no_audio() -> None:
    document = with_(kind=MediaKind.DOCUMENT, duration_seconds=None, captions=())
    assert broken(document) == {
        ("m.variants.0.kind", "not_allowed"),  # transcript
        ("m.variants.2.kind", "not_allowed"),  # audio only
    }


def test_each_variant_kind_once_lighter_than_the_asset() -> None:
    twice = with_(
        variants=(
            MediaVariant(VariantKind.SMALL, "https://cdn.example.org/a.mp4", 10 * MB),
            MediaVariant(VariantKind.SMALL, "https://cdn.example.org/b.mp4", 90 * MB),
        )
    )
    assert broken(twice) == {("m.variants.1.kind", "unique"), ("m.variants.1.bytes", "lighter")}


def test_caption_tracks_one_per_language() -> None:
    tracks = (
        Captions("en", "https://cdn.example.org/a.vtt"),
        Captions("EN", "https://cdn.example.org/b.vtt"),
        Captions("", "notaurl"),
    )
    assert broken(with_(captions=tracks)) == {
        ("m.captions.1.language", "unique"),
        ("m.captions.2.language", "not_empty"),
        ("m.captions.2.url", "url"),
    }


@pytest.mark.parametrize(
    ("budget", "variant"),
    [
        (80 * MB, None),
        (80 * MB - 1, VariantKind.SMALL),
        (15 * MB, VariantKind.SMALL),
        (10 * MB, VariantKind.AUDIO_ONLY),
        (1 * MB, VariantKind.TRANSCRIPT),
    ],
)
def test_a_budget_buys_the_fullest_rendition_that_fits(
    budget: int, variant: VariantKind | None
) -> None:
    chosen = lightest_within(VIDEO.asset("m1"), budget)
    assert chosen is not None
    assert chosen.variant is variant
    assert chosen.bytes <= budget


def test_a_budget_smaller_than_every_rendition_buys_nothing() -> None:
    assert lightest_within(VIDEO.asset("m1"), 11_999) is None


def test_renditions_are_listed_fullest_first() -> None:
    assert [r.variant for r in VIDEO.asset("m1").renditions] == [
        None,
        VariantKind.SMALL,
        VariantKind.AUDIO_ONLY,
        VariantKind.TRANSCRIPT,
    ]
    assert VIDEO.asset("m1").renditions[0] == Rendition(None, VIDEO.url, VIDEO.bytes or 0)
