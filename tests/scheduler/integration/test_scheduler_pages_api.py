"""Every list of the scheduler that grows, paged over HTTP against the real embedded store
(ADR 0044): read two at a time, each item comes once and in the list's order; `total=true`
counts them all, and only then; a `first` over 100 and a cursor the API did not make are
refused naming the field and the rule."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from bookend.auth import Role
from tests.scheduler.integration.harness import (
    ADMIN,
    TEACHER,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)
from tests.support.auth import bearer

# Ids that read as numbers among others: the embedded store once matched such a string only
# against numbers (ADR 0007), and strings sort "10" before "9".
SCHOOLS = ["9", "10", "school-3"]
STUDENTS = [f"student-{n}" for n in (7, 3, 12, 5, 9)]
# Names a page may end at that the embedded store would take for dates (ADR 0044).
GROUPS = ["beta", "Alpha", "2025-09-01 retake", "delta", "Charlie", "12/01/2025 makeup", "echo"]
# Starts, in hours from now, out of order: the list is by start.
STARTS = [100, 26, 74, 50, 122, 2]
TERMS = {  # id: (school, starts on)
    "spring": ("school-1", "2026-01-12"),
    "fall": ("school-1", "2025-08-18"),
    "year": (None, "2025-08-18"),
    "summer": (None, "2026-06-15"),
    "winter": ("school-1", "2025-12-01"),
    "elsewhere": ("school-2", "2025-09-01"),  # another school's: never listed for school-1
}
# A teacher who is also a guardian of a math student: their sections are two lists' union.
TEACHING_PARENT = bearer(
    "teacher-2", Role.TEACHER, Role.GUARDIAN, children=frozenset({"student-7"})
)


@dataclass
class Seeded:
    app: Scheduler
    sessions: list[Json] = field(default_factory=list)  # as scheduled
    links: list[Json] = field(default_factory=list)  # as made


@pytest.fixture(scope="module")
async def seeded(module_scheduler: Scheduler) -> AsyncIterator[Seeded]:
    """The roster with more schools, terms, sections, students and groups than a page, a
    term's worth of math sessions, and calendar links the admin made for each student."""
    app = module_scheduler
    made = Seeded(app)
    await app.load_roster()
    await app.learn(lesson_published(app.lesson_id))
    for school in SCHOOLS:
        await app.ok("PUT", f"/schools/{school}", ADMIN, json={"name": school, "time_zone": "UTC"})
    for term, (owner, starts) in TERMS.items():
        body: Json = {"name": term, "starts_on": starts, "ends_on": "2026-08-01"}
        await app.ok("PUT", f"/terms/{term}", ADMIN, json=body | {"school_id": owner})
    for n in range(4):
        body = {
            "school_id": "school-1",
            "name": f"extra {n}",
            "subject": "math",
            "time_zone": "UTC",
            "teacher_ids": ["teacher-1", "teacher-2"] if n % 2 else ["teacher-1"],
        }
        await app.ok("PUT", f"/sections/sec-extra-{n}", ADMIN, json=body)
    for student in STUDENTS:
        await app.enrol("sec-math", student, "UTC")
    for name in GROUPS:
        group = {"name": name, "student_ids": STUDENTS[:2]}
        await app.ok("POST", "/sections/sec-math/groups", TEACHER, json=group)
    for hours in STARTS:
        made.sessions.append(await app.schedule(hours_from_now(hours)))
    for student in STUDENTS:
        link = await app.ok("POST", "/calendar-links", ADMIN, json={"student_id": student})
        made.links.append(link)
    yield made


@dataclass(frozen=True)
class Listed:
    """A list, who reads it, and the order its items come in, said by hand."""

    path: str
    headers: dict[str, str]
    expected: Callable[[Seeded], list[str]]
    key: Callable[[Json], str] = lambda item: str(item["id"])
    params: tuple[tuple[str, str], ...] = ()


def instant(text: str) -> datetime:
    """An instant as the API wrote it: compared as text, "…:32Z" (on the whole second) sorts
    after "…:32.054Z"."""
    return datetime.fromisoformat(text)


def by_start(seeded: Seeded) -> list[str]:
    return [
        s["id"] for s in sorted(seeded.sessions, key=lambda s: (instant(s["starts_at"]), s["id"]))
    ]


