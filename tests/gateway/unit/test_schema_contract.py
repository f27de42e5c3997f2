"""schema.graphql is the schema the gateway serves, and no change breaks its clients unless
the allow-list says it is meant."""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path

import pytest

from devstack.cli import main
from gateway.sdl import (
    allowed_breaking_changes,
    breaking_changes,
    dangerous_changes,
    export,
    served_sdl,
)

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "schema.graphql"
ALLOWED = ROOT / "schema-breaking-allowed.txt"

BEFORE = """
type Query { lesson(id: ID!, first: Int): Lesson  lessons: [Lesson!]!  old: Int }
type Lesson { id: ID!  title: String!  status: Status! }
type Gone { id: ID! }
enum Status { DRAFT PUBLISHED ARCHIVED }
"""


@cache
def served() -> str:
    return served_sdl()


def test_the_checked_in_schema_is_the_one_the_gateway_serves() -> None:
    checked_in = SCHEMA.read_text(encoding="utf-8")
    lines = difflib.unified_diff(
        checked_in.splitlines(keepends=True),
        served().splitlines(keepends=True),
        "checked in",
        "served",
    )
    diff = "".join(list(lines)[:60])
    assert checked_in == served(), (
        f"schema.graphql is not what the gateway serves: run `make schema` and commit it\n{diff}"
    )


def test_no_change_breaks_existing_clients_unless_allowed() -> None:
    allowed = allowed_breaking_changes(ALLOWED)
    breaking = breaking_changes(SCHEMA.read_text(encoding="utf-8"), served())
    refused = [change for change in breaking if change not in allowed]
    assert refused == [], (
        "these changes break clients of schema.graphql: keep what they use (deprecate it, add "
        "the new beside it), or if breaking them is meant, list each line in "
        "schema-breaking-allowed.txt after a comment saying why:\n" + "\n".join(refused)
    )


@pytest.mark.parametrize(
    ("after", "breaking"),
    [
        (BEFORE.replace("  old: Int", ""), ["FIELD_REMOVED: Field Query.old was removed."]),
        (BEFORE.replace("type Gone { id: ID! }", ""), ["TYPE_REMOVED: Gone was removed."]),
        (
            BEFORE.replace("first: Int", "first: String"),
            [
                "ARG_CHANGED_KIND: Argument Query.lesson(first:) has changed type "
                "from Int to String."
            ],
        ),
        (
            BEFORE.replace("first: Int)", "first: Int, district: ID!)"),
            ["REQUIRED_ARG_ADDED: A required argument Query.lesson(district:) was added."],
        ),
        (
            BEFORE.replace("title: String!", "title: String"),
            ["FIELD_CHANGED_KIND: Field Lesson.title changed type from String! to String."],
        ),
        (
            BEFORE.replace(" ARCHIVED", ""),
            ["VALUE_REMOVED_FROM_ENUM: Enum value Status.ARCHIVED was removed."],
        ),
        (BEFORE.replace("old: Int", "old: Int  added: Int"), []),
        (BEFORE.replace("first: Int)", "first: Int, after: String)"), []),
    ],
    ids=["field removed", "type removed", "argument type changed", "required argument added",
         "field made nullable", "enum value removed", "field added", "optional argument added"],
)  # fmt: skip
def test_a_change_breaks_clients_when_what_they_send_or_read_goes(
    after: str, breaking: list[str]
) -> None:
    assert breaking_changes(BEFORE, after) == breaking


def test_an_enum_value_added_is_said_to_be_dangerous_not_breaking() -> None:
    after = BEFORE.replace("ARCHIVED", "ARCHIVED RETIRED")
    assert breaking_changes(BEFORE, after) == []
    assert dangerous_changes(BEFORE, after) == [
        "VALUE_ADDED_TO_ENUM: Enum value Status.RETIRED was added."
    ]


def test_the_allow_list_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed.txt"
    allowed.write_text("# why: lessons moved\n\n  FIELD_REMOVED: Field Query.old was removed.  \n")
    assert allowed_breaking_changes(allowed) == {"FIELD_REMOVED: Field Query.old was removed."}
    assert allowed_breaking_changes(tmp_path / "none.txt") == frozenset()
    assert allowed_breaking_changes(ALLOWED) == frozenset()  # none allowed today


def test_export_writes_a_new_schema_and_refuses_a_breaking_one_until_allowed(
    tmp_path: Path,
) -> None:
    out, allowed = tmp_path / "schema.graphql", tmp_path / "allowed.txt"
    assert export(BEFORE, out, allowed).written
    after = BEFORE.replace("  old: Int", "")
    refused = export(after, out, allowed)
    assert (refused.written, refused.refused) == (
        False,
        ["FIELD_REMOVED: Field Query.old was removed."],
    )
    assert out.read_text() == BEFORE  # nothing written
    allowed.write_text("# old was never used\nFIELD_REMOVED: Field Query.old was removed.\n")
    assert export(after, out, allowed).written
    assert out.read_text() == after
    assert not export(after, out, allowed).written  # unchanged


def test_the_schema_command_writes_the_served_schema_and_names_what_it_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, allowed = tmp_path / "schema.graphql", tmp_path / "allowed.txt"
    kept = served().replace("type Query {\n", "type Query {\n  gone: Int\n", 1)
    out.write_text(kept)
    arguments = ["schema", "--out", str(out), "--allowed", str(allowed)]
    assert main(arguments) == 1
    assert "  FIELD_REMOVED: Field Query.gone was removed." in capsys.readouterr().err
    assert out.read_text() == kept
    allowed.write_text("FIELD_REMOVED: Field Query.gone was removed.\n")
    assert main(arguments) == 0
    assert out.read_text() == served()
