"""Pages asked for and read in key order (bookend.paging, ADR 0044): a page asked for is
checked once for every service, and the union of lists paged together is paged as one."""

from __future__ import annotations

import pytest

from bookend import cursors
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import InvalidInput


def read(keys: list[str], asked: PageAsk) -> KeyedPage[str]:
    """A page of a list of these keys (each item its own key), as a store reads it."""
    after = [key for key in sorted(keys) if asked.after is None or key > asked.after]
    return KeyedPage.of([(key, key) for key in after[: asked.limit]], asked)


@pytest.mark.parametrize("first", [0, -1, 101])
def test_a_first_out_of_range_is_refused_naming_it(first: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        PageAsk.of(first, None)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("first", "in_range")]


@pytest.mark.parametrize(
    "cursor",
    ["junk", cursors.encode_key("x")[:-4], "eyJrZXkiOiAxfQ==", "eyJrZXkiOiAiIn0="],
    ids=["not base64 json", "cut short", "a key that is no string", "an empty key"],
)
def test_a_cursor_this_api_did_not_make_is_refused_naming_after(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        PageAsk.of(20, cursor)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("after", "cursor")]


def test_a_cursor_gives_back_the_key_it_was_made_of() -> None:
    key = "001767225600000|question-1"
    assert PageAsk.of(5, cursors.encode_key(key), total=True) == PageAsk(5, key, total=True)


def test_a_page_says_more_follow_only_when_the_store_read_one_more() -> None:
    asked = PageAsk(2)
    assert read(["a", "b", "c"], asked) == KeyedPage(["a", "b"], ["a", "b"], more=True)
    assert read(["a", "b"], asked) == KeyedPage(["a", "b"], ["a", "b"], more=False)


def test_the_union_of_lists_pages_through_each_item_once_in_key_order() -> None:
    lists = [["a", "d", "e", "h"], ["b", "c", "d", "g"], ["f"]]
    seen: list[str] = []
    asked = PageAsk(2)
    while True:
        page = KeyedPage.merged([read(keys, asked) for keys in lists], asked)
        seen += page.items
        if not page.more:
            break
        asked = PageAsk(2, page.keys[-1])
    assert seen == ["a", "b", "c", "d", "e", "f", "g", "h"]


def test_the_union_has_more_when_one_list_has_more_beyond_the_page() -> None:
    asked = PageAsk(1)
    page = KeyedPage.merged([read(["a", "b"], asked), read([], asked)], asked)
    assert (page.items, page.more) == (["a"], True)
