"""Maps failures to HTTP problem responses, in one place for every service."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bookend.problems.failure import Failure, ProblemKind


class ProblemField(BaseModel):
    field: str
    rule: str
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


def problem_of(failure: Failure) -> Problem:
    return Problem(
        status=failure.status,
        kind=failure.kind,
        code=failure.code,
        message=failure.message,
        errors=[
            ProblemField(field=e.field, rule=e.rule, message=e.message) for e in failure.errors
        ],
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Every failure answers with its own status and a problem body naming field and rule."""

    async def on_failure(_: Request, failure: Exception) -> JSONResponse:
        assert isinstance(failure, Failure)
        return JSONResponse(problem_of(failure).model_dump(), status_code=failure.status)

    async def on_invalid_request(_: Request, invalid: Exception) -> JSONResponse:
        assert isinstance(invalid, RequestValidationError)
        errors = [
            ProblemField(
                field=".".join(str(part) for part in error["loc"] if part not in ("body", "query")),
                rule=error["type"],
                message=error["msg"],
            )
            for error in invalid.errors()
        ]
        body = Problem(
            status=422,
            kind=ProblemKind.INVALID_INPUT,
            code="INVALID_INPUT",
            message="; ".join(f"{e.field}: {e.message}" for e in errors),
            errors=errors,
        )
        return JSONResponse(body.model_dump(), status_code=422)

    app.add_exception_handler(Failure, on_failure)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
