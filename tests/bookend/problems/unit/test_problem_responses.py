"""A failure's kind decides its status and problem body; no service maps them by hand."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

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


class Shelf(BaseModel):
    title: str


def shelf_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/shelves")
    async def add_shelf(shelf: Shelf) -> Shelf:
        return shelf

    return app


async def ask(app: FastAPI, method: str, path: str, **kw: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.request(method, path, **kw)


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("content", "field", "rule"),
    [
        (b"", "body", "missing"),
        (b"[]", "body", "model_attributes_type"),
        (b"{}", "title", "missing"),
        (b'{"title": ', "body", "json_invalid"),
        (b'{"title": "\xe9"}', "body", "json_invalid"),
    ],
    ids=["no body", "a list", "no title", "cut JSON", "not UTF-8"],
)
async def test_an_invalid_body_names_a_field_even_when_it_is_the_whole_body(
    content: bytes, field: str, rule: str
) -> None:
    response = await ask(shelf_app(), "POST", "/shelves", content=content, headers=JSON)
    assert response.status_code == 422
    body = response.json()
    assert (body["status"], body["kind"], body["code"]) == (422, "invalid_input", "INVALID_INPUT")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [(field, rule)]


@pytest.mark.parametrize(
    ("method", "path", "status", "kind", "code"),
    [
        ("GET", "/nowhere", 404, "not_found", "NOT_FOUND"),
        ("TRACE", "/shelves", 405, "not_found", "METHOD_NOT_ALLOWED"),
    ],
    ids=["unknown route", "unknown method"],
)
async def test_a_request_that_no_route_takes_gets_the_problem_shape(
    method: str, path: str, status: int, kind: str, code: str
) -> None:
    response = await ask(shelf_app(), method, path)
    body = response.json()
    assert (response.status_code, body["status"], body["kind"], body["code"]) == (
        status,
        status,
        kind,
        code,
    )
    assert body["message"] and body["errors"] == []
