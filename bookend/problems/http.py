"""Maps failures to HTTP problem responses, in one place for every service."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from bookend.contracts.scheduler import BalanceRule
from bookend.problems.failure import ClashKind, Failure, ProblemKind


class ProblemField(BaseModel):
    field: str
    rule: str
    message: str


class ProblemClash(BaseModel):
    kind: ClashKind
    other_id: str
    section_id: str
    starts_at: datetime
    ends_at: datetime
    who: list[str] = []


class ProblemBreach(BaseModel):
    rule: BalanceRule
    period: str
    figure: float
    limit: float
    live_minutes: int
    on_demand_minutes: int
    message: str


class Problem(BaseModel):
    """The error body every service returns (after RFC 9457, with field errors).

    `kind` says what sort of refusal it is; `code` says which one, stably.
    """

    status: int
    kind: ProblemKind
    code: str
    message: str
    errors: list[ProblemField] = []
    # For a conflict with other things planned: each of them (ADR 0025).
    clashes: list[ProblemClash] = []
    # For a request a policy refuses: each rule it would break, with the figures.
    breaches: list[ProblemBreach] = []


def problem_of(failure: Failure) -> Problem:
    return Problem(
        status=failure.status,
        kind=failure.kind,
        code=failure.code,
        message=failure.message,
        errors=[
            ProblemField(field=e.field, rule=e.rule, message=e.message) for e in failure.errors
        ],
        clashes=[
            ProblemClash(
                kind=c.kind,
                other_id=c.other_id,
                section_id=c.section_id,
                starts_at=c.starts_at,
                ends_at=c.ends_at,
                who=list(c.who),
            )
            for c in failure.clashes
        ],
        breaches=[
            ProblemBreach(
                rule=b.rule,
                period=b.period,
                figure=b.figure,
                limit=b.limit,
                live_minutes=b.live_minutes,
                on_demand_minutes=b.on_demand_minutes,
                message=b.message,
            )
            for b in failure.breaches
        ],
    )


def field_of(error: Mapping[str, Any]) -> str:
    """The field an invalid request's error is about, as the domain names it (`title`,
    `components.0.minutes`): the location's source (`body`, `query`) is dropped, unless the
    error is about the whole of it (no body, not an object, not JSON)."""
    parts = [str(part) for part in error["loc"]]
    if error["type"] == "json_invalid":
        return parts[0]  # the rest is a character offset, not a field
    if len(parts) > 1 and parts[0] in ("body", "query"):
        parts = parts[1:]
    return ".".join(parts)


# A route or method that does not exist is, to a client, nothing there to act on.
_NO_ROUTE = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
_NOT_JSON = "must be JSON text in UTF-8"


def invalid_input(errors: list[ProblemField]) -> JSONResponse:
    body = Problem(
        status=422,
        kind=ProblemKind.INVALID_INPUT,
        code="INVALID_INPUT",
        message="; ".join(f"{e.field}: {e.message}" for e in errors),
        errors=errors,
    )
    return JSONResponse(body.model_dump(), status_code=422)


def install_problem_handlers(app: FastAPI) -> None:
    """Every failure answers with its own status and a problem body naming field and rule."""

    async def on_failure(_: Request, failure: Exception) -> JSONResponse:
        assert isinstance(failure, Failure)
        return JSONResponse(problem_of(failure).model_dump(mode="json"), status_code=failure.status)

    async def on_invalid_request(_: Request, invalid: Exception) -> JSONResponse:
        assert isinstance(invalid, RequestValidationError)
        return invalid_input(
            [
                ProblemField(field=field_of(error), rule=error["type"], message=error["msg"])
                for error in invalid.errors()
            ]
        )

    async def on_refused_request(request: Request, refused: Exception) -> Response:
        assert isinstance(refused, HTTPException)
        if refused.status_code == 400:
            # The framework's one 400: a body it could not read as JSON (not UTF-8). It is
            # answered as JSON that does not parse is.
            return invalid_input(
                [ProblemField(field="body", rule="json_invalid", message=_NOT_JSON)]
            )
        code = _NO_ROUTE.get(refused.status_code)
        if code is None:  # nothing of ours raises others; the framework's answer stands
            return await http_exception_handler(request, refused)
        body = Problem(
            status=refused.status_code,
            kind=ProblemKind.NOT_FOUND,
            code=code,
            message=str(refused.detail),
        )
        return JSONResponse(
            body.model_dump(), status_code=refused.status_code, headers=refused.headers
        )

    app.add_exception_handler(Failure, on_failure)
    app.add_exception_handler(HTTPException, on_refused_request)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
