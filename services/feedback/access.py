"""Who may do what with a section's feedback: every slice asks here.

Section membership comes from the token's `sections` claim for now; once the scheduler's
roster events arrive, feedback keeps its own copy of enrolments and checks that instead.
Admins reach what the scheduler lets them reach: a district admin every section, a school
admin the sections of their school (learned from scheduled sessions).
"""

from __future__ import annotations

from typing import Protocol

from bookend.auth import STAFF, Principal, Role


class SchoolOfSection(Protocol):
    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        """The school a section belongs to, as the scheduler's events told it."""
        ...


async def teaches(principal: Principal, section_id: str, store: SchoolOfSection) -> bool:
    """Whether the caller is staff of the section (or an admin whose reach includes it)."""
    if principal.has(Role.DISTRICT_ADMIN):
        return True
    if principal.has(*STAFF) and section_id in principal.sections:
        return True
    if principal.has(Role.SCHOOL_ADMIN) and principal.school:
        return await store.get_section_school(principal.district, section_id) == principal.school
    return False


def attends(principal: Principal, section_id: str) -> bool:
    """Whether the caller is a student of the section."""
    return principal.has(Role.STUDENT) and section_id in principal.sections
