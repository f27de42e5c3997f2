"""Media assets and their light variants: pure rules, no I/O.

A home with limited internet or a shared phone needs the lesson in a lighter form: a smaller
rendition, the audio alone, or a transcript. Each variant carries its byte size, so a client
can choose what fits its budget before it downloads anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from bookend.contracts.catalog import MediaKind, VariantKind
from bookend.problems import FieldError, too_long

MAX_MEDIA_PER_COMPONENT = 10
MAX_URL = 2000
MAX_MEDIA_TITLE = 200
MAX_LANGUAGE = 35  # BCP 47 tags are short; this bounds them
MAX_CAPTION_TRACKS = 20
MAX_BYTES = 50 * 1024**3  # 50 GiB: larger than any lesson video, smaller than a typo
MAX_DURATION_SECONDS = 6 * 60 * 60
SCHEMES = ("https", "http")

# Which lighter forms each medium can take; an interactive link has none (it is not a file).
VARIANTS_OF: dict[MediaKind, frozenset[VariantKind]] = {
    MediaKind.VIDEO: frozenset(VariantKind),
    MediaKind.AUDIO: frozenset({VariantKind.SMALL, VariantKind.TRANSCRIPT}),
    MediaKind.DOCUMENT: frozenset({VariantKind.SMALL}),
    MediaKind.INTERACTIVE: frozenset(),
}
TIMED = frozenset({MediaKind.VIDEO, MediaKind.AUDIO})
# From the fullest rendition to the barest: what a budget buys first.
RICHNESS = (VariantKind.SMALL, VariantKind.AUDIO_ONLY, VariantKind.TRANSCRIPT)


@dataclass(frozen=True, slots=True)
class Captions:
    language: str  # BCP 47, e.g. "en" or "es-MX"
    url: str


@dataclass(frozen=True, slots=True)
class MediaVariant:
    kind: VariantKind
    url: str
    bytes: int


@dataclass(frozen=True, slots=True)
class MediaAsset:
    id: str
    kind: MediaKind
    title: str
    url: str
    bytes: int | None = None  # the full rendition's size; None for an interactive link
    duration_seconds: int | None = None  # for video and audio
    captions: tuple[Captions, ...] = ()
    variants: tuple[MediaVariant, ...] = ()
    downloadable: bool = False  # the owner allows saving it for offline use

    def variant(self, kind: VariantKind) -> MediaVariant | None:
        return next((v for v in self.variants if v.kind is kind), None)

    @property
    def renditions(self) -> tuple[Rendition, ...]:
        """What a client can download, fullest first: the asset itself, then its variants."""
        return tuple(renditions(self))

    @property
    def accessible(self) -> bool:
        """A video must be followable without sound: captions or a transcript."""
        return bool(self.captions) or self.variant(VariantKind.TRANSCRIPT) is not None


@dataclass(frozen=True, slots=True)
class Rendition:
    """What a client downloads: the asset itself (variant None) or one of its variants."""

    variant: VariantKind | None
    url: str
    bytes: int


def renditions(asset: MediaAsset) -> Iterator[Rendition]:
    """The asset's renditions, fullest first."""
    if asset.bytes is not None:
        yield Rendition(None, asset.url, asset.bytes)
    for kind in RICHNESS:
        if (variant := asset.variant(kind)) is not None:
            yield Rendition(kind, variant.url, variant.bytes)


def lightest_within(asset: MediaAsset, budget_bytes: int) -> Rendition | None:
    """The fullest rendition that fits the budget: the asset itself if it fits, else a smaller
    rendition, then the audio alone, then the transcript; None when nothing fits."""
    return next((r for r in renditions(asset) if r.bytes <= budget_bytes), None)


@dataclass(frozen=True, slots=True)
class MediaDraft:
    """A media asset as its author describes it, before it is checked."""

    kind: MediaKind
    title: str
    url: str
    bytes: int | None = None
    duration_seconds: int | None = None
    captions: tuple[Captions, ...] = ()
    variants: tuple[MediaVariant, ...] = ()
    downloadable: bool = False

    def asset(self, asset_id: str) -> MediaAsset:
        return MediaAsset(
            id=asset_id,
            kind=self.kind,
            title=self.title.strip(),
            url=self.url.strip(),
            bytes=self.bytes,
            duration_seconds=self.duration_seconds,
            captions=self.captions,
            variants=self.variants,
            downloadable=self.downloadable and self.kind is not MediaKind.INTERACTIVE,
        )


