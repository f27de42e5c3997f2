"""Trusted documents (ADR 0043): the documents first-party apps register at build time, sent by
id instead of in full, and, when the gateway accepts only those, every other document refused
before anything runs.

A request names a document by `documentId` (`sha256:<hex>`, GraphQL over HTTP's persisted
documents) or by Apollo's `extensions.persistedQuery.sha256Hash` (the same hex digits); the id
is the SHA-256 of the document's exact text. The manifest is the JSON object GraphQL Code
Generator and Relay write, `{"<id>": "<document>"}`, with keys `sha256:<hex>` or the bare hex.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from graphql import GraphQLSyntaxError, parse

from bookend.hosting.limits import ASGIApp, Receive, Scope, Send, read_body, replaying

# The codes of the refusals, in `extensions.code`: clients may rely on them.
UNKNOWN_DOCUMENT_ID = "UNKNOWN_DOCUMENT_ID"
UNTRUSTED_DOCUMENT = "UNTRUSTED_DOCUMENT"
BAD_REQUEST = "BAD_REQUEST"

_SHA256 = re.compile(r"(?:sha256:)?([0-9a-f]{64})")
APOLLO_ID = "extensions.persistedQuery.sha256Hash"
ID_RULE = "sha256:<the 64 lowercase hex digits of the SHA-256 of the document's text>"


def document_id(text: str) -> str:
    """The id a document is known by: the SHA-256 of its exact text (UTF-8), as
    `sha256:<hex>`."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


class ManifestError(ValueError):
    """A manifest the gateway cannot start with; the message names the file and the entry."""


class DocumentRefused(Exception):
    """A request whose document is refused before anything runs, with its code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message

    def answer(self) -> dict[str, Any]:
        """As GraphQL answers a document it will not run: no data, one error with its code."""
        return {"data": None, "errors": [self.error()]}

    def error(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code}}


class TrustedDocuments:
    """The trusted documents by their SHA-256 (hex), and whether only they are accepted."""

    def __init__(self, documents: Mapping[str, str], *, only_trusted: bool) -> None:
        self._documents = dict(documents)
        self.only_trusted = only_trusted

    @classmethod
    def none(cls) -> TrustedDocuments:
        """No manifest: every document is accepted, and no id is known."""
        return cls({}, only_trusted=False)

    @classmethod
    def from_manifest(cls, path: Path, *, only_trusted: bool) -> TrustedDocuments:
        """Read and check a manifest file. Raises ManifestError naming the file, and the first
        bad entry if the file itself is readable JSON."""
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except OSError as unreadable:
            raise ManifestError(
                f"trusted documents {path}: cannot be read ({unreadable})"
            ) from None
        except ValueError as broken:
            raise ManifestError(f"trusted documents {path}: not JSON ({broken})") from None
        return cls(documents_of(manifest, str(path)), only_trusted=only_trusted)

    def __len__(self) -> int:
        return len(self._documents)

    def resolve(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """The request with its document's text as `query`. Raises DocumentRefused for an id
        that names no trusted document, an id and a text that disagree, and, when only trusted
        documents are accepted, a text that is not one of them."""
        resolved = dict(request)
        named = requested_id(request)
        text = request.get("query")
        if named is not None:
            field = "documentId" if "documentId" in request else APOLLO_ID
            trusted = self._by_id(named, field)
            if isinstance(text, str) and text != trusted:
                raise DocumentRefused(
                    BAD_REQUEST, f"{field}: names another document than the query sent with it"
                )
            resolved["query"] = trusted
            resolved.pop("documentId", None)
        elif isinstance(text, str) and self.only_trusted and _digest(text) not in self._documents:
            raise DocumentRefused(
                UNTRUSTED_DOCUMENT,
                "query: this gateway runs only trusted documents, and this is not one: send the "
                "documentId of a document your app registered",
            )
        return resolved

    def _by_id(self, named: str, field: str) -> str:
        matched = _SHA256.fullmatch(named)
        text = self._documents.get(matched.group(1)) if matched else None
        if text is None:
            raise DocumentRefused(
                UNKNOWN_DOCUMENT_ID,
                f"{field}: no trusted document has the id {named[:80]!r} "
                f"(ids are {ID_RULE}; automatic registration is not supported)",
            )
        return text


def requested_id(request: Mapping[str, Any]) -> str | None:
    """The document id a request names, by `documentId` or Apollo's persisted query hash."""
    named = request.get("documentId")
    if isinstance(named, str):
        return named
    extensions = request.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    hashed = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return hashed if isinstance(hashed, str) else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def documents_of(manifest: object, source: str) -> dict[str, str]:
    """A manifest's documents by their SHA-256 (hex), once each entry's id is a SHA-256 id and
    the hash of its document, and its document parses. Raises ManifestError naming `source`
    and the first bad entry."""
    if not isinstance(manifest, dict):
        raise ManifestError(
            f'trusted documents {source}: must be a JSON object {{"sha256:<hex>": "<document>"}}'
        )
    documents: dict[str, str] = {}
    for key, text in manifest.items():
        entry = f"trusted documents {source}, entry {str(key)[:80]!r}"
        matched = _SHA256.fullmatch(key) if isinstance(key, str) else None
        if matched is None:
            raise ManifestError(f"{entry}: the id must be {ID_RULE}, or the hex digits alone")
        if not isinstance(text, str):
            raise ManifestError(f"{entry}: the document must be a string of GraphQL")
        if _digest(text) != matched.group(1):
            raise ManifestError(
                f"{entry}: the id is not the SHA-256 of its document ({document_id(text)} is)"
            )
        try:
            parse(text)
        except GraphQLSyntaxError as broken:
            raise ManifestError(
                f"{entry}: the document does not parse ({broken.message})"
            ) from None
        documents[matched.group(1)] = text
    return documents


