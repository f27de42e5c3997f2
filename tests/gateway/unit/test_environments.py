"""Production shows nothing of the schema (no GraphiQL, no introspection, no OpenAPI page);
development shows all of it."""

from __future__ import annotations

from typing import Literal

import httpx
import pytest

from bookend.auth import Role
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app
from tests.gateway.stubs import StubServices
from tests.support.auth import bearer

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Query") { name } }'


def client(environment: Literal["development", "production"]) -> httpx.AsyncClient:
    app = gateway_app(GatewaySettings(environment=environment), StubServices())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def test_development_serves_graphiql_and_answers_introspection() -> None:
    async with client("development") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        answers = [
            (await http.post("/graphql", json={"query": q}, headers=bearer("t", Role.TEACHER)))
            for q in (SCHEMA, TYPE)
        ]
        docs = await http.get("/docs")
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert [answer.json()["data"] for answer in answers] == [
        {"__schema": {"queryType": {"name": "Query"}}},
        {"__type": {"name": "Query"}},
    ]
    assert docs.status_code == 200


@pytest.mark.parametrize("query", [SCHEMA, TYPE], ids=["__schema", "__type"])
async def test_production_serves_no_graphiql_and_refuses_introspection(query: str) -> None:
    async with client("production") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        refused = await http.post(
            "/graphql", json={"query": query}, headers=bearer("t", Role.TEACHER)
        )
        typename = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers=bearer("t", Role.TEACHER)
        )
        docs = await http.get("/docs")
    assert page.status_code == 404 and "graphiql" not in page.text.lower()
    body = refused.json()
    assert body["data"] is None
    assert body["errors"]  # one for each introspection field named: __schema, its queryType
    for error in body["errors"]:
        assert error["message"].startswith("GraphQL introspection has been disabled")
        assert error["extensions"] == {"code": "BAD_REQUEST"}
    # What clients need to read unions stays: only the schema's description is hidden.
    assert typename.json()["data"] == {"__typename": "Query"}
    assert docs.status_code == 404