def media_errors(at: str, media: MediaDraft) -> list[FieldError]:
    """Every rule `media` (at field path `at`) breaks."""
    errors = too_long(f"{at}.title", media.title, MAX_MEDIA_TITLE)
    if not media.title.strip():
        errors.append(FieldError(f"{at}.title", "not_empty", "must not be blank"))
    errors += url_errors(f"{at}.url", media.url)
    if media.kind is MediaKind.INTERACTIVE:
        if media.bytes is not None:
            errors.append(
                FieldError(f"{at}.bytes", "not_allowed", "an interactive link has no size")
            )
    elif media.bytes is None:
        errors.append(FieldError(f"{at}.bytes", "required", f"a {media.kind.value} has a size"))
    else:
        errors += _size_errors(f"{at}.bytes", media.bytes)
    if media.kind in TIMED:
        if media.duration_seconds is None:
            errors.append(
                FieldError(
                    f"{at}.duration_seconds", "required", f"a {media.kind.value} has a duration"
                )
            )
        elif not 1 <= media.duration_seconds <= MAX_DURATION_SECONDS:
            errors.append(
                FieldError(
                    f"{at}.duration_seconds",
                    "range",
                    f"must be between 1 and {MAX_DURATION_SECONDS} seconds",
                )
            )
    elif media.duration_seconds is not None:
        errors.append(
            FieldError(
                f"{at}.duration_seconds", "not_allowed", f"a {media.kind.value} has no duration"
            )
        )
    errors += _caption_errors(at, media)
    errors += _variant_errors(at, media)
    return errors


def _caption_errors(at: str, media: MediaDraft) -> list[FieldError]:
    errors: list[FieldError] = []
    if media.captions and media.kind is not MediaKind.VIDEO:
        errors.append(FieldError(f"{at}.captions", "not_allowed", "only a video has captions"))
    if len(media.captions) > MAX_CAPTION_TRACKS:
        errors.append(
            FieldError(
                f"{at}.captions", "max_items", f"at most {MAX_CAPTION_TRACKS} caption tracks"
            )
        )
    languages = [c.language.strip().lower() for c in media.captions]
    for index, track in enumerate(media.captions):
        field = f"{at}.captions.{index}"
        errors += too_long(f"{field}.language", track.language, MAX_LANGUAGE)
        if not track.language.strip():
            errors.append(FieldError(f"{field}.language", "not_empty", "must not be blank"))
        elif languages.index(languages[index]) != index:
            errors.append(
                FieldError(f"{field}.language", "unique", "one caption track per language")
            )
        errors += url_errors(f"{field}.url", track.url)
    return errors


def _variant_errors(at: str, media: MediaDraft) -> list[FieldError]:
    errors: list[FieldError] = []
    allowed = VARIANTS_OF[media.kind]
    seen: set[VariantKind] = set()
    for index, variant in enumerate(media.variants):
        field = f"{at}.variants.{index}"
        if variant.kind not in allowed:
            can = ", ".join(sorted(k.value for k in allowed)) or "none"
            errors.append(
                FieldError(
                    f"{field}.kind",
                    "not_allowed",
                    f"a {media.kind.value} has no {variant.kind.value} variant (it can have:"
                    f" {can})",
                )
            )
        if variant.kind in seen:
            errors.append(FieldError(f"{field}.kind", "unique", "one variant of each kind"))
        seen.add(variant.kind)
        errors += url_errors(f"{field}.url", variant.url)
        errors += _size_errors(f"{field}.bytes", variant.bytes)
        if media.bytes is not None and variant.bytes >= media.bytes > 0:
            errors.append(
                FieldError(
                    f"{field}.bytes",
                    "lighter",
                    f"a variant is lighter than the asset ({media.bytes} bytes)",
                )
            )
    return errors


def _size_errors(field: str, size: int) -> list[FieldError]:
    if 0 <= size <= MAX_BYTES:
        return []
    return [FieldError(field, "range", f"must be between 0 and {MAX_BYTES} bytes")]


def url_errors(field: str, url: str) -> list[FieldError]:
    """An absolute http(s) URL with a host: nothing a client would run or read locally."""
    if len(url) > MAX_URL:
        return [FieldError(field, "max_length", f"must be at most {MAX_URL} characters")]
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return [FieldError(field, "url", "must be an absolute http or https URL")]
    if any(ord(char) < 33 for char in url.strip()):
        return [FieldError(field, "url", "must not contain spaces or control characters")]
    return []
