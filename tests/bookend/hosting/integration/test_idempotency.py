"""A write retried with its idempotency key is applied once; a store outage ends a request within
its time budget with a 503, and nothing is written after it (real broker and store).

The catalog is the vehicle: every keyed route shares the same machinery (ADR 0013).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bookend.auth import Role
from bookend.contracts import Topic
from services.catalog.app import create_app
from services.catalog.settings import CatalogSettings
from tests.catalog.integration.test_catalog_api import LESSON
from tests.support.auth import bearer
from tests.support.own import OwnStore
from tests.support.own import own_store as own_store_of
from tests.support.polling import eventually
from tests.support.running import Fresh, Served, watching

TEACHER = bearer("teacher-1", Role.TEACHER)
OTHER_TEACHER = bearer("teacher-2", Role.TEACHER)


def keyed(key: str, caller: dict[str, str] = TEACHER) -> dict[str, str]:
    return {**caller, "Idempotency-Key": key}


@pytest.fixture
async def catalog(fresh: Fresh) -> AsyncIterator[Served]:
    async with fresh.serve(create_app, fresh.settings(CatalogSettings, "catalog"), "catalog") as it:
        yield it


async def lessons(http: httpx.AsyncClient, caller: dict[str, str] = TEACHER) -> list[str]:
    listed = await http.get("/lessons", headers=caller)
    assert listed.status_code == 200, listed.text
    return [lesson["id"] for lesson in listed.json()["items"]]


async def test_a_create_retried_with_its_key_returns_the_first_lesson_and_adds_none(
    catalog: Served,
) -> None:
    first = await catalog.http.post("/lessons", json=LESSON, headers=keyed("create-1"))
    again = await catalog.http.post("/lessons", json=LESSON, headers=keyed("create-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert await lessons(catalog.http) == [first.json()["id"]]


async def test_without_a_key_a_retry_writes_again(catalog: Served) -> None:
    for _ in range(2):
        await catalog.http.post("/lessons", json=LESSON, headers=TEACHER)
    assert len(await lessons(catalog.http)) == 2


async def test_a_publish_retried_with_its_key_answers_as_the_first_time_and_sends_one_event(
    catalog: Served, fresh: Fresh
) -> None:
    async with watching(fresh.kafka, [Topic.CATALOG_LESSON], fresh.unique("watch")) as received:
        lesson = (await catalog.http.post("/lessons", json=LESSON, headers=TEACHER)).json()
        path = f"/lessons/{lesson['id']}/publish"
        first = await catalog.http.post(path, headers=keyed("publish-1"))
        again = await catalog.http.post(path, headers=keyed("publish-1"))
        # Without the key, the same retry is refused: the lesson is published already.
        unkeyed = await catalog.http.post(path, headers=TEACHER)
        await eventually(lambda: [e for e in received if e.subject == lesson["id"]])
        await asyncio.sleep(0.5)  # room for a second event, were one sent
    assert (first.status_code, again.status_code, unkeyed.status_code) == (200, 200, 409)
    assert again.json() == first.json()
    assert len([e for e in received if e.subject == lesson["id"]]) == 1


async def test_a_key_used_again_for_another_request_is_refused_naming_the_header(
    catalog: Served,
) -> None:
    await catalog.http.post("/lessons", json=LESSON, headers=keyed("reused"))
    other = LESSON | {"title": "Another lesson"}
    response = await catalog.http.post("/lessons", json=other, headers=keyed("reused"))
    assert response.status_code == 422
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [
        ("Idempotency-Key", "same_request")
    ]
    assert len(await lessons(catalog.http)) == 1


async def test_two_callers_keys_never_meet(catalog: Served) -> None:
    mine = await catalog.http.post("/lessons", json=LESSON, headers=keyed("k", TEACHER))
    theirs = await catalog.http.post("/lessons", json=LESSON, headers=keyed("k", OTHER_TEACHER))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


async def test_one_key_sent_many_times_at_once_writes_once(catalog: Served) -> None:
    answers = await asyncio.gather(
        *(catalog.http.post("/lessons", json=LESSON, headers=keyed("racing")) for _ in range(6))
    )
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert len(await lessons(catalog.http)) == 1


@pytest.mark.parametrize("key", ["", "k" * 201, "tab\there"], ids=["empty", "too long", "tab"])
async def test_a_malformed_key_is_refused_and_nothing_written(catalog: Served, key: str) -> None:
    response = await catalog.http.post("/lessons", json=LESSON, headers=keyed(key))
    assert response.status_code == 422
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [
        ("Idempotency-Key", "valid_key")
    ]
    assert await lessons(catalog.http) == []


@pytest.fixture
def own_store(tmp_path: Path) -> Iterator[OwnStore]:
    with own_store_of(tmp_path / "logs", tmp_path / "mongo") as store:
        yield store


BUDGET = 1.0


# aiokafka and PyMongo leave failed connection tasks behind when a peer dies under them.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_store_outage_answers_503_within_the_budget_and_the_keyed_retry_writes_once(
    fresh: Fresh, own_store: OwnStore, unique: Callable[[str], str]
) -> None:
    mongo = fresh.mongo.model_copy(
        update={"uri": own_store.uri, "server_selection_timeout_ms": 500}
    )
    isolated = Fresh(fresh.kafka, mongo, fresh.auth, unique)
    settings = isolated.settings(CatalogSettings, "catalog").model_copy(
        update={"request_budget_seconds": BUDGET}
    )
    async with isolated.serve(create_app, settings, "catalog") as it:
        assert (await it.http.post("/lessons", json=LESSON, headers=TEACHER)).status_code == 201
        own_store.kill()
        # A deadline, not a speed figure: without the budget this request waits 120 s.
        async with asyncio.timeout(BUDGET * 10):
            refused = await it.http.post("/lessons", json=LESSON, headers=keyed("outage"))
        assert refused.status_code == 503, refused.text
        problem: dict[str, Any] = refused.json()
        assert (problem["kind"], problem["code"]) == ("unavailable", "UNAVAILABLE")
        assert refused.headers["retry-after"] == "1"

        own_store.start()  # the same data, on the same port
        assert len(await eventually(lambda: _listed(it.http), seconds=20)) == 1  # none added
        retried = await it.http.post("/lessons", json=LESSON, headers=keyed("outage"))
        again = await it.http.post("/lessons", json=LESSON, headers=keyed("outage"))
        assert (retried.status_code, again.status_code) == (201, 201)
        assert again.json() == retried.json()
        assert len(await lessons(it.http)) == 2


async def _listed(http: httpx.AsyncClient) -> list[str] | None:
    try:
        return await lessons(http)
    except AssertionError:
        return None
