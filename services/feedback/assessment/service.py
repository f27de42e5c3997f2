"""Balance assessments' use cases: a section's week gathered from what the other slices keep
(sessions planned, attendance, check-ins, tasks due and progress, pulses), assessed by the
rules (ADR 0037); read by its staff, and published as `BalanceAssessed` for the scheduler to
propose changes from (ADR 0038)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock, IsoWeek, stored_instant
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import InvalidInput
from services.feedback.access import teaches
from services.feedback.assessment.domain import (
    Assessed,
    AssessmentRules,
    ReportTotals,
    SectionAssessment,
    SectionLine,
    assess_section,
    totals_of,
)
from services.feedback.assessment.ports import Reads, Store, Transaction
from services.feedback.assessment.week import DEFAULT_ZONE, gather, keep
from services.feedback.events import OUTBOUND


def week_of(text: str | None, zone: str, now: datetime) -> IsoWeek:
    """The week named (this one if none); a week that has not begun has nothing to assess."""
    this_week = IsoWeek.containing(now, zone)
    if text is None:
        return this_week
    week = IsoWeek.parse(text)
    if week.order > this_week.order:
        raise InvalidInput("week", "not_begun", f"{week} has not begun; this week is {this_week}")
    return week


async def assess(
    reads: Reads,
    district_id: str,
    section_id: str,
    week_text: str | None,
    *,
    rules: AssessmentRules,
    now: datetime,
) -> SectionAssessment:
    zone = await reads.get_section_zone(district_id, section_id) or DEFAULT_ZONE
    week = week_of(week_text, zone, now)
    students = await gather(reads, district_id, section_id, week, zone, now)
    return assess_section(district_id, section_id, week, students, rules)


async def _staff_of(principal: Principal, section_id: str, reads: Reads) -> None:
    if not await teaches(principal, section_id, reads):
        raise Forbidden("only the section's staff read and publish its balance assessment")


async def read_assessment(
    section_id: str,
    week: str | None,
    *,
    principal: Principal,
    reads: Reads,
    rules: AssessmentRules,
    clock: Clock,
) -> SectionAssessment:
    """The week as it stands now, for the section's staff (nothing is published)."""
    await _staff_of(principal, section_id, reads)
    return await assess(reads, principal.district, section_id, week, rules=rules, now=clock())


async def publish_assessment(
    section_id: str,
    week: str | None,
    *,
    principal: Principal,
    store: Store,
    rules: AssessmentRules,
    clock: Clock,
    ids: IdFactory,
) -> SectionAssessment:
    """Assess the week and publish it: kept as the week's latest, and `BalanceAssessed` for
    the scheduler, in one transaction."""
    await _staff_of(principal, section_id, store)

    async def work(tx: Transaction) -> SectionAssessment:
        now = stored_instant(clock())
        fresh = await assess(tx, principal.district, section_id, week, rules=rules, now=now)
        return await _publish(tx, fresh, now=now, ids=ids)

    return await store.atomically(work)


async def _publish(
    tx: Transaction, fresh: SectionAssessment, *, now: datetime, ids: IdFactory
) -> SectionAssessment:
    published = await keep(tx, fresh, now=now, ids=ids)
    await tx.emit(*OUTBOUND.events([Assessed(published)]))
    return published


@dataclass(frozen=True, slots=True)
class Report:
    """A page of a week's report, and its totals when they were asked for."""

    week: IsoWeek
    school_id: str | None
    page: KeyedPage[SectionLine]
    totals: ReportTotals | None

    @property
    def lines(self) -> list[SectionLine]:
        return self.page.items

    @property
    def more(self) -> bool:
        return self.page.more


def _report_scope(principal: Principal, school_id: str | None) -> str | None:
    """The school a report covers (None: the whole district): a district admin's choice, a
    school admin's own school."""
    if principal.has(Role.DISTRICT_ADMIN):
        return school_id
    if principal.has(Role.SCHOOL_ADMIN) and principal.school:
        if school_id not in (None, principal.school):
            raise Forbidden("a school admin reads their own school's report only")
        return principal.school
    raise Forbidden("only a school's or the district's admins read a balance report")


async def read_report(
    week_text: str,
    asked: PageAsk,
    *,
    school_id: str | None,
    principal: Principal,
    reads: Reads,
) -> Report:
    """A week's published assessments across the district's sections, or one school's, in
    section order; with the totals over all of them (one more read) only if the page asks for
    its total (they count its sections)."""
    scope = _report_scope(principal, school_id)
    week = IsoWeek.parse(week_text)
    page = await reads.page_report_lines(
        principal.district, str(week), replace(asked, total=False), school_id=scope
    )
    totals = None
    if asked.total:
        every = await reads.list_report_lines(principal.district, str(week), school_id=scope)
        totals = totals_of(every)
    return Report(week, scope, page, totals)
