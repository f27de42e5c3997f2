"""A body over the limit is refused with 413 before the app reads it; others pass whole."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from bookend.hosting import BodyLimit
from bookend.hosting.limits import Receive, Scope, Send, invalid_text


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that answers with the body it was given."""
    message = await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": message.get("body", b"")})


def client() -> httpx.AsyncClient:
    limited = BodyLimit(echo, max_bytes=1000, refusal={"code": "PAYLOAD_TOO_LARGE"})
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=limited), base_url="http://t")


async def chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 100):
        yield b"x" * 100


@pytest.mark.parametrize("size", [0, 999, 1000])
async def test_a_body_within_the_limit_reaches_the_app_whole(size: int) -> None:
    async with client() as http:
        response = await http.post("/", content=b"y" * size)
    assert (response.status_code, response.content) == (200, b"y" * size)


async def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    async with client() as http:
        response = await http.post("/", content=b"y" * 1001)
    assert (response.status_code, response.json()) == (413, {"code": "PAYLOAD_TOO_LARGE"})


async def test_a_streamed_body_over_the_limit_is_refused_once_it_passes_it() -> None:
    async with client() as http:
        response = await http.post("/", content=chunks(5000))
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": "a\x00b"}, ["title"]),
        ({"components": [{"title": "ok"}, {"title": "\ud800"}]}, ["components.1.title"]),
        ({"": "\x00", "a": {"": "\x00"}}, ['""', 'a.""']),
        ("\x00", ["body"]),
    ],
    ids=["NUL", "lone surrogate in a list", "empty keys", "the whole body"],
)
def test_invalid_text_is_refused_naming_each_field(body: object, fields: list[str]) -> None:
    refusal = invalid_text({"type": "http"}, json.dumps(body).encode())
    assert refusal is not None
    assert [(e["field"], e["rule"]) for e in refusal["errors"]] == [
        (field, "valid_text") for field in fields
    ]


def test_text_without_nul_or_lone_surrogates_passes() -> None:
    assert (
        invalid_text({"type": "http"}, json.dumps({"title": "Théme \u2603 \\u0000"}).encode())
        is None
    )
