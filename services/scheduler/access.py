"""Who may do what in the scheduler, in one place: administer a school, teach a section, see a
section or a student's feed. Every check reads only the principal's own district."""

from __future__ import annotations

from dataclasses import replace

from bookend.auth import Forbidden, Principal, Role
from bookend.paging import KeyedPage, PageAsk
from services.scheduler.roster.domain import Section
from services.scheduler.roster.ports import Reads, SectionFilter


def administers(principal: Principal, school_id: str) -> bool:
    if principal.has(Role.DISTRICT_ADMIN):
        return True
    return principal.has(Role.SCHOOL_ADMIN) and principal.school == school_id


def require_administers(principal: Principal, school_id: str) -> None:
    if not administers(principal, school_id):
        raise Forbidden(f"only an admin of school {school_id!r} or of the district may do this")


def teaches(principal: Principal, section: Section) -> bool:
    return principal.has(Role.TEACHER) and section.is_taught_by(principal.subject)


def require_teaches(principal: Principal, section: Section) -> None:
    """A teacher of the section, or an admin of its school, runs its sessions."""
    if not (teaches(principal, section) or administers(principal, section.school_id)):
        raise Forbidden(f"only a teacher of section {section.id!r} or an admin may do this")


async def learners_seen(principal: Principal, reads: Reads) -> list[str]:
    """Students whose enrolments a student or guardian principal may see: themself, or the
    guardian's children (by the token's claim or the roster's guardianships)."""
    seen = await wards_of(principal, reads)
    if principal.has(Role.STUDENT):
        seen.add(principal.subject)
    return sorted(seen)


async def wards_of(principal: Principal, reads: Reads) -> set[str]:
    """A guardian's children: those the identity provider names in the token, and those the
    district's roster links to them (ADR 0004 amended: the scheduler owns the roster)."""
    if not principal.has(Role.GUARDIAN):
        return set()
    return set(principal.children) | set(
        await reads.list_wards(principal.district, principal.subject)
    )


async def may_view_student(principal: Principal, student_id: str, reads: Reads) -> bool:
    """The student themself, or their guardian by token or roster."""
    if principal.may_view_student(student_id):
        return True
    return principal.has(Role.GUARDIAN) and student_id in await wards_of(principal, reads)


async def attended_section_ids(
    reads: Reads, district_id: str, students: list[str]
) -> frozenset[str]:
    if not students:
        return frozenset()
    enrolments = await reads.list_enrolments(district_id, student_ids=students)
    return frozenset(e.section_id for e in enrolments)


async def require_views_section(principal: Principal, section: Section, reads: Reads) -> None:
    if teaches(principal, section) or administers(principal, section.school_id):
        return
    attended = await attended_section_ids(
        reads, principal.district, await learners_seen(principal, reads)
    )
    if section.id not in attended:
        raise Forbidden(f"section {section.id!r} is not one you teach, administer or attend")


async def require_views_student(
    principal: Principal, student_id: str, reads: Reads
) -> frozenset[str] | None:
    """The student, their guardian and a district admin see the student's whole feed (None);
    a teacher or a school admin sees the items of the sections they teach or administer among
    the student's, and no others: those of another section or school are refused to them
    everywhere else too."""
    if principal.has(Role.DISTRICT_ADMIN) or await may_view_student(principal, student_id, reads):
        return None
    if principal.has(Role.TEACHER, Role.SCHOOL_ADMIN):
        attended = await attended_section_ids(reads, principal.district, [student_id])
        if attended:
            sections = await reads.list_sections(
                principal.district, SectionFilter(section_ids=attended)
            )
            seen = frozenset(
                s.id
                for s in sections
                if teaches(principal, s) or administers(principal, s.school_id)
            )
            if seen:
                return seen
    raise Forbidden("this feed belongs to a student you do not teach, guard or administer")


async def page_sections_seen(
    principal: Principal, reads: Reads, asked: PageAsk
) -> KeyedPage[Section]:
    """A page of the sections a principal teaches, administers, attends or has a child in, by
    id. Each role's sections are a page read after the cursor, and the page is the first of
    their union: a keyset page of each is enough for a keyset page of all."""
    district = principal.district
    filters: list[SectionFilter] = []
    if principal.has(Role.DISTRICT_ADMIN):
        filters.append(SectionFilter())
    elif principal.has(Role.SCHOOL_ADMIN) and principal.school:
        filters.append(SectionFilter(school_id=principal.school))
    if principal.has(Role.TEACHER):
        filters.append(SectionFilter(teacher_id=principal.subject))
    attended = await attended_section_ids(reads, district, await learners_seen(principal, reads))
    if attended:
        filters.append(SectionFilter(section_ids=attended))
    if len(filters) == 1:
        return await reads.page_sections(district, filters[0], asked)
    without_total = replace(asked, total=False)
    pages = [await reads.page_sections(district, which, without_total) for which in filters]
    total = None
    if asked.total:
        total = len(set().union(*[await reads.section_ids(district, w) for w in filters]))
    return KeyedPage.merged(pages, asked, total)
