"""Reading an import's files: which file is which, their header and rows by line, and every
rule a file or a row breaks, named by file, line, column and rule."""

from __future__ import annotations

from datetime import date, time

import pytest

from bookend.contracts.catalog import GradeBand
from services.scheduler.roster.domain import PersonRole
from services.scheduler.roster.imports.rows import Rows, read_rows
from services.scheduler.roster.imports.tables import FileKind, Limits, Read, RowError, read_files
from tests.support.roster_files import (
    CLASSES,
    ENROLLMENTS,
    ORGS,
    ORGS_MORE,
    SESSIONS,
    SESSIONS_MORE,
    USERS,
    lakeside,
    table,
    user,
)

LIMITS = Limits(max_file_bytes=100_000, max_rows=50)


def read(files: dict[str, str], limits: Limits = LIMITS) -> tuple[Read, Rows]:
    tables = read_files(list(files.items()), limits)
    return tables, read_rows(tables.tables.values())


def broken(
    files: dict[str, str], limits: Limits = LIMITS
) -> list[tuple[str, int | None, str | None, str]]:
    tables, rows = read(files, limits)
    return [(e.file, e.line, e.field, e.rule) for e in (*tables.errors, *rows.errors)]


def test_a_districts_export_is_read_with_the_columns_it_needs() -> None:
    tables, rows = read(lakeside())
    assert not tables.errors and not rows.errors
    assert [(o.sourced_id, o.is_district, o.time_zone) for o in rows.orgs] == [
        ("dist", True, None),
        ("oak", False, "America/Chicago"),
        ("river", False, "America/Los_Angeles"),
    ]
    fall = next(t for t in rows.terms if t.sourced_id == "fall-oak")
    assert (fall.draft.school_id, fall.draft.weekdays) == ("oak", (1, 2, 3, 4, 5))
    assert (fall.draft.day_starts, fall.draft.day_ends) == (time(8, 30), time(15, 0))
    thanksgiving = rows.blackouts[0]
    assert thanksgiving.days == (date(2025, 11, 26), date(2025, 11, 27), date(2025, 11, 28))
    assert [(c.sourced_id, c.term_id, c.grade_band) for c in rows.classes] == [
        ("read2", "fall-oak", GradeBand.K_2),
        ("math7", "sy", GradeBand.G6_8),
    ]
    parent = next(u for u in rows.users if u.sourced_id == "g-maria")
    assert (parent.role, parent.agent_ids) == (PersonRole.GUARDIAN, ("s-ava",))
    assert [(e.class_id, e.user_id, e.role) for e in rows.enrollments][:2] == [
        ("read2", "t-okafor", PersonRole.TEACHER),
        ("read2", "s-ava", PersonRole.STUDENT),
    ]


def test_rows_of_roles_and_types_scheduling_does_not_need_are_counted_not_read() -> None:
    _, rows = read(lakeside())
    assert dict(rows.skipped) == {
        ("academicSessions.csv", "academic sessions of type gradingPeriod are not read"): 1,
        ("users.csv", "users of role administrator are not read"): 1,
        ("enrollments.csv", "enrollments of role administrator are not read"): 1,
    }


def test_file_names_are_matched_without_case_and_unused_oneroster_files_are_accepted() -> None:
    files = {"Orgs.CSV": lakeside()["orgs.csv"], "manifest.csv": "propertyName,value\n"}
    tables, _ = read(files)
    assert set(tables.tables) == {FileKind.ORGS}
    assert tables.tables[FileKind.ORGS].file == "Orgs.CSV"
    assert tables.unread == ("manifest.csv",)


def test_an_unknown_or_repeated_file_is_an_error_of_the_file() -> None:
    orgs = lakeside()["orgs.csv"]
    tables = read_files([("students.csv", orgs), ("orgs.csv", orgs), ("ORGS.csv", orgs)], LIMITS)
    assert [(e.file, e.rule) for e in tables.errors] == [
        ("students.csv", "known_file"),
        ("ORGS.csv", "unique_file"),
    ]


def test_every_missing_column_is_named_on_the_header_line() -> None:
    text = "\n\nsourcedId,givenName\nu1,Ava\n"  # blank lines before the header are skipped
    assert broken({"users.csv": text}) == [
        ("users.csv", 3, "role", "required_column"),
        ("users.csv", 3, "orgSourcedIds", "required_column"),
    ]


def test_columns_are_matched_without_case_and_a_repeated_one_is_an_error() -> None:
    assert broken({"orgs.csv": "SOURCEDID,Name,TYPE,name\n"}) == [
        ("orgs.csv", 1, "name", "unique_column")
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("sourcedId,name,type\ns1,Caf\ufffd,school\n", 2),
        ("sourcedId,name,type\ns1,ok,school\ns2,Bad\udcff,school\n", 3),
        ("sourcedId,name,type\ns1,N\x00L,school\n", 2),
    ],
    ids=["replacement character", "lone surrogate", "NUL"],
)
def test_text_that_was_not_utf8_refuses_the_file_at_its_first_line(text: str, line: int) -> None:
    assert broken({"orgs.csv": text}) == [("orgs.csv", line, None, "utf8")]


