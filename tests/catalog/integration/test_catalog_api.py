"""The catalog over HTTP against the real embedded broker and store."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bookend.auth import Role
from bookend.contracts import Topic
from bookend.eventbus import KafkaSettings
from tests.catalog.integration.harness import TEACHER, Catalog
from tests.support.auth import bearer
from tests.support.polling import eventually
from tests.support.running import watching

STUDENT = bearer("student-1", Role.STUDENT)
OTHER_DISTRICT = bearer("teacher-9", Role.TEACHER, district="district-2")
OTHER_TEACHER = bearer("teacher-2", Role.TEACHER)

LESSON: dict[str, Any] = {
    "title": "Theme in short stories",
    "subject": "reading",
    "summary": "Find the theme and support it with evidence.",
    "components": [
        {"title": "Read the story", "kind": "introduce", "minutes": 15},
        {"title": "Discuss the theme", "kind": "discussion", "minutes": 20},
        {
            "title": "Write a claim",
            "kind": "practice",
            "mode_fit": "either",
            "mode_fit_reason": "the class can draft it together",
            "minutes": 10,
        },
    ],
}


async def test_healthz_needs_no_token(refusing_catalog: Catalog) -> None:
    response = await refusing_catalog.http.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_a_request_without_a_token_is_unauthenticated(refusing_catalog: Catalog) -> None:
    response = await refusing_catalog.http.get("/lessons")
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")


async def test_creating_a_lesson_returns_a_draft_with_default_mode_fits(catalog: Catalog) -> None:
    lesson = await catalog.create(LESSON)
    assert lesson["status"] == "draft"
    assert lesson["version"] == 0
    assert lesson["published_at"] is None
    assert lesson["district_id"] == "district-1"
    assert lesson["created_by"] == "teacher-1"
    assert [c["mode_fit"] for c in lesson["components"]] == ["on_demand", "live", "either"]
    fetched = await catalog.http.get(f"/lessons/{lesson['id']}", headers=TEACHER)
    assert fetched.json() == lesson


async def test_publishing_sends_lesson_published_through_the_outbox_to_kafka(
    catalog: Catalog, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    async with watching(kafka_settings, [Topic.CATALOG_LESSON], unique("watch")) as received:
        lesson = await catalog.create(LESSON)
        response = await catalog.http.post(f"/lessons/{lesson['id']}/publish", headers=TEACHER)
        assert response.status_code == 200, response.text
        published = response.json()
        assert (published["status"], published["version"]) == ("published", 1)
        await eventually(lambda: [e for e in received if e.subject == lesson["id"]])
    [event] = [e for e in received if e.subject == lesson["id"]]
    # Decoding succeeded, so the CloudEvents attributes travelled in the ce_* headers.
    assert event.type == "bookend.catalog.lesson.published.v1"
    assert event.source == "bookend/catalog"
    assert event.specversion == "1.0"
    assert event.districtid == "district-1"
    assert event.key == lesson["id"]
    assert event.data["lesson_id"] == lesson["id"]
    assert event.data["version"] == 1
    assert [c["mode_fit"] for c in event.data["components"]] == ["on_demand", "live", "either"]


async def test_publishing_twice_is_a_conflict(catalog: Catalog) -> None:
    lesson = await catalog.create(LESSON)
    await catalog.http.post(f"/lessons/{lesson['id']}/publish", headers=TEACHER)
    again = await catalog.http.post(f"/lessons/{lesson['id']}/publish", headers=TEACHER)
    assert (again.status_code, again.json()["code"]) == (409, "LESSON_ALREADY_PUBLISHED")


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        (
            {"title": "  ", "components": [{"title": "Too long", "kind": "model", "minutes": 241}]},
            {("title", "not_empty"), ("components.0.minutes", "range")},
        ),
        (
            {"components": [{"title": "Sing", "kind": "karaoke", "minutes": 5}]},
            {("components.0.kind", "enum")},
        ),
        (
            {
                "components": [
                    {
                        "title": "Watch",
                        "kind": "model",
                        "minutes": 5,
                        "media": [
                            {
                                "kind": "video",
                                "title": "v",
                                "url": "javascript:alert(1)",
                                "bytes": 5,
                                "duration_seconds": 10,
                            },
                        ],
                    }
                ]
            },
            {("components.0.media.0.url", "url")},
        ),
        (
            {"components": [{"title": "x" * 20_000, "kind": "model", "minutes": 5}] * 40},
            {(f"components.{n}.title", "max_length") for n in range(40)},
        ),
    ],
    ids=["blank title and long component", "unknown kind", "script URL", "40 long titles"],
)
async def test_an_invalid_lesson_names_each_field_and_rule_and_stores_nothing(
    refusing_catalog: Catalog, changes: dict[str, Any], broken: set[tuple[str, str]]
) -> None:
    response = await refusing_catalog.http.post("/lessons", json=LESSON | changes, headers=TEACHER)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["kind"]) == ("INVALID_INPUT", "invalid_input")
    assert {(e["field"], e["rule"]) for e in body["errors"]} == broken
    listed = await refusing_catalog.http.get("/lessons", headers=TEACHER)
    assert listed.json()["items"] == []


async def test_a_student_cannot_create_a_lesson(refusing_catalog: Catalog) -> None:
    response = await refusing_catalog.http.post("/lessons", json=LESSON, headers=STUDENT)
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")


async def test_another_districts_lesson_is_not_found(catalog: Catalog) -> None:
    lesson = await catalog.create(LESSON)
    read = await catalog.http.get(f"/lessons/{lesson['id']}", headers=OTHER_DISTRICT)
    publish = await catalog.http.post(f"/lessons/{lesson['id']}/publish", headers=OTHER_DISTRICT)
    assert (read.status_code, read.json()["code"]) == (404, "LESSON_NOT_FOUND")
    assert publish.status_code == 404
    listed = await catalog.http.get("/lessons", headers=OTHER_DISTRICT)
    assert listed.json()["items"] == []


async def test_a_student_sees_a_lesson_only_once_it_is_published(catalog: Catalog) -> None:
    lesson = await catalog.create(LESSON)
    before = await catalog.http.get(f"/lessons/{lesson['id']}", headers=STUDENT)
    await catalog.http.post(f"/lessons/{lesson['id']}/publish", headers=TEACHER)
    after = await catalog.http.get(f"/lessons/{lesson['id']}", headers=STUDENT)
    assert before.status_code == 404
    assert (after.status_code, after.json()["status"]) == (200, "published")


async def test_browsing_pages_through_the_store_with_cursors(catalog: Catalog) -> None:
    made = [(await catalog.create(LESSON | {"title": f"Lesson {n}"}))["id"] for n in range(5)]
    seen: list[str] = []
    after: str | None = None
    for _ in range(5):
        params = {"first": "2"} | ({"after": after} if after else {})
        page = (await catalog.http.get("/lessons", params=params, headers=TEACHER)).json()
        seen += [lesson["id"] for lesson in page["items"]]
        after = page["page_info"]["end_cursor"]
        if not page["page_info"]["has_next_page"]:
            break
    assert seen == made


async def test_browsing_filters_by_status_and_a_literal_title_substring(catalog: Catalog) -> None:
    fractions = await catalog.create(LESSON | {"title": "Adding Fractions (1.5)"})
    await catalog.create(LESSON | {"title": "Adding fractions 105"})
    await catalog.http.post(f"/lessons/{fractions['id']}/publish", headers=TEACHER)

    async def titles(**params: str) -> list[str]:
        page = (await catalog.http.get("/lessons", params=params, headers=TEACHER)).json()
        return [lesson["title"] for lesson in page["items"]]

    assert await titles(q="FRACTIONS") == ["Adding Fractions (1.5)", "Adding fractions 105"]
    # A regex metacharacter in q matches only itself.
    assert await titles(q="(1.5") == ["Adding Fractions (1.5)"]
    assert await titles(status="draft") == ["Adding fractions 105"]
    assert await titles(status="published", q="adding") == ["Adding Fractions (1.5)"]


async def test_a_page_size_over_a_hundred_is_refused(refusing_catalog: Catalog) -> None:
    response = await refusing_catalog.http.get("/lessons", params={"first": "101"}, headers=TEACHER)
    assert response.status_code == 422
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [("first", "range")]


async def test_every_page_stays_within_the_callers_district(catalog: Catalog) -> None:
    mine: list[str] = []
    for n in range(3):
        mine.append((await catalog.create(LESSON | {"title": f"Mine {n}"}))["id"])
        theirs = await catalog.http.post(
            "/lessons", json=LESSON | {"title": f"Theirs {n}"}, headers=OTHER_DISTRICT
        )
        assert theirs.status_code == 201
    seen: list[str] = []
    after: str | None = None
    while True:
        params = {"first": "1"} | ({"after": after} if after else {})
        page = (await catalog.http.get("/lessons", params=params, headers=TEACHER)).json()
        seen += [lesson["id"] for lesson in page["items"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == mine


async def test_a_draft_is_its_authors_until_published(catalog: Catalog) -> None:
    draft = await catalog.create(LESSON)
    read = await catalog.http.get(f"/lessons/{draft['id']}", headers=OTHER_TEACHER)
    publish = await catalog.http.post(f"/lessons/{draft['id']}/publish", headers=OTHER_TEACHER)
    listed = await catalog.http.get("/lessons", headers=OTHER_TEACHER)
    assert (read.status_code, publish.status_code) == (404, 404)
    assert listed.json()["items"] == []
    await catalog.http.post(f"/lessons/{draft['id']}/publish", headers=TEACHER)
    listed = await catalog.http.get("/lessons", headers=OTHER_TEACHER)
    assert [lesson["id"] for lesson in listed.json()["items"]] == [draft["id"]]


async def test_a_body_over_the_limit_is_refused_with_413_and_nothing_is_stored(
    refusing_catalog: Catalog,
) -> None:
    huge = LESSON | {"summary": "x" * 1_100_000}
    response = await refusing_catalog.http.post("/lessons", json=huge, headers=TEACHER)
    assert (response.status_code, response.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")
    assert (await refusing_catalog.http.get("/lessons", headers=TEACHER)).json()["items"] == []


async def test_text_with_a_lone_surrogate_is_refused_naming_the_field(
    refusing_catalog: Catalog,
) -> None:
    """Not UTF-8 encodable: the store would fail on it with a 500."""
    bad = LESSON | {
        "title": "Theme \udcff",
        "components": [{"title": "ok \ud800", "kind": "model", "minutes": 5}],
    }
    escaped = json.dumps(bad)  # "\udcff" as JSON escapes, as a client may send them
    headers = TEACHER | {"content-type": "application/json"}
    response = await refusing_catalog.http.post("/lessons", content=escaped, headers=headers)
    assert response.status_code == 422, response.text
    assert {(e["field"], e["rule"]) for e in response.json()["errors"]} == {
        ("title", "valid_text"),
        ("components.0.title", "valid_text"),
    }
    assert (await refusing_catalog.http.get("/lessons", headers=TEACHER)).json()["items"] == []
