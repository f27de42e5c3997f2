"""The roster import's HTTP routes: start one (`POST /roster/imports`) and read it back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting import ServiceState, service_state
from bookend.http_contracts import scheduler as http
from bookend.mongo import time_budget
from services.scheduler.records import fields_of
from services.scheduler.roster.imports import service
from services.scheduler.roster.imports.ports import Store
from services.scheduler.roster.imports.report import ImportRecord, RowErrors
from services.scheduler.roster.imports.runner import ImportRunner
from services.scheduler.roster.imports.tables import Limits
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]


@asynccontextmanager
async def running_imports(app: FastAPI) -> AsyncIterator[None]:
    """Each app runs its own imports, and stops those still running when it stops (before
    its store's client closes: they record that they were interrupted)."""
    app.state.roster_imports = ImportRunner()
    try:
        yield
    finally:
        await app.state.roster_imports.stop()


router = APIRouter(lifespan=running_imports)


def runner_of(request: Request) -> ImportRunner:
    runner: ImportRunner = request.app.state.roster_imports
    return runner


Runner = Annotated[ImportRunner, Depends(runner_of)]


def import_settings(settings: SchedulerSettings) -> service.ImportSettings:
    return service.ImportSettings(
        limits=Limits(
            max_file_bytes=settings.roster_import_max_file_bytes,
            max_rows=settings.roster_import_max_rows,
        ),
        max_errors=settings.roster_import_max_errors,
        batch_size=settings.roster_import_batch_size,
        answer_within=settings.roster_import_answer_seconds,
        lease=timedelta(seconds=settings.roster_import_lease_seconds),
        budget=partial(time_budget, settings.request_budget_seconds),
    )


def import_out(record: ImportRecord) -> http.RosterImport:
    return http.RosterImport.model_validate(
        fields_of(
            record,
            counts=[fields_of(count) for count in record.counts],
            skipped=[fields_of(skip) for skip in record.skipped],
        )
    )


@router.post("/roster/imports")
async def start_import(
    body: http.RosterImportCreate, principal: CurrentPrincipal, state: State, runner: Runner
) -> http.RosterImportAnswer:
    """Check every file and row; refused, nothing is written and every bad row is named.
    Otherwise the import runs: the answer comes once it is done, or after a few seconds with
    it still running (read it again with `GET /roster/imports/{id}`)."""
    try:
        record = await service.start_import(
            [(file.name, file.text) for file in body.files],
            principal=principal,
            store=state.store,
            clock=state.clock,
            ids=state.ids,
            runner=runner,
            settings=import_settings(state.settings),
        )
    except RowErrors as refused:
        return http.RosterImportAnswer(
            refused=http.RosterImportRefusal(
                message=f"{refused.count} rule(s) broken: nothing was imported",
                error_count=refused.count,
                errors=[http.RosterRowError.model_validate(fields_of(e)) for e in refused.errors],
            )
        )
    return http.RosterImportAnswer(imported=import_out(record))


@router.get("/roster/imports/{import_id}")
async def read_import(
    import_id: str, principal: CurrentPrincipal, state: State
) -> http.RosterImport:
    record = await service.read_import(
        import_id,
        principal=principal,
        store=state.store,
        clock=state.clock,
        lease=timedelta(seconds=state.settings.roster_import_lease_seconds),
    )
    return import_out(record)