def test_a_byte_order_mark_is_not_part_of_the_first_column() -> None:
    text = "\ufeffsourcedId,name,type,timeZone\ns1,Oak,school,UTC\n"
    _, rows = read({"orgs.csv": text})
    assert [org.sourced_id for org in rows.orgs] == ["s1"]


def test_a_file_over_its_bounds_is_refused_whole() -> None:
    rows = "".join(f"s{n},School {n},school,UTC\n" for n in range(51))
    text = "sourcedId,name,type,timeZone\n" + rows
    assert broken({"orgs.csv": text}) == [("orgs.csv", None, None, "max_rows")]
    small = Limits(max_file_bytes=100, max_rows=50)
    assert broken({"orgs.csv": text}, small) == [("orgs.csv", None, None, "max_bytes")]


def test_broken_quoting_is_a_syntax_error_where_it_is() -> None:
    text = 'sourcedId,name,type\ns1,"Oak" Elementary,school\n'
    assert broken({"orgs.csv": text}) == [("orgs.csv", 2, None, "csv_syntax")]


def test_a_quoted_cell_over_lines_keeps_the_line_its_row_starts_on() -> None:
    text = 'sourcedId,name,type,timeZone\ns1,"Oak\nElementary",school,UTC\ns2,,school,UTC\n'
    assert broken({"orgs.csv": text}) == [("orgs.csv", 4, "name", "required")]


def test_a_cell_beyond_the_header_is_an_error_but_empty_ones_are_not() -> None:
    text = "sourcedId,name,type,timeZone\ns1,Oak,school,UTC,,\ns2,River,school,UTC,extra\n"
    assert broken({"orgs.csv": text}) == [("orgs.csv", 3, None, "columns")]


def test_formula_looking_cells_are_kept_as_the_text_they_are() -> None:
    text = 'sourcedId,name,type,timeZone\ns1,"=HYPERLINK(""http://x"")",school,UTC\n'
    _, rows = read({"orgs.csv": text})
    assert rows.orgs[0].name == '=HYPERLINK("http://x")'


def test_a_sourced_id_twice_in_a_file_is_an_error_of_the_later_row() -> None:
    text = "sourcedId,name,type,timeZone\ns1,Oak,school,UTC\ns1,River,school,UTC\n"
    _, rows = read({"orgs.csv": text})
    assert rows.errors == [
        RowError("orgs.csv", 3, "sourcedId", "unique", "sourcedId 's1' is also on line 2")
    ]


def test_every_broken_cell_of_every_row_is_named_at_once() -> None:
    users = table(
        USERS,
        [
            user("u/1", "oak", "student", "A" * 101, "B", zone="Mars/Olympus"),
            user("u2", "", "principal", "C", "D"),
            user("u3", "oak", "teacher", "E", "F", zone="UTC"),
            ["u4", "tobedeleted", "", "true", "oak", "student"] + [""] * 13,
        ],
    )
    assert broken({"users.csv": users}) == [
        ("users.csv", 2, "sourcedId", "valid_id"),
        ("users.csv", 2, "givenName", "max_length"),
        ("users.csv", 2, "timeZone", "iana_zone"),
        ("users.csv", 3, "role", "user_role"),
        ("users.csv", 4, "timeZone", "students_only"),
        ("users.csv", 5, "status", "supported_status"),
    ]


def test_term_and_class_cells_follow_their_own_rules() -> None:
    sessions = table(
        SESSIONS + SESSIONS_MORE,
        [
            [
                "t1",
                "",
                "",
                "Fall",
                "quarter",
                "2025-09-01",
                "2025/12/19",
                "",
                "",
                "",
                "Mon,Funday",
                "8am",
                "07:00",
            ],
            ["t2", "", "", "Spring", "term", "2026-06-01", "2026-01-05", "", "", "", "", "", ""],
        ],
    )
    classes = table(
        CLASSES,
        [["c1", "", "", "", "02,QQ", "", "", "", "", "oak", "t1,t2", "", "", "", "Nowhere/Else"]],
    )
    assert broken({"academicSessions.csv": sessions, "classes.csv": classes}) == [
        ("academicSessions.csv", 2, "type", "session_type"),
        ("academicSessions.csv", 2, "endDate", "iso_date"),
        ("academicSessions.csv", 2, "weekdays", "iso_weekday"),
        ("academicSessions.csv", 2, "dayStartTime", "local_time"),
        ("academicSessions.csv", 3, "endDate", "not_before_start"),
        ("classes.csv", 2, "title", "required"),
        ("classes.csv", 2, "subjects", "required"),
        ("classes.csv", 2, "termSourcedIds", "one_term"),
        ("classes.csv", 2, "grades", "grade"),
        ("classes.csv", 2, "timeZone", "iana_zone"),
    ]


def test_an_org_or_enrollment_of_an_unknown_type_or_role_is_an_error() -> None:
    orgs = table(ORGS + ORGS_MORE, [["o1", "", "", "Oak", "campus", "", "", ""]])
    enrollments = table(ENROLLMENTS, [["e1", "", "", "c1", "", "u1", "learner", "", "", ""]])
    assert broken({"orgs.csv": orgs, "enrollments.csv": enrollments}) == [
        ("orgs.csv", 2, "type", "org_type"),
        ("enrollments.csv", 2, "role", "enrollment_role"),
    ]
