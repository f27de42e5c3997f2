"""The balance adjusted: a week's assessment becomes proposals; accepting one changes the plan
and the feeds of those it is for (and no one else's), undoing it changes them back, and a
section's policy may apply the low-risk ones itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bookend.auth import Forbidden
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.feedback import (
    AssessedFigures,
    AssessedFlag,
    AttendanceSummarized,
    BalanceAssessed,
    BalanceFlag,
    StudentBalance,
)
from bookend.contracts.scheduler import BalanceMode, ProposalKind, ProposalStatus
from bookend.hosting import ServiceState
from bookend.problems import InvalidInput
from services.scheduler.adjustments import service
from services.scheduler.adjustments.domain import (
    ChangedSince,
    NothingToChange,
    Proposal,
    ProposalDecided,
    shortened,
)
from services.scheduler.app import inbound
from services.scheduler.balance import service as balance
from services.scheduler.balance.domain import PolicyDraft
from services.scheduler.sessions import assignments
from services.scheduler.settings import SchedulerSettings
from tests.scheduler.builders import (
    OTHER_TEACHER,
    STUDENT,
    TEACHER,
    D,
    enrol,
    feed_of,
    schedule,
    session,
)
from tests.scheduler.fakes import FakeScheduler
from tests.scheduler.unit.test_session_recordings import published
from tests.support.fakes import Clock, counting_ids

# The unit tests' clock starts on Monday 2025-03-03; this week's session is on Wednesday.
WEDNESDAY = datetime(2025, 3, 5, 14, 0, tzinfo=UTC)
WEEK = "2025-W09"
FIGURES = AssessedFigures(
    planned_live_minutes=0,
    attended_live_minutes=0,
    assigned_on_demand_minutes=0,
    completed_on_demand_minutes=0,
    sessions=0,
    sessions_missed=0,
)


def assessed(
    students: dict[str, list[BalanceFlag]],
    section: Sequence[BalanceFlag] = (),
    *,
    week: str = WEEK,
) -> CloudEvent:
    def flags(kinds: Sequence[BalanceFlag]) -> list[AssessedFlag]:
        return [AssessedFlag(kind=k, reason=f"because {k.value}") for k in kinds]

    payload = BalanceAssessed(
        district_id=D,
        assessment_id=f"a-{week}",
        section_id="sec-math",
        week=week,
        figures=FIGURES,
        flags=flags(section),
        students=[
            StudentBalance(student_id=s, figures=FIGURES, flags=flags(kinds))
            for s, kinds in students.items()
        ],
        assessed_at=datetime(2025, 3, 3, 8, 0, tzinfo=UTC),
    )
    return new_event("bookend/feedback", payload)


async def deliver(store: FakeScheduler, clock: Clock, *events: CloudEvent) -> None:
    state = ServiceState(store=store, settings=SchedulerSettings(), clock=clock, ids=counting_ids())
    for event in events:
        await inbound(state)(event)


async def proposals(store: FakeScheduler) -> list[Proposal]:
    page = await service.list_proposals(
        "sec-math", status=None, first=100, after=None, principal=TEACHER, reads=store
    )
    return page.proposals


async def dues(store: FakeScheduler, student_id: str) -> dict[str, datetime]:
    return {i.title: i.due_at for i in await feed_of(store, student_id) if i.due_at}


async def accept(store: FakeScheduler, clock: Clock, proposal: Proposal) -> Proposal:
    return await service.accept_proposal(
        proposal.id, principal=TEACHER, store=store, clock=clock, ids=counting_ids("task")
    )


async def undo(store: FakeScheduler, clock: Clock, proposal: Proposal) -> Proposal:
    return await service.undo_proposal(proposal.id, principal=TEACHER, store=store, clock=clock)


async def test_extending_a_students_windows_moves_their_work_due_soon_by_a_day_and_back(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    await schedule(store, WEDNESDAY)
    before = await dues(store, "student-1")
    await deliver(store, clock, assessed({"student-1": [BalanceFlag.FALLING_BEHIND]}))
    [proposal] = await proposals(store)
    assert (proposal.kind, proposal.student_id, proposal.status) == (
        ProposalKind.EXTEND_WINDOWS,
        "student-1",
        ProposalStatus.OPEN,
    )
    assert proposal.reason == "because falling_behind"
    assert await dues(store, "student-1") == before  # proposed, not applied

    others = await dues(store, "student-3")
    applied = await accept(store, clock, proposal)
    assert (applied.status, applied.decided_by) == (ProposalStatus.APPLIED, "teacher-1")
    # Pre-work is due at the session's start (Wednesday), follow-up two days after its end
    # (Friday): all within the week, each a day later, for student-1 only.
    assert await dues(store, "student-1") == {t: d + timedelta(days=1) for t, d in before.items()}
    assert await dues(store, "student-3") == others

    undone = await undo(store, clock, applied)
    assert undone.status is ProposalStatus.UNDONE
    assert await dues(store, "student-1") == before
    with pytest.raises(ProposalDecided):
        await accept(store, clock, undone)


async def test_an_undo_after_a_teacher_changed_the_same_window_changes_nothing(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, WEDNESDAY)
    await deliver(store, clock, assessed({"student-1": [BalanceFlag.OVERLOADED]}))
    applied = await accept(store, clock, (await proposals(store))[0])
    task_id = applied.applied.extensions[0].task_id if applied.applied else ""
    later = WEDNESDAY + timedelta(days=5)
    await _extend(store, task_id, later)
    with pytest.raises(ChangedSince):
        await undo(store, clock, applied)
    assert (await store.get_proposal(D, applied.id)) == applied


async def _extend(store: FakeScheduler, task_id: str, due: datetime) -> None:
    await assignments.extend_task(
        task_id,
        "student-1",
        due_at=due,
        closes_at=None,
        reason="a teacher's own",
        principal=TEACHER,
        store=store,
    )


async def test_the_same_assessment_twice_proposes_once_and_a_new_one_supersedes_what_it_drops(
    store: FakeScheduler, clock: Clock
) -> None:
    first = assessed(
        {"student-1": [BalanceFlag.OVERLOADED, BalanceFlag.FALLING_BEHIND]},
        [BalanceFlag.SECTION_LESS_LIVE],
    )
    await deliver(store, clock, first, first)
    found = await proposals(store)
    assert sorted((p.kind, p.student_id) for p in found) == [
        (ProposalKind.EXTEND_WINDOWS, "student-1"),  # one for both flags
        (ProposalKind.FEWER_LIVE_MINUTES, None),
    ]
    extend = next(p for p in found if p.kind is ProposalKind.EXTEND_WINDOWS)
    assert extend.flags == (BalanceFlag.OVERLOADED, BalanceFlag.FALLING_BEHIND)
    again = assessed({"student-1": [BalanceFlag.FALLING_BEHIND]})
    await deliver(store, clock, again)
    now = {p.kind: p for p in await proposals(store)}
    assert now[ProposalKind.FEWER_LIVE_MINUTES].status is ProposalStatus.SUPERSEDED
    assert now[ProposalKind.EXTEND_WINDOWS].flags == (BalanceFlag.FALLING_BEHIND,)
    assert now[ProposalKind.EXTEND_WINDOWS].status is ProposalStatus.OPEN


async def test_low_wellbeing_asks_a_person_and_proposes_nothing(
    store: FakeScheduler, clock: Clock
) -> None:
    await deliver(store, clock, assessed({"student-1": [BalanceFlag.LOW_WELLBEING]}))
    assert await proposals(store) == []


async def test_a_policy_applies_the_low_risk_kinds_it_names_at_once(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, WEDNESDAY)
    draft = PolicyDraft(0.0, None, BalanceMode.ADVISE, (ProposalKind.EXTEND_WINDOWS,))
    await balance.set_policy("sec-math", draft, principal=TEACHER, store=store, clock=clock)
    before = await dues(store, "student-1")
    flags = {"student-1": [BalanceFlag.FALLING_BEHIND, BalanceFlag.OFFER_RECORDINGS]}
    await deliver(store, clock, assessed(flags))
    by_kind = {p.kind: p for p in await proposals(store)}
    assert by_kind[ProposalKind.EXTEND_WINDOWS].status is ProposalStatus.APPLIED
    assert by_kind[ProposalKind.EXTEND_WINDOWS].decided_by == "policy"
    assert by_kind[ProposalKind.FOLLOW_BY_RECORDING].status is ProposalStatus.OPEN
    assert await dues(store, "student-1") != before


def test_a_policy_never_moves_live_sessions_by_itself() -> None:
    draft = PolicyDraft(0.0, None, BalanceMode.ADVISE, (ProposalKind.FEWER_LIVE_MINUTES,))
    with pytest.raises(InvalidInput) as refused:
        draft.check()
    assert [(e.field, e.rule) for e in refused.value.errors] == [("auto_apply", "low_risk")]


async def test_extra_prework_for_a_student_or_the_section_is_due_when_the_next_session_starts(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    booked = await schedule(store, WEDNESDAY)
    await deliver(store, clock, assessed({"student-1": [BalanceFlag.MORE_PREWORK]}))
    [mine] = await proposals(store)
    applied = await accept(store, clock, mine)
    # The lesson's one on-demand component no bookend gives (feedback c7) is the pre-work.
    added = [i for i in await feed_of(store, "student-1") if i.title == "feedback c7"]
    assert [(i.due_at, i.session_id) for i in added] == [(WEDNESDAY, booked.session.id)]
    assert [i for i in await feed_of(store, "student-3") if i.title == "feedback c7"] == []
    await undo(store, clock, applied)
    assert [i.title for i in await feed_of(store, "student-1") if i.title == "feedback c7"] == []


async def test_extra_prework_when_the_lesson_has_nothing_left_to_give_changes_nothing(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, WEDNESDAY)
    section = assessed({}, [BalanceFlag.SECTION_MORE_PREWORK])
    await deliver(store, clock, section)
    [proposal] = await proposals(store)
    await accept(store, clock, proposal)  # c7 for the whole section
    again = assessed({}, [BalanceFlag.SECTION_MORE_PREWORK], week="2025-W10")
    await deliver(store, clock, again)
    fresh = next(p for p in await proposals(store) if p.week == "2025-W10")
    with pytest.raises(NothingToChange):
        await accept(store, clock, fresh)
    assert (await store.get_proposal(D, fresh.id)) == fresh


async def test_fewer_live_minutes_shortens_next_weeks_sessions_longest_first_and_back(
    store: FakeScheduler, clock: Clock
) -> None:
    monday = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    long = await schedule(store, monday, hours=1)
    short = await schedule(store, monday + timedelta(days=2), hours=0.5)
    await deliver(store, clock, assessed({}, [BalanceFlag.SECTION_LESS_LIVE]))
    [proposal] = await proposals(store)
    applied = await accept(store, clock, proposal)
    minutes = {
        s.id: s.minutes
        for s in await store.list_sessions(D, "sec-math")
        if s.id in (long.session.id, short.session.id)
    }
    # 60 and 30 minutes: five at a time off the longer, until thirty are gone.
    assert minutes == {long.session.id: 30, short.session.id: 30}
    assert applied.applied is not None and len(applied.applied.sessions) == 1
    await undo(store, clock, applied)
    after = {s.id: s.minutes for s in await store.list_sessions(D, "sec-math")}
    assert (after[long.session.id], after[short.session.id]) == (60, 30)


async def by_recording(store: FakeScheduler, student_id: str) -> dict[str, bool]:
    return {i.item_id: i.by_recording for i in await feed_of(store, student_id) if i.starts_at}


async def test_following_by_recording_marks_the_students_sessions_at_once_and_undo_clears_them(
    store: FakeScheduler, clock: Clock
) -> None:
    await enrol(store, clock, "sec-math", "student-3")
    wednesday = await schedule(store, WEDNESDAY)
    after_the_span = await schedule(store, WEDNESDAY + timedelta(days=21))
    await deliver(store, clock, assessed({"student-1": [BalanceFlag.OFFER_RECORDINGS]}))
    [proposal] = await proposals(store)
    assert set((await by_recording(store, "student-1")).values()) == {False}

    applied = await accept(store, clock, proposal)
    marked = {wednesday.session.id: True, after_the_span.session.id: False}
    assert await by_recording(store, "student-1") == marked
    assert set((await by_recording(store, "student-3")).values()) == {False}
    # A session planned later within the two weeks is the student's by recording too.
    friday = await schedule(store, WEDNESDAY + timedelta(days=2))
    assert (await by_recording(store, "student-1"))[friday.session.id] is True
    assert (await by_recording(store, "student-3"))[friday.session.id] is False

    await undo(store, clock, applied)
    assert set((await by_recording(store, "student-1")).values()) == {False}


async def test_a_student_following_by_recording_gets_recordings_of_sessions_they_attended(
    store: FakeScheduler, clock: Clock
) -> None:
    booked = await schedule(store, WEDNESDAY)
    await deliver(store, clock, assessed({"student-1": [BalanceFlag.OFFER_RECORDINGS]}))
    [proposal] = await proposals(store)
    await accept(store, clock, proposal)
    present = AttendanceSummarized(
        district_id=D,
        session_id=booked.session.id,
        section_id="sec-math",
        present=["student-1"],
        late=[],
        left_early=[],
        absent=[],
        summarized_at=WEDNESDAY + timedelta(hours=1),
    )
    await deliver(
        store, clock, new_event("bookend/feedback", present), published(booked.session.id)
    )
    catch_up = [i.title for i in await feed_of(store, "student-1") if i.title.startswith("Catch")]
    assert len(catch_up) == 1


async def test_only_the_sections_staff_see_and_decide_proposals(
    store: FakeScheduler, clock: Clock
) -> None:
    await deliver(store, clock, assessed({"student-1": [BalanceFlag.OFFER_RECORDINGS]}))
    [proposal] = await proposals(store)
    for outsider in (OTHER_TEACHER, STUDENT):
        with pytest.raises(Forbidden):
            await service.accept_proposal(
                proposal.id, principal=outsider, store=store, clock=clock, ids=counting_ids()
            )
    assert (await store.get_proposal(D, proposal.id)) == proposal


def test_shortening_spreads_over_equal_sessions_and_keeps_each_at_twenty_minutes() -> None:
    hour = session()
    a, b = (
        replace(hour, id=name, ends_at=hour.starts_at + timedelta(minutes=m))
        for name, m in (("a", 30), ("b", 30))
    )
    cuts = {c.session_id: c.ends_before - c.ends_after for c in shortened([a, b])}
    assert cuts == {"a": timedelta(minutes=10), "b": timedelta(minutes=10)}  # 20 each, no more
