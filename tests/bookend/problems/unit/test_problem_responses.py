"""A failure's kind decides its status and problem body; no service maps them by hand."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from bookend.problems import (
    Conflict,
    Failure,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
    install_problem_handlers,
)


class ShelfError(Failure):
    """A service's own root, as every service has one."""


class BookNotFound(ShelfError, NotFound):
    code = "BOOK_NOT_FOUND"


class BookLent(ShelfError, Conflict):
    code = "BOOK_LENT"


@pytest.mark.parametrize(
    ("failure", "status", "kind", "code"),
    [
        (
            InvalidInput("title", "not_empty", "must not be blank"),
            422,
            "invalid_input",
            "INVALID_INPUT",
        ),
        (BookNotFound("no book b1"), 404, "not_found", "BOOK_NOT_FOUND"),
        (BookLent("b1 is lent"), 409, "conflict", "BOOK_LENT"),
        (Forbidden("not yours"), 403, "forbidden", "FORBIDDEN"),
        (Unauthenticated("no token"), 401, "unauthenticated", "UNAUTHENTICATED"),
    ],
    ids=["invalid input", "not found", "conflict", "forbidden", "unauthenticated"],
)
async def test_a_failure_answers_with_the_status_and_kind_of_its_base_and_its_own_code(
    failure: Failure, status: int, kind: str, code: str
) -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/fail")
    async def fail() -> None:
        raise failure

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/fail")
    body = response.json()
    assert (response.status_code, body["status"], body["kind"], body["code"]) == (
        status,
        status,
        kind,
        code,
    )
    assert body["message"] == failure.message
    assert body["errors"] == [
        {"field": e.field, "rule": e.rule, "message": e.message} for e in failure.errors
    ]
