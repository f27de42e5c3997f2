"""Every catalog operation, fed generated and hostile input as a teacher: never a 5xx or a
hang, and every refusal names its field and rule."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis

from bookend.auth import Role
from services.catalog.app import create_app
from services.catalog.settings import CatalogSettings
from tests.conftest import Embedded, fresh_on
from tests.fuzz.integration.harness import aim, answer, openapi_schema
from tests.support.auth import token_for
from tests.support.fuzzing import DEADLINE

TEACHER = token_for("teacher-1", Role.TEACHER)
LEAD = token_for("lead-1", Role.DISTRICT_ADMIN)

CATALOG = openapi_schema(create_app, CatalogSettings())
KNOWN: dict[str, list[Any]] = {
    "lesson_id": [],  # filled once the app runs: a draft and a published lesson of the teacher's
    "version": [1],
    # Every path parameter of a path that has one `known` must be here too: filled below.
    "curriculum_id": [],
    "unit_id": [],
    "title": ["Theme in short stories"],
    "subject": ["reading"],
    "components": [[{"title": "Read the story", "kind": "introduce", "minutes": 15}]],
}
aim(CATALOG, KNOWN)

LESSON: dict[str, Any] = {
    "title": "Theme in short stories",
    "subject": "reading",
    "summary": "Find the theme and support it with evidence.",
    "components": [{"title": "Read the story", "kind": "introduce", "minutes": 15}],
}


def create(url: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{url}/lessons",
        json=body,
        headers={"Authorization": f"Bearer {TEACHER}"},
        timeout=DEADLINE,
    )


@pytest.fixture(scope="module")
def catalog(embedded: Embedded) -> Iterator[str]:
    fresh = fresh_on(embedded)
    settings = fresh.settings(CatalogSettings, "catalog")
    with fresh.served_over_http(create_app, settings) as url:
        draft, published = (create(url, LESSON).json()["id"] for _ in range(2))
        publish = httpx.post(
            f"{url}/lessons/{published}/publish",
            headers={"Authorization": f"Bearer {TEACHER}"},
            timeout=DEADLINE,
        )
        assert publish.status_code == 200, publish.text
        KNOWN["lesson_id"][:] = [draft, published]
        lead = {"Authorization": f"Bearer {LEAD}"}
        made = httpx.post(f"{url}/curricula", json={"title": "C", "subject": "s"}, headers=lead,
                          timeout=DEADLINE)  # fmt: skip
        curriculum = made.json()["id"]
        unit = httpx.post(f"{url}/curricula/{curriculum}/units", json={"title": "U"},
                          headers=lead, timeout=DEADLINE).json()["units"][0]["id"]  # fmt: skip
        KNOWN["curriculum_id"][:] = [curriculum]
        KNOWN["unit_id"][:] = [unit]
        yield url


@CATALOG.parametrize()
def test_no_request_makes_the_catalog_fail_or_hang(
    case: schemathesis.Case[Any], catalog: str
) -> None:
    answer(case, catalog, TEACHER)


LONG = "x" * 10_000
YEAR_1_CURSOR = base64.urlsafe_b64encode(
    json.dumps({"created_at": "0001-01-01T00:00:00+05:00", "id": "lesson-1"}).encode()
).decode()


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"title": LONG}, "title", "max_length"),
        ({"subject": LONG}, "subject", "max_length"),
        ({"summary": LONG}, "summary", "max_length"),
        (
            {"components": [{"title": LONG, "kind": "model", "minutes": 5}]},
            "components.0.title",
            "max_length",
        ),
        ({"title": "Theme\x00"}, "title", "valid_text"),
        (
            {"components": [{"title": "\x00", "kind": "model", "minutes": 5}]},
            "components.0.title",
            "valid_text",
        ),
    ],
    ids=[
        "long title",
        "long subject",
        "long summary",
        "long component title",
        "NUL in a title",
        "NUL in a component title",
    ],
)
def test_a_hostile_lesson_names_the_field_and_rule(
    catalog: str, change: dict[str, Any], field: str, rule: str
) -> None:
    response = create(catalog, LESSON | change)
    assert response.status_code == 422, response.text
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ], response.text


def test_a_cursor_in_year_1_names_the_field_and_rule(catalog: str) -> None:
    response = httpx.get(
        f"{catalog}/lessons",
        params={"after": YEAR_1_CURSOR},
        headers={"Authorization": f"Bearer {TEACHER}"},
        timeout=DEADLINE,
    )
    assert response.status_code == 422, response.text
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [("after", "cursor")]
