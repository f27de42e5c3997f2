"""Curricula, units and the lessons placed in them: pure rules, no I/O.

A curriculum (a phonics programme, an elementary maths programme) is a district's ordered list
of units, each an ordered list of the district's lessons. A lesson sits in at most one unit of
a curriculum; placing it again moves it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bookend.contracts.catalog import GradeBand
from bookend.ids import IdFactory
from bookend.problems import Conflict, FieldError, NotFound, refuse_if, too_long
from services.catalog.lessons.domain import MAX_SUBJECT, MAX_SUMMARY, MAX_TITLE, CatalogError

MAX_UNITS = 60
MAX_UNIT_LESSONS = 60


class CurriculumNotFound(CatalogError, NotFound):
    code = "CURRICULUM_NOT_FOUND"

    def __init__(self, curriculum_id: str) -> None:
        super().__init__(f"curriculum {curriculum_id} was not found")


class UnitNotFound(CatalogError, NotFound):
    code = "UNIT_NOT_FOUND"

    def __init__(self, unit_id: str) -> None:
        super().__init__(f"the curriculum has no unit {unit_id}")


class LessonNotPlaced(CatalogError, NotFound):
    code = "LESSON_NOT_PLACED"

    def __init__(self, lesson_id: str) -> None:
        super().__init__(f"lesson {lesson_id} is in no unit of the curriculum")


class CurriculumFull(CatalogError, Conflict):
    code = "CURRICULUM_FULL"


class CurriculumChanged(CatalogError, Conflict):
    code = "CURRICULUM_CHANGED"

    def __init__(self, curriculum_id: str) -> None:
        super().__init__(f"curriculum {curriculum_id} was changed by someone else meanwhile")


@dataclass(frozen=True, slots=True)
class CurriculumDraft:
    title: str
    subject: str
    grade_band: GradeBand | None = None
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    title: str
    lesson_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Curriculum:
    id: str
    district_id: str
    title: str
    subject: str
    grade_band: GradeBand | None
    summary: str
    units: tuple[Unit, ...]
    created_by: str
    created_at: datetime
    edits: int = 0  # each change counts one: a concurrent one loses

    @property
    def lesson_ids(self) -> frozenset[str]:
        return frozenset(lesson for unit in self.units for lesson in unit.lesson_ids)

    def add_unit(self, title: str, new_id: IdFactory) -> Curriculum:
        refuse_if(_title_errors("title", title))
        if len(self.units) >= MAX_UNITS:
            raise CurriculumFull(f"a curriculum has at most {MAX_UNITS} units")
        unit = Unit(id=new_id(), title=title.strip())
        return replace(self, units=(*self.units, unit), edits=self.edits + 1)

    def place(self, unit_id: str, lesson_id: str, position: int | None = None) -> Curriculum:
        """The lesson at `position` of the unit (the end if None or past it), moved from
        wherever it was in this curriculum."""
        if not any(unit.id == unit_id for unit in self.units):
            raise UnitNotFound(unit_id)
        if position is not None and position < 0:
            refuse_if([FieldError("position", "range", "must be 0 or more")])
        units = [_without(unit, lesson_id) for unit in self.units]
        placed: list[Unit] = []
        for unit in units:
            if unit.id == unit_id:
                if len(unit.lesson_ids) >= MAX_UNIT_LESSONS:
                    raise CurriculumFull(f"a unit has at most {MAX_UNIT_LESSONS} lessons")
                lessons = list(unit.lesson_ids)
                at = len(lessons) if position is None else min(position, len(lessons))
                lessons.insert(at, lesson_id)
                unit = replace(unit, lesson_ids=tuple(lessons))
            placed.append(unit)
        return replace(self, units=tuple(placed), edits=self.edits + 1)

    def remove(self, lesson_id: str) -> Curriculum:
        if lesson_id not in self.lesson_ids:
            raise LessonNotPlaced(lesson_id)
        units = tuple(_without(unit, lesson_id) for unit in self.units)
        return replace(self, units=units, edits=self.edits + 1)


def _without(unit: Unit, lesson_id: str) -> Unit:
    return replace(unit, lesson_ids=tuple(i for i in unit.lesson_ids if i != lesson_id))


def new_curriculum(
    draft: CurriculumDraft,
    *,
    new_id: IdFactory,
    district_id: str,
    created_by: str,
    created_at: datetime,
) -> Curriculum:
    """A curriculum with no units yet, or InvalidInput naming every field that breaks a rule."""
    errors = _title_errors("title", draft.title) + _title_errors("subject", draft.subject)
    errors += too_long("subject", draft.subject, MAX_SUBJECT)
    errors += too_long("summary", draft.summary, MAX_SUMMARY)
    refuse_if(errors)
    return Curriculum(
        id=new_id(),
        district_id=district_id,
        title=draft.title.strip(),
        subject=draft.subject.strip(),
        grade_band=draft.grade_band,
        summary=draft.summary.strip(),
        units=(),
        created_by=created_by,
        created_at=created_at,
    )


def _title_errors(field: str, value: str) -> list[FieldError]:
    errors = too_long(field, value, MAX_TITLE)
    if not value.strip():
        errors.append(FieldError(field, "not_empty", "must not be blank"))
    return errors
