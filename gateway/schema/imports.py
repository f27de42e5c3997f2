"""Roster imports from OneRoster-style CSV files (docs/roster-import.md): refused with every bad
row named, or run and counted by kind."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import RosterImportStatus, RosterKind, RosterSkipReason
from gateway.schema.errors import Failure, UserError, mutate, query
from gateway.schema.ids import Node


@strawberry.input
class RosterFileInput:
    name: str = strawberry.field(
        description="Which file: orgs.csv, academicSessions.csv, blackouts.csv, classes.csv, "
        "users.csv or enrollments.csv (other OneRoster files are accepted and not read)."
    )
    text: str = strawberry.field(description="The file's CSV text (UTF-8), header first.")


@strawberry.type
class RosterRowError(FromContract[http.RosterRowError]):
    file: str
    line: int | None = strawberry.field(description="None: the file as a whole; 1: its header.")
    field: str | None = strawberry.field(description="The column, when one cell is at fault.")
    rule: str
    message: str


@strawberry.type
class RosterImportRefused(UserError):
    """Nothing was imported: every rule the files break, by file, line and column."""

    error_count: int = strawberry.field(description="In all; `errors` lists the first ones.")
    errors: list[RosterRowError]

    @classmethod
    def of(cls, refusal: http.RosterImportRefusal) -> RosterImportRefused:
        return cls(
            code="ROSTER_IMPORT_REFUSED",
            message=refusal.message,
            error_count=refusal.error_count,
            errors=[RosterRowError.of(error) for error in refusal.errors],
        )


@strawberry.type
class RosterKindCount(FromContract[http.RosterKindCount]):
    kind: RosterKind
    created: int
    updated: int
    unchanged: int


@strawberry.type
class RosterSkippedRows(FromContract[http.RosterSkipped]):
    file: str
    reason: RosterSkipReason
    rows: int


@strawberry.type
class RosterImport(Node):
    id: strawberry.ID
    status: RosterImportStatus = strawberry.field(
        description="RUNNING: read it again with rosterImport(id). FAILED or INTERRUPTED: "
        "import the same files again; it completes what was not written."
    )
    started_at: datetime
    finished_at: datetime | None
    files: list[str]
    unread_files: list[str]
    skipped: list[RosterSkippedRows]
    counts: list[RosterKindCount]
    written: int
    to_write: int
    failure: str | None

    @classmethod
    def of(cls, record: http.RosterImport) -> RosterImport:
        return from_contract(
            cls,
            record,
            skipped=[RosterSkippedRows.of(s) for s in record.skipped],
            counts=[RosterKindCount.of(c) for c in record.counts],
        )


ImportRosterResult = Annotated[
    RosterImport | RosterImportRefused | Failure, strawberry.union("ImportRosterResult")
]


def _result(answer: http.RosterImportAnswer) -> RosterImport | RosterImportRefused:
    if answer.refused is not None:
        return RosterImportRefused.of(answer.refused)
    if answer.imported is None:
        raise ValueError("the scheduler answered an import with neither its record nor why not")
    return RosterImport.of(answer.imported)


@strawberry.type
class ImportQuery:
    @strawberry.field(description="A roster import, as it runs and once it is done.")
    async def roster_import(self, info: Info, id: strawberry.ID) -> RosterImport:
        return await query(info.context.clients.scheduler.get_roster_import(id), RosterImport.of)


@strawberry.type
class ImportMutation:
    @strawberry.mutation(
        description="Import a roster from OneRoster 1.1-style CSV files (admins). Every file "
        "and row is checked first: one broken rule and nothing is imported. Importing the "
        "same files again changes nothing."
    )
    async def import_roster(self, info: Info, files: list[RosterFileInput]) -> ImportRosterResult:
        body = http.RosterImportCreate.model_construct(
            files=[http.RosterFile.model_construct(name=f.name, text=f.text) for f in files]
        )
        return await mutate(info.context.clients.scheduler.import_roster(body), _result)
