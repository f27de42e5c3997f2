"""Curricula with an in-memory store: a district admin builds units of the district's lessons,
lessons are placed, moved and removed, and browsing by curriculum lists its lessons."""

from __future__ import annotations

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts.catalog import ComponentKind, GradeBand
from bookend.ids import new_id
from bookend.problems import InvalidInput
from services.catalog.curricula import service
from services.catalog.curricula.domain import (
    MAX_UNIT_LESSONS,
    Curriculum,
    CurriculumDraft,
    CurriculumFull,
    CurriculumNotFound,
    LessonNotPlaced,
    UnitNotFound,
)
from services.catalog.lessons import service as lessons
from services.catalog.lessons.domain import ComponentDraft, LessonDraft, LessonNotFound
from tests.catalog.fakes import FakeCatalog
from tests.support.fakes import TickingClock

LEAD = Principal("lead-1", "d1", frozenset({Role.DISTRICT_ADMIN}))
TEACHER = Principal("teacher-1", "d1", frozenset({Role.TEACHER}))
STUDENT = Principal("student-1", "d1", frozenset({Role.STUDENT}))
ELSEWHERE = Principal("lead-9", "d2", frozenset({Role.DISTRICT_ADMIN}))
PHONICS = CurriculumDraft("Phonics for K-2", "reading", GradeBand.K_2, "Sounds, then words.")


class Planner:
    def __init__(self) -> None:
        self.store, self.clock = FakeCatalog(), TickingClock()

    async def curriculum(self, by: Principal = LEAD) -> Curriculum:
        return await service.create_curriculum(
            PHONICS, principal=by, store=self.store, clock=self.clock, ids=new_id
        )

    async def unit(self, curriculum_id: str, title: str) -> Curriculum:
        return await service.add_unit(
            curriculum_id, title, principal=LEAD, store=self.store, ids=new_id
        )

    async def lesson(self, title: str, by: Principal = TEACHER) -> str:
        draft = LessonDraft(title, "reading", (ComponentDraft("Hear", ComponentKind.MODEL, 5),))
        made = await lessons.create_lesson(
            draft, principal=by, store=self.store, clock=self.clock, ids=new_id
        )
        await lessons.publish_lesson(made.id, principal=by, store=self.store, clock=self.clock)
        return made.id

    async def place(
        self, curriculum_id: str, unit_id: str, lesson_id: str, position: int | None = None
    ) -> Curriculum:
        return await service.place_lesson(
            curriculum_id, unit_id, lesson_id, position, principal=LEAD, store=self.store
        )


async def test_a_unit_holds_lessons_in_order_and_placing_again_moves_one() -> None:
    planner = Planner()
    made = await planner.curriculum()
    assert (made.title, made.grade_band, made.units) == ("Phonics for K-2", GradeBand.K_2, ())
    with_units = await planner.unit(made.id, "Digraphs")
    with_units = await planner.unit(made.id, "Blends")
    digraphs, blends = (unit.id for unit in with_units.units)
    sh, ch, th = [await planner.lesson(t) for t in ("sh", "ch", "th")]
    await planner.place(made.id, digraphs, sh)
    await planner.place(made.id, digraphs, th)
    placed = await planner.place(made.id, digraphs, ch, position=1)
    assert placed.units[0].lesson_ids == (sh, ch, th)
    moved = await planner.place(made.id, blends, sh, position=99)
    assert [unit.lesson_ids for unit in moved.units] == [(ch, th), (sh,)]
    removed = await service.remove_lesson(made.id, ch, principal=LEAD, store=planner.store)
    assert [unit.lesson_ids for unit in removed.units] == [(th,), (sh,)]
    with pytest.raises(LessonNotPlaced):
        await service.remove_lesson(made.id, ch, principal=LEAD, store=planner.store)


async def test_browsing_by_curriculum_lists_its_lessons_only() -> None:
    planner = Planner()
    made = await planner.unit((await planner.curriculum()).id, "Digraphs")
    sh, _ = await planner.lesson("sh"), await planner.lesson("Unplaced")
    await planner.place(made.id, made.units[0].id, sh)
    page = await lessons.list_lessons(principal=STUDENT, store=planner.store, curriculum_id=made.id)
    assert [lesson.id for lesson in page.items] == [sh]
    with pytest.raises(InvalidInput) as failure:
        await lessons.list_lessons(principal=STUDENT, store=planner.store, curriculum_id="nope")
    assert [(e.field, e.rule) for e in failure.value.errors] == [("curriculum_id", "known")]


async def test_only_a_district_admin_writes_curricula_and_only_its_districts_lessons() -> None:
    planner = Planner()
    for role in (TEACHER, STUDENT):
        with pytest.raises(Forbidden):
            await planner.curriculum(by=role)
    made = await planner.unit((await planner.curriculum()).id, "Digraphs")
    unit = made.units[0].id
    theirs = await planner.lesson("Elsewhere", by=Principal("t9", "d2", frozenset({Role.TEACHER})))
    with pytest.raises(LessonNotFound):
        await planner.place(made.id, unit, theirs)
    with pytest.raises(UnitNotFound):
        await planner.place(made.id, "no-unit", await planner.lesson("sh"))
    with pytest.raises(CurriculumNotFound):
        await service.get_curriculum(made.id, principal=ELSEWHERE, store=planner.store)
    assert (await service.get_curriculum(made.id, principal=STUDENT, store=planner.store)) == made


async def test_bad_input_is_refused_naming_field_and_rule_and_changes_nothing() -> None:
    planner = Planner()
    made = await planner.unit((await planner.curriculum()).id, "Digraphs")
    unit = made.units[0].id
    with pytest.raises(InvalidInput) as failure:
        await service.create_curriculum(
            CurriculumDraft(" ", "x" * 101), principal=LEAD, store=planner.store,
            clock=planner.clock, ids=new_id,
        )  # fmt: skip
    assert {(e.field, e.rule) for e in failure.value.errors} == {
        ("title", "not_empty"),
        ("subject", "max_length"),
    }
    with pytest.raises(InvalidInput):
        await planner.unit(made.id, "")
    with pytest.raises(InvalidInput):
        await planner.place(made.id, unit, await planner.lesson("sh"), position=-1)
    assert (await service.get_curriculum(made.id, principal=LEAD, store=planner.store)) == made


def test_a_unit_takes_at_most_its_limit_of_lessons() -> None:
    made = Curriculum(
        id="c1", district_id="d1", title="t", subject="s", grade_band=None, summary="",
        units=(), created_by="lead-1", created_at=TickingClock()(),
    ).add_unit("Digraphs", new_id)  # fmt: skip
    unit = made.units[0].id
    for n in range(MAX_UNIT_LESSONS):
        made = made.place(unit, f"lesson-{n}")
    with pytest.raises(CurriculumFull):
        made.place(unit, "one-more")
    assert made.place(unit, "lesson-0", position=0).units[0].lesson_ids[0] == "lesson-0"
