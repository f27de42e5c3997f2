"""The roster's use cases: load schools, sections and enrolments; read sections."""

from __future__ import annotations

from bookend.auth import ADMINS, Principal
from bookend.clock import Clock
from services.scheduler import access
from services.scheduler.feed.projector import project
from services.scheduler.roster.domain import (
    EnrolledStudent,
    School,
    SchoolUnknown,
    Section,
    SectionDraft,
    SectionNotFound,
    enrol,
    new_school,
    new_section,
)
from services.scheduler.roster.ports import Reads, Store, Transaction


async def put_school(school_id: str, *, name: str, principal: Principal, store: Store) -> School:
    principal.require(*ADMINS)
    access.require_administers(principal, school_id)
    school = new_school(school_id, district_id=principal.district, name=name)

    async def work(tx: Transaction) -> None:
        await tx.save_school(school)

    await store.atomically(work)
    return school


async def put_section(
    section_id: str, draft: SectionDraft, *, principal: Principal, store: Store
) -> Section:
    principal.require(*ADMINS)
    section = new_section(section_id, draft, district_id=principal.district)
    school_id = section.school_id

    async def work(tx: Transaction) -> None:
        if await tx.get_school(principal.district, school_id) is None:
            raise SchoolUnknown(school_id)
        access.require_administers(principal, school_id)
        existing = await tx.get_section(principal.district, section_id)
        if existing is not None:
            access.require_administers(principal, existing.school_id)  # moving it out, too
        await tx.save_section(section)

    await store.atomically(work)
    return section


async def enrol_student(
    section_id: str,
    student_id: str,
    *,
    time_zone: str,
    principal: Principal,
    store: Store,
    clock: Clock,
) -> EnrolledStudent:
    """Enrol a student; their feed gets the section's sessions and tasks still ahead."""
    principal.require(*ADMINS)
    enrolled, events = enrol(
        section_id, student_id, district_id=principal.district, time_zone=time_zone, at=clock()
    )

    async def work(tx: Transaction) -> None:
        section = await existing_section(tx, principal.district, section_id)
        access.require_administers(principal, section.school_id)
        await tx.save_enrolment(enrolled.enrolment)
        await tx.save_learner(enrolled.learner)
        await project(tx, events)

    await store.atomically(work)
    return enrolled


async def list_sections(*, principal: Principal, store: Store) -> list[Section]:
    return await access.sections_seen(principal, store)


async def get_section(section_id: str, *, principal: Principal, store: Store) -> Section:
    section = await existing_section(store, principal.district, section_id)
    await access.require_views_section(principal, section, store)
    return section


async def existing_section(reads: Reads, district_id: str, section_id: str) -> Section:
    section = await reads.get_section(district_id, section_id)
    if section is None:
        raise SectionNotFound(section_id)
    return section
