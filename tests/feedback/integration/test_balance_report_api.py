"""The admins' balance report on the real embedded store, over HTTP: weeks published across
schools, paged in section order by cursor, totals only when asked, a school admin's own school
only; and weeks published before the report get their lines once the store starts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bookend.auth import Role
from bookend.clock import IsoWeek
from bookend.contracts.feedback import BalanceFlag
from bookend.mongo import MIGRATIONS
from services.feedback.assessment.domain import (
    Figures,
    Flag,
    PulseSummary,
    SectionAssessment,
    StudentAssessment,
)
from services.feedback.assessment.store import ASSESSMENTS, LINE, LINES_ADDED
from services.feedback.live.domain import SectionSchool
from services.feedback.store import FeedbackTransaction
from tests.feedback.integration.conftest import Feedback
from tests.support.auth import token_for

pytestmark = pytest.mark.integration

WEEK = "2026-W48"
AT = datetime(2026, 11, 27, 18, tzinfo=UTC)
DISTRICT = "district-1"  # token_for's default


def headers(*roles: Role, school: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for('admin-1', *roles, school=school)}"}


def assessment(section: str, *flagged: BalanceFlag) -> SectionAssessment:
    figures = Figures(50, 40, 30, 15, 1, 0, 1, 0)
    students = tuple(
        StudentAssessment(
            f"{section}-st{n}", figures, PulseSummary(), (Flag(kind, "x"),) if kind else ()
        )
        for n, kind in enumerate([*flagged, None])
    )
    total = Figures.total(s.figures for s in students)
    return SectionAssessment(
        DISTRICT, section, IsoWeek.parse(WEEK), total, PulseSummary(), (), students, AT, "a"
    )


async def published(feedback: Feedback, schools: dict[str, str]) -> None:
    async def work(tx: FeedbackTransaction) -> None:
        for section, school in schools.items():
            await tx.save_section_school(SectionSchool(section, DISTRICT, school))
            await tx.save_assessment(assessment(section, BalanceFlag.OVERLOADED))

    await feedback.store.atomically(work)


async def read(feedback: Feedback, who: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await feedback.http.get("/balance-report", params=params, headers=who)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_pages_of_the_districts_weeks_with_totals_asked_for(feedback: Feedback) -> None:
    s = feedback.section
    sections = {f"{s}-a": "north", f"{s}-b": "south", f"{s}-c": "north"}
    await published(feedback, sections)
    admin = headers(Role.DISTRICT_ADMIN)
    first = await read(feedback, admin, week=WEEK, first=2)
    assert [x["section_id"] for x in first["items"]] == [f"{s}-a", f"{s}-b"]
    assert first["page_info"]["has_next_page"] and first["totals"] is None
    line = first["items"][0]
    assert (line["school_id"], line["students"], line["students_flagged"]) == ("north", 2, 1)
    assert line["student_flags"] == [{"kind": "overloaded", "students": 1}]
    rest = await read(feedback, admin, week=WEEK, first=2, after=first["page_info"]["end_cursor"])
    assert [x["section_id"] for x in rest["items"]] == [f"{s}-c"]
    totals = (await read(feedback, admin, week=WEEK, first=1, total="true"))["totals"]
    assert (totals["sections"], totals["students"], totals["students_flagged"]) == (3, 6, 3)
    assert totals["figures"]["planned_live_minutes"] == 300
    # A school admin: their own school's, and no other's.
    north = headers(Role.SCHOOL_ADMIN, school="north")
    own = await read(feedback, north, week=WEEK, total="true")
    assert [x["section_id"] for x in own["items"]] == [f"{s}-a", f"{s}-c"]
    assert own["totals"]["sections"] == 2
    other = await feedback.http.get(
        "/balance-report", params={"week": WEEK, "school_id": "south"}, headers=north
    )
    assert other.status_code == 403, other.text
    teacher = await feedback.http.get(
        "/balance-report", params={"week": WEEK}, headers=feedback.teacher()
    )
    assert teacher.status_code == 403, teacher.text


async def test_a_bad_cursor_or_page_size_is_refused_naming_the_field(feedback: Feedback) -> None:
    admin = headers(Role.DISTRICT_ADMIN)
    for params, field in (({"after": "nope"}, "after"), ({"first": 101}, "first")):
        response = await feedback.http.get(
            "/balance-report", params={"week": WEEK, **params}, headers=admin
        )
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_weeks_published_before_the_report_get_their_lines_once(feedback: Feedback) -> None:
    section = f"{feedback.section}-old"
    await published(feedback, {section: "north"})
    db = feedback.store.db
    # As a week published before the report was kept: no line, and the migration not yet run.
    await db[ASSESSMENTS].update_many({"section_id": section}, {"$unset": {LINE: ""}})
    await db[MIGRATIONS].delete_one({"_id": LINES_ADDED})
    north = headers(Role.SCHOOL_ADMIN, school="north")
    assert (await read(feedback, north, week=WEEK))["items"] == []
    await feedback.store.add_report_lines()
    after = await read(feedback, north, week=WEEK)
    assert [x["section_id"] for x in after["items"]] == [section]
    assert await db[MIGRATIONS].find_one({"_id": LINES_ADDED}) is not None
