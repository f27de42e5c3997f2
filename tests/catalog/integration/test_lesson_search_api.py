"""Searching and filtering lessons over HTTP on the real embedded store: the same ranks, filters
and cursors as the in-memory store, and lessons stored before search fields existed are found
after a start-up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bookend.auth import Role
from bookend.mongo import connect
from services.catalog.app import create_app
from services.catalog.lessons.store import LESSONS
from services.catalog.settings import CatalogSettings
from tests.catalog.integration.harness import Catalog
from tests.support.auth import bearer
from tests.support.running import Fresh

LEAD = bearer("lead-1", Role.DISTRICT_ADMIN)
STUDENT = bearer("student-1", Role.STUDENT)
OTHER_DISTRICT = bearer("student-9", Role.STUDENT, district="district-2")
READ = {"title": "Read", "kind": "introduce", "minutes": 10}
VIDEO = {
    "kind": "video",
    "title": "Worked example",
    "url": "https://cdn.example.org/example.mp4",
    "bytes": 40_000_000,
    "duration_seconds": 300,
    "captions": [{"language": "en", "url": "https://cdn.example.org/example.vtt"}],
    "downloadable": True,
}


async def published(catalog: Catalog, title: str, **content: Any) -> str:
    body = {"title": title, "subject": "maths", "components": [READ]} | content
    made = await catalog.http.post("/lessons", json=body, headers=LEAD)
    assert made.status_code == 201, made.text
    lesson_id: str = made.json()["id"]
    done = await catalog.http.post(f"/lessons/{lesson_id}/publish", headers=LEAD)
    assert done.status_code == 200, done.text
    return lesson_id


async def titles(catalog: Catalog, headers: dict[str, str] = STUDENT, **params: Any) -> list[str]:
    response = await catalog.http.get("/lessons", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_a_search_ranks_title_matches_first_and_pages_across_the_ranks(
    catalog: Catalog,
) -> None:
    await published(catalog, "Pizza halves", objectives=["Equivalent fractions of a pizza"])
    await published(catalog, "Equivalent fractions")
    await published(catalog, "Theme in short stories")
    await published(catalog, "Fractions that are equivalent")
    assert await titles(catalog, q="equivalent fraction") == [
        "Equivalent fractions",
        "Fractions that are equivalent",
        "Pizza halves",
    ]
    seen: list[str] = []
    after: str | None = None
    for _ in range(5):
        params: dict[str, str | int] = {"q": "Équivalent FRACTIONS", "first": 1}
        if after is not None:
            params["after"] = after
        page = (await catalog.http.get("/lessons", params=params, headers=STUDENT)).json()
        seen += [item["title"] for item in page["items"]]
        assert page["cursors"] == [page["page_info"]["end_cursor"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == ["Equivalent fractions", "Fractions that are equivalent", "Pizza halves"]
    assert await titles(catalog, OTHER_DISTRICT, q="fractions") == []


async def test_a_search_counts_both_its_ranks_when_asked(catalog: Catalog) -> None:
    await published(catalog, "Pizza halves", objectives=["Equivalent fractions of a pizza"])
    await published(catalog, "Equivalent fractions")
    await published(catalog, "Theme in short stories")
    params: dict[str, str | int] = {"q": "equivalent fractions", "first": 1}
    counted = await catalog.http.get("/lessons", params=params | {"total": "true"}, headers=STUDENT)
    counted_page = counted.json()
    assert counted_page["page_info"]["total_count"] == 2  # the title's match and an objective's
    assert len(counted_page["items"]) == 1
    plain = (await catalog.http.get("/lessons", params=params, headers=STUDENT)).json()
    assert plain["page_info"]["total_count"] is None
    every = (await catalog.http.get("/lessons", params={"total": "true"}, headers=STUDENT)).json()
    assert every["page_info"]["total_count"] == 3


async def test_each_filter_narrows_the_list_on_the_store(catalog: Catalog) -> None:
    await published(
        catalog, "Fractions", grade_band="3-5", standards=["CCSS.MATH.CONTENT.3.NF.A.1"]
    )
    watch = {"title": "Watch", "kind": "model", "minutes": 10, "media": [VIDEO]}
    await published(catalog, "Number lines", components=[watch])
    debate = {"title": "Argue", "kind": "discussion", "minutes": 20}
    await published(catalog, "Debate", subject="Reading", components=[debate])
    assert set(await titles(catalog, subject="MATHS")) == {"Fractions", "Number lines"}
    assert await titles(catalog, grade_band="3-5") == ["Fractions"]
    assert await titles(catalog, standard="ccss.math.content.3.nf.a.1") == ["Fractions"]
    assert await titles(catalog, mode_fit="live") == ["Debate"]
    assert await titles(catalog, media_kind="video") == ["Number lines"]
    assert set(await titles(catalog, max_download_bytes=39_999_999)) == {"Fractions", "Debate"}
    assert len(await titles(catalog, max_download_bytes=40_000_000)) == 3
    assert await titles(catalog, subject="reading", mode_fit="on_demand") == []
    refused = await catalog.http.get("/lessons", params={"max_download_bytes": -5}, headers=STUDENT)
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [
        ("max_download_bytes", "range")
    ]


async def test_lessons_stored_before_search_fields_are_found_after_start_up(
    fresh: Fresh,
) -> None:
    settings = fresh.settings(CatalogSettings, "catalog")
    client = connect(fresh.mongo)
    try:
        old = {
            "_id": "lesson-old",
            "district_id": "district-1",
            "status": "published",
            "version": 1,
            "content": {"title": "Ancient fractions", "subject": "maths", "summary": "",
                        "components": [{"id": "c1", "title": "Read", "kind": "introduce",
                                        "mode_fit": "on_demand", "minutes": 10}]},
            "created_by": "teacher-1",
            "created_at": datetime(2025, 9, 1, tzinfo=UTC),
            "published_at": datetime(2025, 9, 2, tzinfo=UTC),
            "edits": 1,
        }  # fmt: skip
        await client[settings.database][LESSONS].insert_one(old)
    finally:
        await client.close()
    async with fresh.serve(create_app, settings, "catalog") as served:
        assert await titles(Catalog(served.http), q="fractions", subject="maths") == [
            "Ancient fractions"
        ]
