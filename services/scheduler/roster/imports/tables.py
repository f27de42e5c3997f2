"""The files of an import as tables: which file is which, their header and rows with line
numbers, and every reason a file as a whole cannot be read (too large, not UTF-8, a column
missing). Cells are text and stay text: nothing here or later evaluates a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class FileKind(StrEnum):
    """The files an import reads, by their OneRoster 1.1 names (and our one extension)."""

    ORGS = "orgs.csv"
    ACADEMIC_SESSIONS = "academicSessions.csv"
    BLACKOUTS = "blackouts.csv"  # ours: blackout dates of terms
    CLASSES = "classes.csv"
    USERS = "users.csv"
    ENROLLMENTS = "enrollments.csv"


# Columns each file must have, and those read when present; any other column is left alone.
REQUIRED: Mapping[FileKind, tuple[str, ...]] = {
    FileKind.ORGS: ("sourcedId", "name", "type"),
    FileKind.ACADEMIC_SESSIONS: ("sourcedId", "title", "type", "startDate", "endDate"),
    FileKind.BLACKOUTS: ("termSourcedId", "startDate"),
    FileKind.CLASSES: ("sourcedId", "title", "schoolSourcedId", "subjects"),
    FileKind.USERS: ("sourcedId", "role", "orgSourcedIds"),
    FileKind.ENROLLMENTS: ("sourcedId", "classSourcedId", "userSourcedId", "role"),
}
OPTIONAL: Mapping[FileKind, tuple[str, ...]] = {
    FileKind.ORGS: ("status", "timeZone"),
    FileKind.ACADEMIC_SESSIONS: (
        "status",
        "schoolSourcedId",
        "weekdays",
        "dayStartTime",
        "dayEndTime",
    ),
    FileKind.BLACKOUTS: ("endDate", "reason"),
    FileKind.CLASSES: ("status", "grades", "termSourcedIds", "timeZone"),
    FileKind.USERS: ("status", "givenName", "familyName", "agentSourcedIds", "timeZone"),
    FileKind.ENROLLMENTS: ("status", "schoolSourcedId"),
}
# OneRoster files an import may carry that scheduling does not need: accepted and not read.
UNREAD = frozenset(
    {
        "manifest.csv",
        "courses.csv",
        "demographics.csv",
        "lineitems.csv",
        "results.csv",
        "categories.csv",
        "resources.csv",
        "classresources.csv",
        "courseresources.csv",
        "userprofiles.csv",
        "roles.csv",
    }
)
_KINDS = {kind.value.lower(): kind for kind in FileKind}


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with a file, or a row of it (`line`, 1 for the header), or a cell of it
    (`field`, the column's name)."""

    file: str
    line: int | None
    field: str | None
    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int
    max_rows: int


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # where the row starts: a quoted cell may span lines
    cells: Mapping[str, str]  # by column name as REQUIRED and OPTIONAL spell it, stripped

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True, slots=True)
class Table:
    file: str  # the name it was sent with
    kind: FileKind
    columns: frozenset[str]
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Read:
    tables: Mapping[FileKind, Table]
    unread: tuple[str, ...]  # files accepted and not read
    errors: tuple[RowError, ...]


def read_files(files: Sequence[tuple[str, str]], limits: Limits) -> Read:
    """Each file (name, text) as a table, or why not. A file whose table cannot be trusted
    (its size, encoding, syntax or header) yields only its errors."""
    tables: dict[FileKind, Table] = {}
    unread: list[str] = []
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    for name, text in files:
        key = name.strip().lower()
        if key in seen:
            message = f"{name!r} is sent twice (also as {seen[key]!r})"
            errors.append(RowError(name, None, None, "unique_file", message))
            continue
        seen[key] = name
        if key in UNREAD:
            unread.append(name)
            continue
        kind = _KINDS.get(key)
        if kind is None:
            known = ", ".join(k.value for k in FileKind)
            message = f"not a file an import reads (those are {known})"
            errors.append(RowError(name[:200], None, None, "known_file", message))
            continue
        table, problems = read_table(name, kind, text, limits)
        errors += problems
        if table is not None:
            tables[kind] = table
    return Read(tables, tuple(unread), tuple(errors))


def read_table(
    name: str, kind: FileKind, text: str, limits: Limits
) -> tuple[Table | None, list[RowError]]:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_file_bytes:
        message = f"{size} bytes: at most {limits.max_file_bytes} bytes a file"
        return None, [RowError(name, None, None, "max_bytes", message)]
    if (broken := _first_undecodable(text)) is not None:
        message = (
            "holds a character that is not text (U+FFFD, a lone surrogate or NUL): the file "
            "was not read as UTF-8; export it as UTF-8 (CSV UTF-8)"
        )
        return None, [RowError(name, broken, None, "utf8", message)]
    text = text.removeprefix("\ufeff")  # the byte order mark spreadsheets write
    header: dict[int, str] | None = None
    width = 0  # the header's cells, known columns or not
    rows: list[Row] = []
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    ends = 0  # the line the previous row ended on
    try:
        for cells in reader:
            line, ends = ends + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank row, as spreadsheets leave at the end
            if header is None:
                header, errors = _header(name, kind, line, cells)
                width = len(cells)
                if errors:
                    return None, errors
                continue
            if len(rows) + len(errors) >= limits.max_rows:
                message = f"more than {limits.max_rows} rows: at most {limits.max_rows} a file"
                return None, [RowError(name, None, None, "max_rows", message)]
            if any(cell.strip() for cell in cells[width:]):
                message = f"the row has {len(cells)} cells, the header {width}"
                errors.append(RowError(name, line, None, "columns", message))
                continue
            by_name = {header[n]: cell.strip() for n, cell in enumerate(cells) if n in header}
            rows.append(Row(line, by_name))
    except csv.Error as broken_syntax:
        message = f"not CSV from here on: {broken_syntax}"
        return None, [RowError(name, reader.line_num, None, "csv_syntax", message)]
    if header is None:
        return None, [RowError(name, 1, None, "header", "the file is empty: it needs a header")]
    return Table(name, kind, frozenset(header.values()), tuple(rows)), errors


def _header(
    name: str, kind: FileKind, line: int, cells: list[str]
) -> tuple[dict[int, str], list[RowError]]:
    """The known columns by position, named as we spell them (matched without case)."""
    spelled = {column.lower(): column for column in (*REQUIRED[kind], *OPTIONAL[kind])}
    known: dict[int, str] = {}
    errors: list[RowError] = []
    for position, cell in enumerate(cells):
        column = spelled.get(cell.strip().lower())
        if column is None:
            continue
        if column in known.values():
            message = f"the column {column!r} is there twice"
            errors.append(RowError(name, line, column, "unique_column", message))
        known[position] = column
    for column in REQUIRED[kind]:
        if column not in known.values():
            message = f"the header has no {column!r} column, which {kind.value} needs"
            errors.append(RowError(name, line, column, "required_column", message))
    return known, errors


def _first_undecodable(text: str) -> int | None:
    """The line of the first character no UTF-8 text holds, if any."""
    positions = [
        at for at in (text.find("\ufffd"), text.find("\x00"), _first_surrogate(text)) if at != -1
    ]
    if not positions:
        return None
    return text.count("\n", 0, min(positions)) + 1


def _first_surrogate(text: str) -> int:
    if text.isascii():
        return -1
    return next((n for n, char in enumerate(text) if "\ud800" <= char <= "\udfff"), -1)
