"""The catalog's HTTP API for curricula: units of the district's lessons."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bookend.contracts.catalog import GradeBand
from bookend.http_contracts.paging import Page


class CurriculumCreate(BaseModel):
    title: str
    subject: str
    grade_band: GradeBand | None = None
    summary: str = ""


class UnitCreate(BaseModel):
    title: str


class Placement(BaseModel):
    position: int | None = None  # in the unit, from 0; None: at the end


class Unit(BaseModel):
    id: str
    title: str
    lesson_ids: list[str]


class Curriculum(BaseModel):
    id: str
    district_id: str
    title: str
    subject: str
    grade_band: GradeBand | None
    summary: str
    units: list[Unit]
    created_by: str
    created_at: datetime


class CurriculumPage(Page[Curriculum]):
    """A page of them, as every list that can grow answers (ADR 0044)."""
