"""The admins' balance report over in-memory fakes: a week's published assessments across the
district's sections or one school's, paged in section order, with totals only when asked; a
school admin reads their own school only, and nobody else reads it at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import IsoWeek
from bookend.contracts.feedback import BalanceFlag
from bookend.paging import PageAsk
from bookend.problems import InvalidInput
from services.feedback.assessment import service
from services.feedback.assessment.domain import (
    Figures,
    Flag,
    FlagCount,
    PulseSummary,
    SectionAssessment,
    StudentAssessment,
)
from tests.feedback.fakes import FakeFeedback

pytestmark = pytest.mark.unit

D, WEEK = "d1", "2026-W48"
AT = datetime(2026, 11, 27, 18, tzinfo=UTC)
DISTRICT_ADMIN = Principal("dora", D, frozenset({Role.DISTRICT_ADMIN}))
NORTH_ADMIN = Principal("nia", D, frozenset({Role.SCHOOL_ADMIN}), school="north")
TEACHER = Principal("tom", D, frozenset({Role.TEACHER}), sections=frozenset({"s1"}))


def figures(live: int, on_demand: int, done: int) -> Figures:
    return Figures(live, live, on_demand, done, 2, 0, 1, 0)


def student(who: str, *kinds: BalanceFlag) -> StudentAssessment:
    flags = tuple(Flag(kind, "because") for kind in kinds)
    return StudentAssessment(who, figures(100, 60, 30), PulseSummary(), flags)


def assessed(section: str, *students: StudentAssessment, flagged: bool = False) -> None:
    flags = (Flag(BalanceFlag.SECTION_LESS_LIVE, "most say too much"),) if flagged else ()
    total = Figures.total(s.figures for s in students)
    STORE.state.assessments[D, section, WEEK] = SectionAssessment(
        D, section, IsoWeek.parse(WEEK), total, PulseSummary(), flags, students, AT, f"a-{section}"
    )


STORE = FakeFeedback()


@pytest.fixture(autouse=True)
def week() -> None:
    STORE.state.assessments.clear()
    for section, school in (("s1", "north"), ("s2", "south"), ("s3", "north")):
        STORE.state.section_schools[D, section] = school
    assessed("s1", student("a", BalanceFlag.OVERLOADED), student("b"), flagged=True)
    assessed("s2", student("c", BalanceFlag.OVERLOADED, BalanceFlag.FALLING_BEHIND))
    assessed("s3", student("d"), student("e"), student("f", BalanceFlag.MORE_PREWORK))
    # Another district's week, and another week of this district: in neither report.
    STORE.state.assessments["d2", "s9", WEEK] = STORE.state.assessments[D, "s1", WEEK]
    STORE.state.assessments[D, "s1", "2026-W47"] = STORE.state.assessments[D, "s1", WEEK]


async def report(
    principal: Principal = DISTRICT_ADMIN,
    *,
    first: int = 20,
    after_section: str | None = None,
    total: bool = False,
    school_id: str | None = None,
) -> service.Report:
    asked = PageAsk.of(first, None, total=total)
    return await service.read_report(
        WEEK,
        replace(asked, after=after_section),  # a section's key, as its cursor holds it
        school_id=school_id,
        principal=principal,
        reads=STORE,
    )


async def test_the_district_admin_pages_every_section_in_order() -> None:
    first = await report(first=2)
    assert [x.section_id for x in first.lines] == ["s1", "s2"] and first.more
    rest = await report(first=2, after_section="s2")
    assert [x.section_id for x in rest.lines] == ["s3"] and not rest.more
    s1 = first.lines[0]
    assert (s1.school_id, s1.students, s1.students_flagged) == ("north", 2, 1)
    assert s1.student_flags == {BalanceFlag.OVERLOADED: 1}
    assert first.totals is None  # not asked for


async def test_totals_count_sections_students_and_flags_over_every_page() -> None:
    totals = (await report(first=1, total=True)).totals
    assert totals is not None
    assert (totals.sections, totals.sections_flagged) == (3, 1)
    assert (totals.students, totals.students_flagged) == (6, 3)
    assert totals.figures.planned_live_minutes == 600
    assert totals.figures.completion_rate == 0.5
    assert totals.flags == (
        FlagCount(BalanceFlag.OVERLOADED, 0, 2),
        FlagCount(BalanceFlag.MORE_PREWORK, 0, 1),
        FlagCount(BalanceFlag.FALLING_BEHIND, 0, 1),
        FlagCount(BalanceFlag.SECTION_LESS_LIVE, 1, 0),
    )


async def test_a_school_admin_reads_their_own_school_only() -> None:
    own = await report(NORTH_ADMIN, total=True)
    assert own.school_id == "north"
    assert [x.section_id for x in own.lines] == ["s1", "s3"]
    assert own.totals is not None and own.totals.students == 5
    with pytest.raises(Forbidden):
        await report(NORTH_ADMIN, school_id="south")
    chosen = await report(school_id="south")
    assert [x.section_id for x in chosen.lines] == ["s2"]


async def test_a_teacher_reads_no_report() -> None:
    with pytest.raises(Forbidden):
        await report(TEACHER)


@pytest.mark.parametrize("first", [0, 101])
async def test_first_out_of_range_is_refused_naming_it(first: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        await report(first=first)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("first", "in_range")]


async def test_a_week_that_is_not_one_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.read_report(
            "week 48", PageAsk(5), school_id=None, principal=DISTRICT_ADMIN, reads=STORE
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("week", "iso_week")]
