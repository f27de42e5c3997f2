"""Pulse surveys' use cases: a student answers about their own week, a guardian about a
child's; each reads back their own answers; a section's staff read its week summed up."""

from __future__ import annotations

from dataclasses import dataclass

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock, IsoWeek, stored_instant
from bookend.contracts.feedback import PulseRespondent
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import FieldError, refuse_if
from services.feedback.access import teaches
from services.feedback.events import OUTBOUND
from services.feedback.pulse.domain import (
    Pulse,
    PulseAnswers,
    Respondent,
    SectionPulse,
    open_week,
    sections_of_guardians,
    student_id_errors,
    submit,
    summarize,
    week_errors,
)
from services.feedback.pulse.ports import Reads, Store, Transaction


@dataclass(frozen=True, slots=True)
class Submitted:
    pulse: Pulse
    created: bool  # False: an edit, or the same answers again
    changed: bool  # False: the same answers again, nothing recorded


def respondent_errors(principal: Principal, student_id: str | None) -> list[FieldError]:
    """A guardian (not answering as a student) names a child, by a well-formed id."""
    if principal.has(Role.STUDENT) and student_id in (None, principal.subject):
        return []
    if student_id is None:
        if principal.has(Role.GUARDIAN):
            return [FieldError("student_id", "required", "a guardian names the child it is about")]
        return []
    return student_id_errors(student_id)


def respondent_for(principal: Principal, student_id: str | None) -> Respondent:
    """The student themself (their own id, or none named), or a guardian of the child named
    (the token's `children` claim, ADR 0004); anyone else is refused."""
    district, subject = principal.district, principal.subject
    if principal.has(Role.STUDENT) and student_id in (None, subject):
        return Respondent(district, subject, PulseRespondent.STUDENT, subject)
    if principal.has(Role.GUARDIAN) and student_id in principal.children:
        return Respondent(district, subject, PulseRespondent.GUARDIAN, student_id)
    raise Forbidden("a pulse is given by a student about themself, or by a guardian about a child")


async def submit_pulse(
    week: str,
    *,
    student_id: str | None,
    answers: PulseAnswers,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
) -> Submitted:
    """Give or change the week's pulse. Again in the same week it replaces the answers (an
    edit, with PulseSubmitted); the same answers again change nothing. A past week is refused.
    The pulse and its event commit together."""
    at = stored_instant(clock())
    refuse_if(week_errors(week, at) + respondent_errors(principal, student_id) + answers.errors())
    named, who = open_week(week, at), respondent_for(principal, student_id)
    answers = answers.tidied()

    async def work(tx: Transaction) -> Submitted:
        before = await tx.get_pulse(who.district_id, who.student_id, str(named), who.respondent_id)
        sections = await _sections_of(tx, who, principal)
        pulse, events = submit(
            before, who=who, week=named, answers=answers, section_ids=sections, new_id=ids, at=at
        )
        if pulse != before:
            await tx.save_pulse(pulse)
        if who.kind is PulseRespondent.STUDENT:
            # Guardians who answered first get the sections the student's pulse names.
            week_pulses = await tx.list_student_pulses(who.district_id, who.student_id, str(named))
            for guardians in sections_of_guardians(week_pulses, pulse):
                await tx.save_pulse(guardians)
        await tx.emit(*OUTBOUND.events(events))
        return Submitted(pulse, created=before is None, changed=bool(events))

    return await store.atomically(work)


async def _sections_of(reads: Reads, who: Respondent, principal: Principal) -> frozenset[str]:
    """The student's sections: a student's token names them (ADR 0004); a guardian's does not,
    so a guardian's pulse takes those of the student's own latest pulse (none before the
    student first answers)."""
    if who.kind is PulseRespondent.STUDENT:
        return principal.sections
    own = await reads.latest_own_pulse(who.district_id, who.student_id)
    return frozenset(own.section_ids) if own is not None else frozenset()


async def my_pulses(week: str, *, principal: Principal, store: Store) -> list[Pulse]:
    """The caller's own answers for the week: a student's about themself, a guardian's about
    each child they answered for. No one reads another person's pulse here, not even a
    guardian their child's (ADR 0036)."""
    named = str(IsoWeek.parse(week))
    district, subject = principal.district, principal.subject
    about: list[str] = []
    if principal.has(Role.STUDENT):
        about.append(subject)
    if principal.has(Role.GUARDIAN):
        about.extend(sorted(principal.children - {subject}))
    found = [await store.get_pulse(district, student, named, subject) for student in about]
    return [pulse for pulse in found if pulse is not None]


async def section_pulse(
    section_id: str, week: str, *, principal: Principal, store: Store
) -> SectionPulse:
    """A section's week of pulses, comments included, for its staff (and admins whose reach
    includes it); no one else."""
    named = IsoWeek.parse(week)
    if not await teaches(principal, section_id, store):
        raise Forbidden("only the section's staff read its pulse")
    pulses = await store.list_section_pulses(principal.district, section_id, str(named))
    return summarize(section_id, named, pulses)


async def list_section_pulses(
    section_id: str, week: str, asked: PageAsk, *, principal: Principal, store: Store
) -> KeyedPage[Pulse]:
    """A page of a section's week of pulses, comments included, for its staff (and admins
    whose reach includes it): by student, their own before their guardians'."""
    named = IsoWeek.parse(week)
    if not await teaches(principal, section_id, store):
        raise Forbidden("only the section's staff read its pulse")
    return await store.page_section_pulses(principal.district, section_id, str(named), asked)
