"""Groups of a section's students: made, renamed, given other members, deleted and listed by the
section's staff only (its teachers, its school's admins, the district's; `access.py`), never by
its students or their guardians."""

from __future__ import annotations

from bookend.auth import STAFF, Principal
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import InvalidInput
from services.scheduler import access
from services.scheduler.roster.domain import Section
from services.scheduler.roster.groups import (
    MAX_GROUPS_IN_SECTION,
    Group,
    GroupDraft,
    GroupNotFound,
    grouped,
)
from services.scheduler.roster.ports import Reads, Store, Transaction
from services.scheduler.roster.service import existing_section


async def create_group(
    section_id: str, draft: GroupDraft, *, principal: Principal, store: Store, ids: IdFactory
) -> Group:
    principal.require(*STAFF)

    async def work(tx: Transaction) -> Group:
        section = await _staffed_section(tx, principal, section_id)
        others = await tx.list_groups(principal.district, section.id)
        if len(others) >= MAX_GROUPS_IN_SECTION:
            message = f"a section has at most {MAX_GROUPS_IN_SECTION} groups; delete one first"
            raise InvalidInput("section_id", "max_groups", message)
        group = grouped(
            draft,
            group_id=ids(),
            section_id=section.id,
            district_id=principal.district,
            created_by=principal.subject,
            enrolled=await tx.list_section_students(principal.district, section.id),
            others=others,
        )
        await tx.save_group(group)
        return group

    return await store.atomically(work)


async def update_group(
    group_id: str, draft: GroupDraft, *, principal: Principal, store: Store
) -> Group:
    """Its new name and members, in place of the old: work assigned to it before keeps the
    students it went to (ADR 0031)."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> Group:
        existing = await existing_group(tx, principal.district, group_id)
        section = await _staffed_section(tx, principal, existing.section_id)
        others = await tx.list_groups(principal.district, section.id)
        group = grouped(
            draft,
            group_id=existing.id,
            section_id=section.id,
            district_id=existing.district_id,
            created_by=existing.created_by,
            enrolled=await tx.list_section_students(principal.district, section.id),
            others=[other for other in others if other.id != existing.id],
        )
        await tx.save_group(group)
        return group

    return await store.atomically(work)


async def delete_group(group_id: str, *, principal: Principal, store: Store) -> Group:
    """The group is gone; work assigned to it stays with the students it went to."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> Group:
        group = await existing_group(tx, principal.district, group_id)
        await _staffed_section(tx, principal, group.section_id)
        await tx.delete_group(principal.district, group.id)
        return group

    return await store.atomically(work)


async def list_groups(
    section_id: str, asked: PageAsk, *, principal: Principal, reads: Reads
) -> KeyedPage[Group]:
    """A page of a section's groups, by name (ignoring case)."""
    principal.require(*STAFF)
    section = await _staffed_section(reads, principal, section_id)
    return await reads.page_groups(principal.district, section.id, asked)


async def existing_group(reads: Reads, district_id: str, group_id: str) -> Group:
    group = await reads.get_group(district_id, group_id)
    if group is None:
        raise GroupNotFound(group_id)
    return group


async def _staffed_section(reads: Reads, principal: Principal, section_id: str) -> Section:
    """The section, if the principal teaches it or administers its school."""
    section = await existing_section(reads, principal.district, section_id)
    access.require_teaches(principal, section)
    return section