class TrustedRequests:
    """ASGI middleware in front of the GraphQL route (inside the body limit): turns a request
    that names a document by id into one that carries its text, so everything after it (the
    response cache, the schema) sees a plain GraphQL request; and answers a refused one itself,
    with its code, before anything runs. WebSocket subscriptions are resolved by the socket's
    handler (`gateway/websocket.py`) with the same `TrustedDocuments`."""

    def __init__(self, app: ASGIApp, *, path: str, documents: TrustedDocuments) -> None:
        self.app = app
        self.path = path
        self.documents = documents

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        try:
            if scope["method"] == "GET":
                scope = self._resolved_query_string(scope)
            elif scope["method"] == "POST":
                scope, receive = await self._resolved_body(scope, receive)
        except DocumentRefused as refused:
            await _refuse(send, refused)
            return
        await self.app(scope, receive, send)

    def _resolved_query_string(self, scope: Scope) -> Scope:
        raw: bytes = scope.get("query_string", b"")
        if not self.documents.only_trusted and b"documentId" not in raw and b"persisted" not in raw:
            return scope  # cheap: nothing to resolve or to check
        params: dict[str, Any] = dict(parse_qsl(raw.decode("latin-1")))
        if "query" not in params and "documentId" not in params and "extensions" not in params:
            return scope  # the IDE page, or a request GraphQL refuses
        try:
            extensions = json.loads(params["extensions"]) if params.get("extensions") else None
        except ValueError:
            return scope  # GraphQL answers a broken `extensions` itself
        resolved = self.documents.resolve(params | {"extensions": extensions})
        resolved["extensions"] = params.get("extensions")
        kept = {name: value for name, value in resolved.items() if value is not None}
        return {**scope, "query_string": urlencode(kept).encode("latin-1")}

    async def _resolved_body(self, scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
        body, replay = await read_body(receive)
        named = b"documentId" in body or b"persistedQuery" in body
        if not named and not self.documents.only_trusted:
            return scope, replay  # cheap: nothing to resolve or to check
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            request = None
        if not isinstance(request, dict):
            return scope, replay  # GraphQL answers it in its own words
        resolved = orjson.dumps(self.documents.resolve(request))
        headers = [(k, v) for k, v in scope.get("headers") or () if k != b"content-length"]
        headers.append((b"content-length", str(len(resolved)).encode()))
        return {**scope, "headers": headers}, replaying(resolved, receive)


async def _refuse(send: Send, refused: DocumentRefused) -> None:
    body = orjson.dumps(refused.answer())
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
