"""A minimal synchronous GraphQL-over-HTTP client for the demo loader."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLError(RuntimeError):
    pass


class GraphQLClient:
    def __init__(self, url: str, token: str, *, client: httpx.Client | None = None) -> None:
        self._url = url
        self._headers = {"Authorization": f"Bearer {token}"}
        self._client = client or httpx.Client(timeout=30)

    def execute(self, document: str, **variables: object) -> dict[str, Any]:
        """Run a document; raise if the response carries errors."""
        body = self.raw(document, **variables)
        if body.get("errors"):
            raise GraphQLError(str(body["errors"]))
        data: dict[str, Any] = body["data"]
        return data

    def every_node(self, document: str, field: str, **variables: object) -> list[dict[str, Any]]:
        """Every node of the connection `field` at the document's root, page after page: the
        document takes `$after` and selects `nodes` and `pageInfo { hasNextPage endCursor }`."""
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            page = self.execute(document, **variables, after=after)[field]
            nodes += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    def raw(self, document: str, **variables: object) -> dict[str, Any]:
        response = self._client.post(
            self._url, json={"query": document, "variables": variables}, headers=self._headers
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result
