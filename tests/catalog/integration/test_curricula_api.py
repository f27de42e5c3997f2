"""Curricula over HTTP on the real embedded store: units of lessons, moves, browsing by
curriculum, paging, and the refusals."""

from __future__ import annotations

from bookend.auth import Role
from tests.catalog.integration.harness import Catalog
from tests.support.auth import bearer

LEAD = bearer("lead-1", Role.DISTRICT_ADMIN)
TEACHER = bearer("teacher-1", Role.TEACHER)
STUDENT = bearer("student-1", Role.STUDENT)
ELSEWHERE = bearer("lead-9", Role.DISTRICT_ADMIN, district="district-2")


async def lesson(catalog: Catalog, title: str) -> str:
    body = {"title": title, "subject": "reading",
            "components": [{"title": "Hear it", "kind": "model", "minutes": 5}]}  # fmt: skip
    made = await catalog.ok("POST", "/lessons", TEACHER, json=body)
    await catalog.ok("POST", f"/lessons/{made['id']}/publish", TEACHER)
    return str(made["id"])


async def test_a_unit_of_lessons_is_built_moved_and_browsed(catalog: Catalog) -> None:
    body = {"title": "Phonics for K-2", "subject": "reading", "grade_band": "k-2"}
    made = await catalog.ok("POST", "/curricula", LEAD, json=body)
    cid = made["id"]
    for title in ("Digraphs", "Blends"):
        made = await catalog.ok("POST", f"/curricula/{cid}/units", LEAD, json={"title": title})
    digraphs, blends = (unit["id"] for unit in made["units"])
    sh, ch, other = [await lesson(catalog, t) for t in ("sh", "ch", "Not placed")]
    await catalog.ok("PUT", f"/curricula/{cid}/units/{digraphs}/lessons/{sh}", LEAD, json={})
    placed = await catalog.ok("PUT", f"/curricula/{cid}/units/{digraphs}/lessons/{ch}", LEAD,
        json={"position": 0},
    )  # fmt: skip
    assert [u["lesson_ids"] for u in placed["units"]] == [[ch, sh], []]
    moved = await catalog.ok("PUT", f"/curricula/{cid}/units/{blends}/lessons/{sh}", LEAD, json={})
    assert [u["lesson_ids"] for u in moved["units"]] == [[ch], [sh]]
    listed = await catalog.ok("GET", "/lessons", STUDENT, params={"curriculum_id": cid})
    assert {item["id"] for item in listed["items"]} == {ch, sh}
    assert other not in {item["id"] for item in listed["items"]}
    read = await catalog.ok("GET", f"/curricula/{cid}", STUDENT)
    assert read == moved
    gone = await catalog.ok("DELETE", f"/curricula/{cid}/lessons/{ch}", LEAD)
    assert [u["lesson_ids"] for u in gone["units"]] == [[], [sh]]


async def test_curricula_page_in_creation_order_within_their_district(catalog: Catalog) -> None:
    ids = [
        (await catalog.ok("POST", "/curricula", LEAD, json={"title": f"C{n}", "subject": "s"}))[
            "id"
        ]
        for n in range(3)
    ]
    first = await catalog.ok("GET", "/curricula", STUDENT, params={"first": 2})
    assert [c["id"] for c in first["items"]] == ids[:2]
    assert first["cursors"][-1] == first["page_info"]["end_cursor"]
    after = first["page_info"]["end_cursor"]
    rest = await catalog.ok("GET", "/curricula", STUDENT, params={"first": 2, "after": after})

    assert [c["id"] for c in rest["items"]] == ids[2:]
    assert rest["page_info"]["total_count"] is None  # counted only when asked
    counted = await catalog.ok("GET", "/curricula", STUDENT, params={"first": 1, "total": "true"})
    assert counted["page_info"]["total_count"] == 3
    assert (await catalog.ok("GET", "/curricula", ELSEWHERE))["items"] == []
    hidden = await catalog.http.get(f"/curricula/{ids[0]}", headers=ELSEWHERE)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "CURRICULUM_NOT_FOUND")


async def test_only_a_district_admin_writes_and_bad_input_names_field_and_rule(
    catalog: Catalog,
) -> None:
    refused = await catalog.http.post(
        "/curricula", json={"title": "Mine", "subject": "s"}, headers=TEACHER
    )
    assert refused.status_code == 403
    invalid = await catalog.http.post("/curricula", json={"title": " ", "subject": "s"},
                                      headers=LEAD)  # fmt: skip
    assert [(e["field"], e["rule"]) for e in invalid.json()["errors"]] == [("title", "not_empty")]
    made = await catalog.ok("POST", "/curricula", LEAD, json={"title": "C", "subject": "s"})
    made = await catalog.ok("POST", f"/curricula/{made['id']}/units", LEAD, json={"title": "U"})
    unit = made["units"][0]["id"]
    missing = await catalog.http.put(
        f"/curricula/{made['id']}/units/{unit}/lessons/no-such-lesson", json={}, headers=LEAD
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "LESSON_NOT_FOUND")
    assert (await catalog.ok("GET", f"/curricula/{made['id']}", LEAD)) == made
