"""How the client guide's examples are read and compared (tests/support/guide.py): the checks
the guide's end-to-end test relies on, so that a guide answer that is wrong fails it."""

from __future__ import annotations

import pytest

from tests.support.guide import examples, mismatches, resolved

pytestmark = pytest.mark.unit

GUIDE = """
Some prose, and a block that is not an example:

```graphql
query { prose }
```

```graphql
# as: teacher-rivera
query { sections(first: 2) { nodes { id name } } }
```

```json
{"sections": {"nodes": [{"id": "…", "name": "ELA 8A"}]}}
```

```graphql
# as: student-amara
# variables: {"id": "$sections.nodes[0].id", "n": 3}
# over: websocket
subscription($id: ID!) { thing(id: $id) }
```

```json
{"errors": [{"extensions": {"code": "FORBIDDEN"}}]}
```
"""


def test_examples_are_read_with_their_user_variables_transport_and_answer() -> None:
    first, second = examples(GUIDE)
    assert (first.user, first.variables, first.websocket, first.refusal) == (
        "teacher-rivera",
        {},
        False,
        None,
    )
    assert first.answer == {"sections": {"nodes": [{"id": "…", "name": "ELA 8A"}]}}
    assert (second.user, second.websocket, second.refusal) == ("student-amara", True, "FORBIDDEN")
    assert second.line == GUIDE.count("\n", 0, GUIDE.index("# as: student-amara"))
    answers = {"sections": {"nodes": [{"id": "sec-1"}, {"id": "sec-2"}]}}
    assert resolved(second.variables, answers) == {"id": "sec-1", "n": 3}


NODE = {"id": "…", "kind": "TASK", "minutes": 20, "done": False}
SHOWN = {"feed": {"nodes": [NODE], "x": None}}


@pytest.mark.parametrize(
    ("got", "wrong"),
    [
        ({"feed": {"nodes": [{"id": "a", "kind": "TASK", "minutes": 5, "done": False}], "x": None}},
         []),
        ({"feed": {"nodes": [], "x": None}}, ["answer.feed.nodes: items were shown, got none"]),
        ({"feed": {"nodes": [{"id": "a", "kind": "LIVE", "minutes": 5, "done": False}], "x": None}},
         ["answer.feed.nodes[0].kind: 'TASK' was shown, got 'LIVE'"]),
        ({"feed": {"nodes": [{"id": 1, "kind": "TASK", "minutes": 5, "done": False}], "x": None}},
         ["answer.feed.nodes[0].id: text was shown, got 1"]),
        ({"feed": {"nodes": [{"id": "a", "kind": "TASK", "minutes": "5", "done": False}],
          "x": None}},
         ["answer.feed.nodes[0].minutes: a number like 20 was shown, got '5'"]),
        ({"feed": {"nodes": [{"id": "a", "kind": "TASK", "minutes": 5}], "x": None}},
         ["answer.feed.nodes[0]: fields ['done', 'id', 'kind', 'minutes'] were shown, got "
          "['id', 'kind', 'minutes']"]),
        ({"feed": {"nodes": [{"id": "a", "kind": "TASK", "minutes": 5, "done": False}], "x": 1}},
         ["answer.feed.x: None was shown, got 1"]),
    ],
    ids=["same shape", "no items", "another enum", "not text", "not a number", "a field less",
         "not null"],
)  # fmt: skip
def test_an_answer_matches_only_the_shape_and_values_shown(got: object, wrong: list[str]) -> None:
    assert mismatches(SHOWN, got) == wrong


def test_every_item_of_a_list_is_shaped_like_the_first_shown() -> None:
    got = {"feed": {"nodes": [NODE | {"id": "a"}, {"id": "b"}], "x": None}}
    [wrong] = mismatches(SHOWN, got)
    assert wrong.startswith("answer.feed.nodes[1]: fields")


def test_several_items_shown_are_the_items_in_their_order() -> None:
    shown = [{"id": "a"}, {"id": "b"}]
    assert mismatches(shown, [{"id": "a"}, {"id": "b"}]) == []
    assert mismatches(shown, [{"id": "b"}, {"id": "a"}]) == [
        "answer[0].id: 'a' was shown, got 'b'",
        "answer[1].id: 'b' was shown, got 'a'",
    ]
    assert mismatches(shown, [{"id": "a"}]) == ["answer: 2 items were shown, got 1"]


def test_items_with_a_typename_are_each_compared_with_their_own_types() -> None:
    shown = [
        {"__typename": "TaskItem", "dueAt": "…"},
        {"__typename": "LiveSessionItem", "startsAt": "…"},
        {"__typename": "PromptItem", "dueAt": "…"},
    ]
    task, session = (
        {"__typename": "TaskItem", "dueAt": "x"},
        {
            "__typename": "LiveSessionItem",
            "startsAt": "y",
        },
    )
    assert mismatches(shown, [session, task, task]) == []
    assert mismatches(shown, [{"__typename": "TaskItem", "startsAt": "y"}]) == [
        "answer[0]: fields ['__typename', 'dueAt'] were shown, got ['__typename', 'startsAt']"
    ]
    assert mismatches(shown, [{"__typename": "Other"}]) == [
        "answer[0]: a 'Other' was not shown (shown: ['LiveSessionItem', 'PromptItem', 'TaskItem'])"
    ]
