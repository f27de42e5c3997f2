"""Trusted documents (ADR 0043): a request may name a registered document by its id instead of
sending it, over HTTP and WebSocket; with only trusted documents accepted, every other document
is refused with a code before anything runs; and a manifest the gateway cannot use stops it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from bookend.auth import Role
from bookend.http_contracts.catalog import LessonList
from gateway.settings import GatewaySettings
from gateway.trusted import DocumentRefused, ManifestError, TrustedDocuments, document_id
from tests.gateway.apps import gateway_app, websocket
from tests.gateway.feeds import a_page, a_task
from tests.gateway.stubs import StubServices, a_lesson
from tests.support.auth import bearer, token_for
from tests.support.global_ids import gid

LESSON = 'query Lesson { lesson(id: "l1") { id title } }'
FEED = "query Feed { feed(first: 5) { edges { node { id } } } }"
EVENTS = 'subscription Live { sessionEvents(sessionId: "s1") { __typename } }'
OTHER = '{ lesson(id: "l1") { id } }'
TEACHER = bearer("teacher-1", Role.TEACHER)
AMARA = bearer("student-1", Role.STUDENT)


def a_manifest(folder: Path, *documents: str, **entries: object) -> Path:
    """A manifest as GraphQL Code Generator or Relay writes one: id to document."""
    path = folder / "persisted-documents.json"
    path.write_text(json.dumps({document_id(d): d for d in documents} | entries))
    return path


@pytest.fixture
def services() -> StubServices:
    services = StubServices()
    services.catalog.answer("GET", "/lessons/by-id", LessonList(items=[a_lesson("l1")]))
    services.scheduler.answer("GET", "/feed", a_page(a_task()))
    return services


def an_app(folder: Path, services: StubServices, *, only_trusted: bool) -> FastAPI:
    manifest = a_manifest(folder, LESSON, FEED, EVENTS)
    settings = GatewaySettings(trusted_documents=manifest, only_trusted_documents=only_trusted)
    return gateway_app(settings, services)


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body["errors"]]


@pytest.mark.parametrize(
    "request_body",
    [
        {"documentId": document_id(LESSON)},
        {"documentId": document_id(LESSON).removeprefix("sha256:")},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_id(LESSON)[7:]}}},
        {"documentId": document_id(LESSON), "query": LESSON, "operationName": "Lesson"},
    ],
    ids=["documentId", "bare hex", "Apollo's persisted query", "id and text agreeing"],
)
async def test_a_document_sent_by_its_id_runs_as_if_sent_in_full(
    tmp_path: Path, services: StubServices, request_body: dict[str, Any]
) -> None:
    async with client(an_app(tmp_path, services, only_trusted=True)) as http:
        answer = await http.post("/graphql", json=request_body, headers=TEACHER)
    assert answer.status_code == 200
    assert answer.json()["data"] == {
        "lesson": {"id": gid("Lesson", "l1"), "title": "Theme in texts"}
    }


async def test_a_document_id_in_a_get_request_runs_too(
    tmp_path: Path, services: StubServices
) -> None:
    params = {"documentId": document_id(LESSON), "operationName": "Lesson"}
    async with client(an_app(tmp_path, services, only_trusted=True)) as http:
        answer = await http.get("/graphql", params=params, headers=TEACHER)
    assert answer.json()["data"] == {
        "lesson": {"id": gid("Lesson", "l1"), "title": "Theme in texts"}
    }


@pytest.mark.parametrize("only_trusted", [True, False], ids=["only trusted", "any document"])
@pytest.mark.parametrize(
    "named",
    [document_id(OTHER), "sha256:" + "0" * 64, "md5:0cc175b9c0f1b6a831c399e269772661", ""],
    ids=["not registered", "unknown hash", "another scheme", "empty"],
)
async def test_an_unknown_id_is_refused_with_its_code_and_reaches_no_service(
    tmp_path: Path, services: StubServices, only_trusted: bool, named: str
) -> None:
    async with client(an_app(tmp_path, services, only_trusted=only_trusted)) as http:
        answer = await http.post("/graphql", json={"documentId": named}, headers=TEACHER)
    body = answer.json()
    assert (answer.status_code, body["data"], codes(body)) == (200, None, ["UNKNOWN_DOCUMENT_ID"])
    assert body["errors"][0]["message"].startswith("documentId: no trusted document has the id")
    assert services.catalog.requests == []


async def test_an_id_and_a_text_that_disagree_are_refused(
    tmp_path: Path, services: StubServices
) -> None:
    request = {"documentId": document_id(LESSON), "query": OTHER}
    async with client(an_app(tmp_path, services, only_trusted=False)) as http:
        body = (await http.post("/graphql", json=request, headers=TEACHER)).json()
    assert codes(body) == ["BAD_REQUEST"] and services.catalog.requests == []


async def test_only_trusted_documents_refuses_any_other_text_before_anything_runs(
    tmp_path: Path, services: StubServices
) -> None:
    app = an_app(tmp_path, services, only_trusted=True)
    async with client(app) as http:
        refused = await http.post("/graphql", json={"query": OTHER}, headers=TEACHER)
        by_get = await http.get("/graphql", params={"query": OTHER}, headers=TEACHER)
        trusted = await http.post("/graphql", json={"query": LESSON}, headers=TEACHER)
    for answer in (refused, by_get):
        body = answer.json()
        assert (answer.status_code, body["data"], codes(body)) == (
            200,
            None,
            ["UNTRUSTED_DOCUMENT"],
        )
    assert len(services.catalog.requests) == 1  # the trusted one's, in full text
    assert trusted.json()["data"]["lesson"]["id"] == gid("Lesson", "l1")


async def test_without_the_setting_any_document_still_runs(
    tmp_path: Path, services: StubServices
) -> None:
    async with client(an_app(tmp_path, services, only_trusted=False)) as http:
        answer = await http.post("/graphql", json={"query": OTHER}, headers=TEACHER)
    assert answer.json()["data"] == {"lesson": {"id": gid("Lesson", "l1")}}


async def test_a_feed_read_by_id_is_kept_and_found_again_by_id_or_by_text(
    tmp_path: Path, services: StubServices
) -> None:
    app = an_app(tmp_path, services, only_trusted=True)
    async with client(app) as http:
        answers = [
            await http.post("/graphql", json=request, headers=AMARA)
            for request in ({"documentId": document_id(FEED)}, {"documentId": document_id(FEED)})
        ]
        answers.append(await http.post("/graphql", json={"query": FEED}, headers=AMARA))
    assert [answer.headers["bookend-cache"] for answer in answers] == ["miss", "hit", "hit"]
    assert len({json.dumps(answer.json()["data"]) for answer in answers}) == 1
    assert len(services.scheduler.requests) == 1


async def test_a_subscription_names_its_document_by_id_and_an_untrusted_one_is_refused(
    tmp_path: Path, services: StubServices
) -> None:
    app = an_app(tmp_path, services, only_trusted=True)
    untrusted = EVENTS.replace("__typename", "__typename ... on SessionStatusChanged { status }")
    token = token_for("teacher-1", Role.TEACHER)
    async with websocket(app, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send_json(init)
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        for number, payload in enumerate(
            [{"query": untrusted}, {"documentId": document_id(OTHER)}], start=1
        ):
            await ws.send_json({"id": str(number), "type": "subscribe", "payload": payload})
            refused = await ws.receive_json(timeout=5)
            assert (refused["id"], refused["type"]) == (str(number), "error")
            assert [e["extensions"]["code"] for e in refused["payload"]] == [
                ["UNTRUSTED_DOCUMENT", "UNKNOWN_DOCUMENT_ID"][number - 1]
            ]
        assert services.scheduler.requests == []

        # By id, the subscription starts by asking the scheduler for the session.
        by_id = {"documentId": document_id(EVENTS)}
        await ws.send_json({"id": "3", "type": "subscribe", "payload": by_id})
        assert (await ws.receive_json(timeout=5))["id"] == "3"
        assert services.scheduler.requests


@pytest.mark.parametrize(
    ("write", "names"),
    [
        (None, "cannot be read"),
        ("{ not json", "not JSON"),
        ('["a list"]', "must be a JSON object"),
        (json.dumps({"sha1:abc": LESSON}), "entry 'sha1:abc': the id must be sha256:"),
        (json.dumps({document_id(OTHER): LESSON}), f"entry {document_id(OTHER)!r}: the id is not"),
        (json.dumps({document_id(LESSON): 7}), "the document must be a string"),
        (json.dumps({document_id("{ x"): "{ x"}), f"entry {document_id('{ x')!r}: the document"),
    ],
    ids=["unreadable", "not JSON", "not an object", "not sha256", "hash of another document",
         "not text", "does not parse"],
)  # fmt: skip
def test_a_manifest_the_gateway_cannot_use_stops_it_naming_the_file_and_entry(
    tmp_path: Path, write: str | None, names: str
) -> None:
    path = tmp_path / "manifest.json"
    if write is not None:
        path.write_text(write)
    settings = GatewaySettings(trusted_documents=path)
    with pytest.raises(ManifestError) as stopped:
        gateway_app(settings, StubServices())
    assert str(path) in str(stopped.value) and names in str(stopped.value)


def test_a_manifest_keys_its_documents_by_prefixed_or_bare_hash(tmp_path: Path) -> None:
    bare = hashlib.sha256(OTHER.encode()).hexdigest()
    manifest = a_manifest(tmp_path, LESSON, **{bare: OTHER})
    trusted = TrustedDocuments.from_manifest(manifest, only_trusted=True)
    assert len(trusted) == 2
    assert trusted.resolve({"documentId": "sha256:" + bare})["query"] == OTHER


def test_only_trusted_documents_needs_a_manifest() -> None:
    with pytest.raises(ValidationError, match="only_trusted_documents needs trusted_documents"):
        GatewaySettings(only_trusted_documents=True)


def test_an_empty_setting_is_no_manifest_as_a_deployment_leaves_it() -> None:
    assert GatewaySettings.model_validate({"trusted_documents": ""}).trusted_documents is None


def test_a_refusal_names_the_field_the_id_came_in() -> None:
    trusted = TrustedDocuments({}, only_trusted=False)
    apollo = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
    with pytest.raises(DocumentRefused) as refused:
        trusted.resolve(apollo)
    assert refused.value.message.startswith(
        "extensions.persistedQuery.sha256Hash: no trusted document has the id"
    )
