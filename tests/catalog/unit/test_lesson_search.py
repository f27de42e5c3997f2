"""Finding lessons: the words a search matches, its two ranks, paging across them, and each
filter, with an in-memory store that matches as the real one does (same `findable` fields)."""

from __future__ import annotations

import pytest

from bookend.auth import Principal, Role
from bookend.contracts.catalog import ComponentKind, GradeBand, MediaKind, ModeFit
from bookend.ids import new_id
from bookend.problems import InvalidInput
from services.catalog.lessons import service
from services.catalog.lessons.domain import ComponentDraft, Lesson, LessonDraft
from services.catalog.lessons.media import Captions, MediaDraft
from services.catalog.lessons.ports import LessonFilters
from services.catalog.lessons.search import words
from tests.catalog.fakes import FakeCatalog
from tests.support.fakes import TickingClock

LEAD = Principal("lead-1", "d1", frozenset({Role.DISTRICT_ADMIN}))
STUDENT = Principal("student-1", "d1", frozenset({Role.STUDENT}))
VIDEO = MediaDraft(
    kind=MediaKind.VIDEO,
    title="Worked example",
    url="https://cdn.example.org/example.mp4",
    bytes=50_000_000,
    duration_seconds=300,
    captions=(Captions("en", "https://cdn.example.org/example.vtt"),),
    downloadable=True,
)


def test_words_fold_case_accents_plurals_and_drop_common_ones() -> None:
    assert words("The Fractions of a Café, and FRACTION lines!") == ["fraction", "cafe", "line"]
    assert words("Stories, classes, boxes, notes, bus, analysis") == [
        "story", "class", "box", "note", "bus", "analysis",
    ]  # fmt: skip
    assert words("3.NF.A.2") == ["3", "nf", "2"]


class Shelf:
    """Lessons published into one fake store, each a moment after the last."""

    def __init__(self) -> None:
        self.store = FakeCatalog()
        self.clock = TickingClock()

    async def add(self, title: str, **content: object) -> Lesson:
        components = content.pop(
            "components", (ComponentDraft("Read the text", ComponentKind.INTRODUCE, 10),)
        )
        draft = LessonDraft(title=title, subject=str(content.pop("subject", "maths")),
                            components=components, **content)  # type: ignore[arg-type]  # fmt: skip
        made = await service.create_lesson(
            draft, principal=LEAD, store=self.store, clock=self.clock, ids=new_id
        )
        return await service.publish_lesson(
            made.id, principal=LEAD, store=self.store, clock=self.clock
        )

    async def find(self, reader: Principal = STUDENT, **browse: object) -> list[str]:
        page = await service.list_lessons(principal=reader, store=self.store, **browse)  # type: ignore[arg-type]
        return [lesson.content.title for lesson in page.items]


async def test_a_search_ranks_title_matches_first_then_the_rest_in_library_order() -> None:
    shelf = Shelf()
    await shelf.add("Pizza halves", objectives=("Name equivalent fractions of a pizza",))
    await shelf.add("Equivalent fractions")
    await shelf.add("Theme in short stories")
    await shelf.add(
        "Number lines",
        components=(
            ComponentDraft(
                "Place them",
                ComponentKind.PRACTICE,
                10,
                instructions="Equivalent fractions line up",
            ),
        ),
    )
    await shelf.add("Fractions that are equivalent")
    assert await shelf.find(q="equivalent FRACTION") == [
        "Equivalent fractions",
        "Fractions that are equivalent",
        "Pizza halves",
        "Number lines",
    ]


async def test_paging_a_search_goes_on_across_its_ranks_without_repeats() -> None:
    shelf = Shelf()
    for n in range(3):
        await shelf.add(f"Fractions {n}")
        await shelf.add(f"Other {n}", summary="fractions inside")
    seen: list[str] = []
    after = None
    while True:
        page = await service.list_lessons(
            principal=STUDENT, store=shelf.store, q="fractions", first=2, after=after
        )
        seen += [lesson.content.title for lesson in page.items]
        assert page.cursors[-1:] == ([page.end_cursor] if page.items else [])
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == [*(f"Fractions {n}" for n in range(3)), *(f"Other {n}" for n in range(3))]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (LessonFilters(subject=" MATHS "), {"Fractions", "Number lines"}),
        (LessonFilters(grade_band=GradeBand.G3_5), {"Fractions"}),
        (LessonFilters(standard="ccss.math.content.3.nf.a.1"), {"Fractions"}),
        (LessonFilters(mode_fit=ModeFit.LIVE), {"Debate"}),
        (LessonFilters(media_kind=MediaKind.VIDEO), {"Number lines"}),
        (LessonFilters(max_download_bytes=49_999_999), {"Fractions", "Debate"}),
        (LessonFilters(max_download_bytes=50_000_000), {"Fractions", "Debate", "Number lines"}),
        (LessonFilters(subject="maths", media_kind=MediaKind.AUDIO), set()),
    ],
)
async def test_each_filter_narrows_the_list(filters: LessonFilters, expected: set[str]) -> None:
    shelf = Shelf()
    await shelf.add(
        "Fractions", grade_band=GradeBand.G3_5, standards=("CCSS.MATH.CONTENT.3.NF.A.1",)
    )
    await shelf.add(
        "Number lines",
        components=(ComponentDraft("Watch", ComponentKind.MODEL, 10, media=(VIDEO,)),),
    )
    await shelf.add(
        "Debate", subject="reading",
        components=(ComponentDraft("Argue", ComponentKind.DISCUSSION, 20),),
    )  # fmt: skip
    assert set(await shelf.find(filters=filters)) == expected


@pytest.mark.parametrize(
    ("q", "rule"),
    [("x" * 201, "max_length"), ("the and of", "words"), ("a b c d e f g h i j k l", "max_words")],
)
async def test_a_search_without_words_to_match_is_refused_naming_q(q: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as failure:
        await Shelf().find(q=q)
    assert [(e.field, e.rule) for e in failure.value.errors] == [("q", rule)]


async def test_a_negative_download_budget_is_refused() -> None:
    with pytest.raises(InvalidInput) as failure:
        await Shelf().find(filters=LessonFilters(max_download_bytes=-1))
    assert [(e.field, e.rule) for e in failure.value.errors] == [("max_download_bytes", "range")]


async def test_a_pending_revision_is_found_by_nothing() -> None:
    shelf = Shelf()
    lesson = await shelf.add("Fractions")
    revised = LessonDraft(
        "Decimals", "maths", (ComponentDraft("Read", ComponentKind.INTRODUCE, 10),)
    )
    await service.edit_lesson(lesson.id, revised, principal=LEAD, store=shelf.store, ids=new_id)
    assert await shelf.find(q="decimals") == []
    assert await shelf.find(q="fractions") == ["Fractions"]
