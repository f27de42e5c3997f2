"""Maps failures to HTTP problem responses, in one place for every service."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bookend.problems.failure import Failure, InvalidInput, NotFound

COMMON_STATUSES: dict[type[Failure], int] = {InvalidInput: 422, NotFound: 404}


class ProblemField(BaseModel):
    field: str
    rule: str
    message: str


class Problem(BaseModel):
    """The error body every service returns (after RFC 9457, with field errors)."""

    status: int
    code: str
    message: str
    errors: list[ProblemField] = []


def problem_response(status: int, failure: Failure) -> JSONResponse:
    body = Problem(
        status=status,
        code=failure.code,
        message=failure.message,
        errors=[
            ProblemField(field=e.field, rule=e.rule, message=e.message) for e in failure.errors
        ],
    )
    return JSONResponse(body.model_dump(), status_code=status)


def install_problem_handlers(app: FastAPI, statuses: Mapping[type[Failure], int]) -> None:
    """Each failure class maps to a status by its nearest listed ancestor; the rest are 400."""

    async def on_failure(_: Request, failure: Exception) -> JSONResponse:
        assert isinstance(failure, Failure)
        for cls in type(failure).__mro__:
            if cls in statuses:
                return problem_response(statuses[cls], failure)
        return problem_response(400, failure)

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
            status=422, code="INVALID_INPUT",
            message="; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors,
        )
        return JSONResponse(body.model_dump(), status_code=422)

    app.add_exception_handler(Failure, on_failure)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
