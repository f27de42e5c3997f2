"""Words a lesson is found by: pure rules, no I/O (ADR 0024).

Text is folded to lower-case ASCII letters and digits, split into words, stripped of the most
common English words and of a plural ending, so "Fractions" finds "fraction" and "café" finds
"cafe". A lesson's title words are kept apart from the rest (objectives, standards, summary,
component titles and instructions): a lesson whose title holds every word searched for ranks
first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bookend.problems import InvalidInput
from services.catalog.lessons.domain import LessonContent

MAX_QUERY = 200  # characters
MAX_QUERY_WORDS = 8
# Beside each stored lesson, what a search and the filters match, read from the content readers
# see: arrays, which MongoDB indexes element by element.
TITLE_WORDS, WORDS = "title_words", "words"
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "he",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "what",
        "when",
        "where",
        "which",
        "who",
        "how",
        "into",
        "your",
        "you",
        "we",
        "our",
    )
)


def words(text: str) -> list[str]:
    """The distinct words of `text` a search matches, in order of first appearance."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    found: dict[str, None] = {}
    for word in _WORD.findall(folded):
        if word not in _STOP:
            found[_singular(word)] = None
    return list(found)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Searched:
    """The words of a search, as the store matches them."""

    words: tuple[str, ...]


def searched(q: str | None) -> Searched | None:
    """The search `q` asks for, None for no search, or InvalidInput naming `q`."""
    if q is None or not q.strip():
        return None
    if len(q) > MAX_QUERY:
        raise InvalidInput("q", "max_length", f"must be at most {MAX_QUERY} characters")
    found = words(q)
    if not found:
        raise InvalidInput("q", "words", "has no words to search for (only very common ones)")
    if len(found) > MAX_QUERY_WORDS:
        raise InvalidInput("q", "max_words", f"at most {MAX_QUERY_WORDS} words")
    return Searched(tuple(found))


def findable(content: LessonContent) -> dict[str, object]:
    """What searches and filters match a lesson by: its title's words, all its words, and the
    keys of each filter."""
    components = content.components
    text = [
        content.summary,
        *content.objectives,
        *content.standards,
        *(part for c in components for part in (c.title, c.instructions)),
    ]
    title = words(content.title)
    return {
        TITLE_WORDS: title,
        WORDS: sorted({*title, *(w for part in text for w in words(part))}),
        "subject_key": content.subject.casefold(),
        "grade_band": None if content.grade_band is None else content.grade_band.value,
        "standard_keys": sorted({code.upper() for code in content.standards}),
        "mode_fits": sorted({c.mode_fit.value for c in components}),
        "media_kinds": sorted({kind.value for kind in content.media_kinds}),
        "download_bytes": content.download_bytes,
    }
