"""GraphiQL is served by the gateway itself, its files included, so it works without internet
access; in development only (ADR 0043)."""

from __future__ import annotations

import hashlib
import re
from typing import Literal

import httpx

from gateway.ide import ASSETS, HERE
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app
from tests.gateway.stubs import StubServices

HTML = {"Accept": "text/html"}


def client(environment: Literal["development", "production"]) -> httpx.AsyncClient:
    app = gateway_app(GatewaySettings(environment=environment), StubServices())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


def referenced(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', page)


async def test_the_page_and_every_file_it_asks_for_come_from_the_gateway() -> None:
    async with client("development") as http:
        page = await http.get("/graphql", headers=HTML)
        files = {address: await http.get(address) for address in referenced(page.text)}
    assert page.status_code == 200 and "GraphiQL.createFetcher" in page.text
    assert "://" not in page.text  # no CDN, nor any other address of another host
    assert sorted(files) == [
        "/graphiql/assets/graphiql.min.css",
        "/graphiql/assets/graphiql.min.js",
        "/graphiql/assets/react-dom.production.min.js",
        "/graphiql/assets/react.production.min.js",
    ]
    for address, answer in files.items():
        assert answer.status_code == 200, address
        assert answer.content == (ASSETS / address.rsplit("/", 1)[1]).read_bytes()
        kind = "text/css" if address.endswith(".css") else "javascript"
        assert kind in answer.headers["content-type"], address


async def test_production_serves_neither_the_page_nor_its_files() -> None:
    async with client("production") as http:
        page = await http.get("/graphql", headers=HTML)
        files = [await http.get(f"/graphiql/assets/{file.name}") for file in ASSETS.iterdir()]
    assert page.status_code == 404
    assert [answer.status_code for answer in files] == [404] * len(files)


def test_the_committed_files_are_the_pinned_releases_from_npm() -> None:
    """`make graphiql-assets` writes assets.sha256 beside the files it fetches."""
    listed = {}
    for line in (HERE / "assets.sha256").read_text().splitlines():
        if line and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            listed[name] = digest
    assert listed == {
        file.name: hashlib.sha256(file.read_bytes()).hexdigest() for file in ASSETS.iterdir()
    }