def newest_first(seeded: Seeded) -> list[str]:
    links = sorted(seeded.links, key=lambda link: (instant(link["created_at"]), link["id"]))
    return [link["id"] for link in reversed(links)]


LISTS = {
    "schools": Listed("/schools", ADMIN, lambda _: sorted(["school-1", "school-2", *SCHOOLS])),
    "terms": Listed(
        "/schools/school-1/terms",
        ADMIN,
        lambda _: [
            term
            for term, (_, starts) in sorted(TERMS.items(), key=lambda kept: (kept[1][1], kept[0]))
            if TERMS[term][0] in ("school-1", None)
        ],
    ),
    "sections of the district": Listed(
        "/sections",
        ADMIN,
        lambda _: sorted(["sec-art", "sec-math", *(f"sec-extra-{n}" for n in range(4))]),
    ),
    "sections of a teacher": Listed(
        "/sections",
        TEACHER,
        lambda _: sorted(["sec-math", *(f"sec-extra-{n}" for n in range(4))]),
    ),
    "sections of a teacher who is a parent": Listed(
        "/sections",
        TEACHING_PARENT,
        lambda _: ["sec-art", "sec-extra-1", "sec-extra-3", "sec-math"],
    ),
    "students of a section": Listed(
        "/sections/sec-math/students", ADMIN, lambda _: sorted(["student-1", *STUDENTS])
    ),
    "groups of a section": Listed(
        "/sections/sec-math/groups",
        TEACHER,
        lambda _: sorted(GROUPS, key=str.casefold),
        key=lambda item: str(item["name"]),
    ),
    "sessions of a section": Listed("/sections/sec-math/sessions", TEACHER, by_start),
    "links the admin made, newest first": Listed("/calendar-links", ADMIN, newest_first),
}


async def every_page(app: Scheduler, listed: Listed, first: int = 2) -> tuple[list[Json], int]:
    """The whole list read `first` at a time, and how many pages that took."""
    items: list[Json] = []
    pages = 0
    after: str | None = None
    while True:
        params = {**dict(listed.params), "first": str(first)} | ({"after": after} if after else {})
        page = await app.ok("GET", listed.path, listed.headers, params=params)
        pages += 1
        assert len(page["items"]) <= first
        assert len(page["cursors"]) == len(page["items"])
        info = page["page_info"]
        assert info["total_count"] is None  # not asked for
        assert info["end_cursor"] == (page["cursors"][-1] if page["cursors"] else None)
        items += page["items"]
        if not info["has_next_page"]:
            return items, pages
        after = info["end_cursor"]


@pytest.mark.parametrize("name", LISTS)
async def test_paging_through_a_list_gives_each_item_once_in_its_order(
    seeded: Seeded, name: str
) -> None:
    listed = LISTS[name]
    items, pages = await every_page(seeded.app, listed)
    expected = listed.expected(seeded)
    assert [listed.key(item) for item in items] == expected
    assert pages == -(-len(expected) // 2)  # no empty page after the last one
    whole = await seeded.app.ok("GET", listed.path, listed.headers, params={"first": "100"})
    assert whole["items"] == items


@pytest.mark.parametrize("name", LISTS)
async def test_the_whole_list_is_counted_when_asked(seeded: Seeded, name: str) -> None:
    listed = LISTS[name]
    page = await seeded.app.ok(
        "GET", listed.path, listed.headers, params={"first": "1", "total": "true"}
    )
    assert page["page_info"]["total_count"] == len(listed.expected(seeded))
    assert len(page["items"]) == 1


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    ("params", "field", "rule"),
    [
        ({"first": "101"}, "first", "in_range"),
        ({"first": "0"}, "first", "in_range"),
        ({"after": "not-a-cursor"}, "after", "cursor"),
        ({"after": "eyJrZXkiOiAxfQ=="}, "after", "cursor"),  # {"key": 1}: ours in shape only
    ],
    ids=["first over 100", "first of 0", "a cursor not ours", "a key that is no string"],
)
async def test_a_bad_page_is_refused_naming_its_field_and_rule(
    seeded: Seeded, name: str, params: dict[str, str], field: str, rule: str
) -> None:
    listed = LISTS[name]
    response = await seeded.app.http.get(listed.path, headers=listed.headers, params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [(field, rule)]
    assert body["code"] == "INVALID_INPUT"
