"""A lesson's life over HTTP against the real embedded broker and store: media and variants,
publishing refused for what a published lesson may not lack, revisions and kept versions,
archiving, and lessons stored before their content had a field of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bookend.auth import Role
from bookend.contracts import Topic
from bookend.contracts.catalog import SHARED_LIBRARY
from bookend.eventbus import KafkaSettings
from bookend.mongo import connect
from services.catalog.app import create_app
from services.catalog.lessons.store import LESSONS
from services.catalog.settings import CatalogSettings
from tests.catalog.integration.harness import Catalog
from tests.support.auth import bearer
from tests.support.polling import eventually
from tests.support.running import Fresh, watching

AUTHOR = bearer("teacher-1", Role.TEACHER)
STUDENT = bearer("student-1", Role.STUDENT)
LEAD = bearer("lead-1", Role.DISTRICT_ADMIN)
CDN = "https://cdn.example.org"

VIDEO: dict[str, Any] = {
    "kind": "video",
    "title": "Placing 3/4",
    "url": f"{CDN}/place.mp4",
    "bytes": 3_000_000_000,  # over 2^31: sizes are not 32-bit
    "duration_seconds": 240,
    "captions": [{"language": "en", "url": f"{CDN}/place.en.vtt"}],
    "variants": [
        {"kind": "small", "url": f"{CDN}/place-240p.mp4", "bytes": 9_000_000},
        {"kind": "audio_only", "url": f"{CDN}/place.m4a", "bytes": 2_000_000},
        {"kind": "transcript", "url": f"{CDN}/place.txt", "bytes": 4_000},
    ],
    "downloadable": True,
}
LESSON: dict[str, Any] = {
    "title": "Fractions on a number line",
    "subject": "maths",
    "grade_band": "3-5",
    "objectives": ["Place a fraction between 0 and 1"],
    "standards": ["CCSS.MATH.CONTENT.3.NF.A.2"],
    "estimated_minutes": 25,
    "components": [
        {
            "title": "Watch it placed",
            "kind": "model",
            "minutes": 5,
            "instructions": "Pause before each placement and guess.",
            "media": [VIDEO],
        },
        {"title": "Discuss", "kind": "discussion", "minutes": 20},
    ],
}


async def test_media_variants_and_metadata_are_kept_and_listed_fullest_first(
    catalog: Catalog,
) -> None:
    lesson = await catalog.ok("POST", "/lessons", AUTHOR, json=LESSON)
    assert (lesson["grade_band"], lesson["minutes"], lesson["standards"]) == (
        "3-5",
        25,
        ["CCSS.MATH.CONTENT.3.NF.A.2"],
    )
    assert lesson["download_bytes"] == 3_000_000_000
    [media] = lesson["components"][0]["media"]
    assert [(r["variant"], r["bytes"]) for r in media["renditions"]] == [
        (None, 3_000_000_000),
        ("small", 9_000_000),
        ("audio_only", 2_000_000),
        ("transcript", 4_000),
    ]
    again = await catalog.ok("GET", f"/lessons/{lesson['id']}", AUTHOR)
    assert again == lesson


async def test_a_video_without_captions_is_refused_naming_it_and_changes_nothing(
    catalog: Catalog,
) -> None:
    bare = {**VIDEO, "captions": [], "variants": VIDEO["variants"][:2]}
    body = {**LESSON, "components": [{**LESSON["components"][0], "media": [bare]}]}
    body["estimated_minutes"] = 5
    lesson = await catalog.ok("POST", "/lessons", AUTHOR, json=body)
    refused = await catalog.http.post(f"/lessons/{lesson['id']}/publish", headers=AUTHOR)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "LESSON_NOT_PUBLISHABLE"
    assert [(e["field"], e["rule"]) for e in problem["errors"]] == [
        ("components.0.media.0", "captions_or_transcript")
    ]
    assert "'Placing 3/4'" in problem["errors"][0]["message"]
    assert "'Watch it placed'" in problem["errors"][0]["message"]
    unchanged = await catalog.ok("GET", f"/lessons/{lesson['id']}", AUTHOR)
    assert (unchanged["status"], unchanged["version"]) == ("draft", 0)


async def test_a_revision_is_published_as_version_two_and_version_one_stays_readable(
    catalog: Catalog, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    async with watching(kafka_settings, [Topic.CATALOG_LESSON], unique("watch")) as received:
        lesson = await catalog.ok("POST", "/lessons", AUTHOR, json=LESSON)
        lesson_id = lesson["id"]
        await catalog.ok("POST", f"/lessons/{lesson_id}/publish", AUTHOR)
        component_ids = [c["id"] for c in lesson["components"]]
        edits = {
            **LESSON,
            "title": "Fractions on a number line, revised",
            "components": [
                {**c, "id": cid} for c, cid in zip(LESSON["components"], component_ids, strict=True)
            ],
        }
        edited = await catalog.ok("PUT", f"/lessons/{lesson_id}", AUTHOR, json=edits)
        assert edited["title"] == LESSON["title"]
        assert edited["revision"]["title"] == "Fractions on a number line, revised"
        seen = await catalog.ok("GET", f"/lessons/{lesson_id}", STUDENT)
        assert (seen["title"], seen["revision"]) == (LESSON["title"], None)
        second = await catalog.ok("POST", f"/lessons/{lesson_id}/publish", AUTHOR)
        assert (second["version"], second["title"], second["revision"]) == (
            2,
            "Fractions on a number line, revised",
            None,
        )
        assert [c["id"] for c in second["components"]] == component_ids
        await eventually(lambda: len([e for e in received if e.subject == lesson_id]) == 2)
    events = [e for e in received if e.subject == lesson_id]
    assert [(e.type, e.data["version"]) for e in events] == [
        ("bookend.catalog.lesson.published.v1", 1),
        ("bookend.catalog.lesson.revised.v1", 2),
    ]
    assert (events[1].data["grade_band"], events[1].data["estimated_minutes"]) == ("3-5", 25)
    first = await catalog.ok("GET", f"/lessons/{lesson_id}/versions/1", STUDENT)
    assert (first["version"], first["title"]) == (1, LESSON["title"])
    missing = await catalog.http.get(f"/lessons/{lesson_id}/versions/3", headers=STUDENT)
    assert (missing.status_code, missing.json()["code"]) == (404, "LESSON_VERSION_NOT_FOUND")


async def test_an_archived_lesson_is_announced_listed_apart_and_written_no_more(
    catalog: Catalog, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    async with watching(kafka_settings, [Topic.CATALOG_LESSON], unique("watch")) as received:
        lesson = await catalog.ok("POST", "/lessons", AUTHOR, json=LESSON)
        lesson_id = lesson["id"]
        await catalog.ok("POST", f"/lessons/{lesson_id}/publish", AUTHOR)
        archived = await catalog.ok("POST", f"/lessons/{lesson_id}/archive", LEAD)
        assert archived["status"] == "archived"
        await eventually(
            lambda: any(e.type.endswith("archived.v1") and e.subject == lesson_id for e in received)
        )
    refused = await catalog.http.put(f"/lessons/{lesson_id}", json=LESSON, headers=AUTHOR)
    assert (refused.status_code, refused.json()["code"]) == (409, "LESSON_ARCHIVED")
    listed = await catalog.ok("GET", "/lessons", AUTHOR)
    assert lesson_id not in [item["id"] for item in listed["items"]]
    asked = await catalog.ok("GET", "/lessons", AUTHOR, params={"status": "archived"})
    assert [item["id"] for item in asked["items"]] == [lesson_id]


async def test_a_teacher_may_not_change_another_teachers_lesson(catalog: Catalog) -> None:
    lesson = await catalog.ok("POST", "/lessons", AUTHOR, json=LESSON)
    await catalog.ok("POST", f"/lessons/{lesson['id']}/publish", AUTHOR)
    other = bearer("teacher-2", Role.TEACHER)
    refused = await catalog.http.put(f"/lessons/{lesson['id']}", json=LESSON, headers=other)
    assert refused.status_code == 403
    school_admin = bearer("admin-9", Role.SCHOOL_ADMIN, school="school-1")
    refused = await catalog.http.post("/lessons", json=LESSON, headers=school_admin)
    assert refused.status_code == 403


async def test_lessons_stored_before_content_was_nested_are_read_after_start_up(
    fresh: Fresh,
) -> None:
    settings = fresh.settings(CatalogSettings, "catalog")
    client = connect(fresh.mongo)
    try:
        old = {
            "_id": "lesson-old",
            "district_id": "district-1",
            "title": "Stored long ago",
            "subject": "reading",
            "summary": "",
            "status": "published",
            "version": 1,
            "components": [
                {"id": "c1", "title": "Read", "kind": "introduce", "mode_fit": "on_demand",
                 "minutes": 10},
            ],
            "created_by": "teacher-1",
            "created_at": datetime(2025, 9, 1, tzinfo=UTC),
            "published_at": datetime(2025, 9, 2, tzinfo=UTC),
        }  # fmt: skip
        await client[settings.database][LESSONS].insert_one(old)
    finally:
        await client.close()
    async with fresh.serve(create_app, settings, "catalog") as served:
        catalog = Catalog(served.http)
        lesson = await catalog.ok("GET", "/lessons/lesson-old", STUDENT)
        assert (lesson["title"], lesson["version"], lesson["minutes"]) == ("Stored long ago", 1, 10)
        edited = await catalog.ok("PUT", "/lessons/lesson-old", AUTHOR, json=LESSON)
        assert edited["revision"]["title"] == LESSON["title"]


async def test_a_district_adopts_a_shared_lesson_as_its_own_draft(catalog: Catalog) -> None:
    curator = bearer("curator-1", Role.DISTRICT_ADMIN, district=SHARED_LIBRARY)
    shared = await catalog.ok("POST", "/lessons", curator, json=LESSON)
    await catalog.ok("POST", f"/lessons/{shared['id']}/publish", curator)
    listed = await catalog.ok("GET", "/lessons", AUTHOR, params={"library": "shared"})
    assert [item["id"] for item in listed["items"]] == [shared["id"]]
    adopted = await catalog.ok("POST", f"/lessons/{shared['id']}/adopt", AUTHOR)
    assert (adopted["district_id"], adopted["status"], adopted["adopted_from"]) == (
        "district-1",
        "draft",
        {"lesson_id": shared["id"], "version": 1},
    )
    assert adopted["title"] == LESSON["title"]
    again = await catalog.http.post(f"/lessons/{adopted['id']}/adopt", headers=AUTHOR)
    assert (again.status_code, again.json()["code"]) == (409, "LESSON_NOT_SHARED")
    refused = await catalog.http.put(f"/lessons/{shared['id']}", json=LESSON, headers=AUTHOR)
    assert refused.status_code == 404


async def test_many_lessons_are_read_at_once_as_each_would_be_alone(catalog: Catalog) -> None:
    curator = bearer("curator-1", Role.DISTRICT_ADMIN, district=SHARED_LIBRARY)
    other_district = bearer("teacher-9", Role.TEACHER, district="district-2")
    published = await catalog.ok("POST", "/lessons", AUTHOR, json=LESSON)
    await catalog.ok("POST", f"/lessons/{published['id']}/publish", AUTHOR)
    draft = await catalog.ok("POST", "/lessons", AUTHOR, json=LESSON)
    shared = await catalog.ok("POST", "/lessons", curator, json=LESSON)
    await catalog.ok("POST", f"/lessons/{shared['id']}/publish", curator)
    theirs = await catalog.ok("POST", "/lessons", other_district, json=LESSON)
    ids = [draft["id"], published["id"], shared["id"], theirs["id"], "no-such", published["id"]]
    for who, expected in (
        (AUTHOR, [draft["id"], published["id"], shared["id"]]),
        (STUDENT, [published["id"], shared["id"]]),
    ):
        found = await catalog.ok("GET", "/lessons/by-id", who, params={"id": ids})
        assert [item["id"] for item in found["items"]] == expected
        for item in found["items"]:
            alone = await catalog.ok("GET", f"/lessons/{item['id']}", who)
            assert item == alone
    refused = await catalog.http.get(
        "/lessons/by-id", params={"id": [f"l{n}" for n in range(101)]}, headers=AUTHOR
    )
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [("id", "max_items")]
