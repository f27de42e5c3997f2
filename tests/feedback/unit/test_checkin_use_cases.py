"""Feedback's use cases and inbound handlers with an in-memory store."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts import CloudEvent, Topic
from bookend.contracts.feedback import ChannelStatus, CheckInSignal
from bookend.hosting import ServiceState
from bookend.ids import new_id
from bookend.paging import PageAsk
from services.feedback.events import CONSUMER, inbound
from services.feedback.live import service
from services.feedback.live.domain import (
    ChannelNotFound,
    CheckIn,
    CheckInNotFound,
    LiveChannel,
    SessionNotLive,
)
from services.feedback.settings import FeedbackSettings
from tests.feedback import builders
from tests.feedback.builders import START
from tests.feedback.fakes import FakeFeedback
from tests.support.fakes import TickingClock

ALL = PageAsk()  # a first page, more than these tests list


def student(subject: str = "st1", sections: frozenset[str] = frozenset({"sec1"})) -> Principal:
    return Principal(subject, "d1", frozenset({Role.STUDENT}), sections=sections)


TEACHER = Principal("t1", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec1"}))
OTHER_TEACHER = Principal("t2", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec2"}))
SCHOOL_ADMIN = Principal("a1", "d1", frozenset({Role.SCHOOL_ADMIN}), school="school-1")
OTHER_SCHOOL_ADMIN = Principal("a2", "d1", frozenset({Role.SCHOOL_ADMIN}), school="school-2")
DISTRICT_ADMIN = Principal("a3", "d1", frozenset({Role.DISTRICT_ADMIN}))
OTHER_DISTRICT_ADMIN = Principal("a9", "d2", frozenset({Role.DISTRICT_ADMIN}))


def started(session: str = "s1") -> CloudEvent:
    return builders.started(session, "sec1", "d1")


def ended(session: str = "s1") -> CloudEvent:
    return builders.ended(session, "sec1", "d1")


async def deliver(store: FakeFeedback, event: CloudEvent) -> None:
    """Through the inbound table, as the consumer hands it over."""
    state = ServiceState(store=store, settings=FeedbackSettings(), clock=TickingClock(), ids=new_id)
    await inbound(state)(event)


async def channel_of(store: FakeFeedback, session: str = "s1") -> LiveChannel:
    channel = await store.get_channel("d1", session)
    assert channel is not None
    return channel


async def live_store() -> FakeFeedback:
    """Session s1 of section sec1 (school-1 in d1), scheduled and started."""
    store = FakeFeedback()
    await deliver(store, builders.scheduled("s1", "sec1", "d1", "school-1"))
    await deliver(store, started())
    return store


async def check_in(
    store: FakeFeedback,
    who: Principal | None = None,
    signal: CheckInSignal = CheckInSignal.GOT_IT,
    clock: TickingClock | None = None,
) -> CheckIn:
    return await service.record_check_in(
        "s1",
        signal=signal,
        note=None,
        principal=who or student(),
        store=store,
        clock=clock or TickingClock(),
        ids=new_id,
    )


async def test_session_started_opens_the_channel() -> None:
    store = await live_store()
    channel = await channel_of(store)
    assert (channel.status, channel.section_id, channel.opened_at) == (
        ChannelStatus.OPEN,
        "sec1",
        START,
    )


async def test_session_ended_before_started_leaves_the_channel_closed() -> None:
    store = FakeFeedback()
    await deliver(store, ended())
    await deliver(store, started())
    channel = await channel_of(store)
    assert (channel.status, channel.opened_at) == (ChannelStatus.CLOSED, START)


async def test_a_redelivered_event_is_processed_once() -> None:
    store = await live_store()
    end = ended()
    await deliver(store, end)
    store.state.channels.clear()  # were the duplicate processed, it would recreate the channel
    await deliver(store, end)
    assert await store.get_channel("d1", "s1") is None
    assert not await store.atomically(lambda tx: tx.first_time(CONSUMER, end.id))


async def test_a_student_of_the_section_checks_in_and_check_in_recorded_is_emitted() -> None:
    store = await live_store()
    made = await service.record_check_in(
        "s1",
        signal=CheckInSignal.LOST,
        note="lost at step 2",
        principal=student(),
        store=store,
        clock=TickingClock(),
        ids=new_id,
    )
    assert await store.list_check_ins("d1", "s1") == [made]
    [event] = store.emitted
    assert (event.type, event.topic, event.key) == (
        "bookend.feedback.checkin.recorded.v1",
        Topic.FEEDBACK_CHECKIN.value,
        "sec1",
    )
    assert event.data["has_note"] is True
    assert "note" not in event.data
    assert "lost at step 2" not in str(event.data)


async def test_a_check_in_after_the_session_ended_is_refused_and_nothing_is_stored() -> None:
    store = await live_store()
    await deliver(store, ended())
    with pytest.raises(SessionNotLive):
        await check_in(store)
    # The end's summary of no check-ins, and nothing after it.
    assert (await store.list_check_ins("d1", "s1"), [e.type for e in store.emitted]) == (
        [],
        ["bookend.feedback.checkin.summarized.v1"],
    )


async def test_a_check_in_to_an_unknown_session_is_refused() -> None:
    with pytest.raises(SessionNotLive):
        await check_in(FakeFeedback())


async def test_a_student_of_another_section_may_not_check_in() -> None:
    store = await live_store()
    with pytest.raises(Forbidden):
        await check_in(store, student(sections=frozenset({"sec2"})))
    assert await store.list_check_ins("d1", "s1") == []


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GUARDIAN, Role.DISTRICT_ADMIN])
async def test_only_students_check_in(role: Role) -> None:
    store = await live_store()
    with pytest.raises(Forbidden):
        await check_in(store, Principal("p", "d1", frozenset({role}), sections=frozenset({"sec1"})))


async def test_the_sections_teacher_and_any_admin_read_every_check_in_in_order() -> None:
    store = await live_store()
    clock = TickingClock()
    first = await check_in(store, student("ana"), clock=clock)
    second = await check_in(store, student("ben"), clock=clock)
    for reader in (TEACHER, SCHOOL_ADMIN, DISTRICT_ADMIN):
        page = await service.list_session_check_ins("s1", ALL, principal=reader, store=store)
        assert page.items == [first, second]


async def test_a_student_reads_only_their_own_check_ins() -> None:
    store = await live_store()
    clock = TickingClock()
    mine = await check_in(store, student("ana"), clock=clock)
    theirs = await check_in(store, student("ben"), clock=clock)
    own = await service.list_session_check_ins("s1", ALL, principal=student("ana"), store=store)
    assert own.items == [mine]
    assert (await service.get_check_in(mine.id, principal=student("ana"), store=store)) == mine
    with pytest.raises(CheckInNotFound):
        await service.get_check_in(theirs.id, principal=student("ana"), store=store)


@pytest.mark.parametrize(
    ("reader", "listing"),
    [
        (OTHER_TEACHER, Forbidden),
        (student("st9", sections=frozenset({"sec2"})), Forbidden),
        (OTHER_SCHOOL_ADMIN, Forbidden),
        (OTHER_DISTRICT_ADMIN, ChannelNotFound),
    ],
    ids=[
        "teacher of another section",
        "student of another section",
        "admin of another school",
        "admin of another district",
    ],
)
async def test_outsiders_read_neither_the_session_nor_a_check_in(
    reader: Principal, listing: type[Exception]
) -> None:
    store = await live_store()
    made = await check_in(store)
    with pytest.raises(listing):
        await service.list_session_check_ins("s1", ALL, principal=reader, store=store)
    with pytest.raises(CheckInNotFound):
        await service.get_check_in(made.id, principal=reader, store=store)


async def test_another_districts_admin_finds_no_channel() -> None:
    store = await live_store()
    with pytest.raises(ChannelNotFound):
        await service.get_channel("s1", principal=OTHER_DISTRICT_ADMIN, store=store)


async def test_the_channel_counts_each_students_latest_signal() -> None:
    store = await live_store()
    clock = TickingClock()
    await check_in(store, student("ana"), CheckInSignal.LOST, clock)
    await check_in(store, student("ben"), CheckInSignal.UNSURE, clock)
    await check_in(store, student("ana"), CheckInSignal.GOT_IT, clock)
    view = await service.get_channel("s1", principal=TEACHER, store=store)
    assert view.counts == {
        CheckInSignal.GOT_IT: 1,
        CheckInSignal.UNSURE: 1,
        CheckInSignal.LOST: 0,
    }


@pytest.mark.parametrize(
    "staff",
    [
        TEACHER,
        OTHER_TEACHER,
        SCHOOL_ADMIN,
        OTHER_SCHOOL_ADMIN,
        DISTRICT_ADMIN,
        OTHER_DISTRICT_ADMIN,
    ],
    ids=lambda p: p.subject,
)
async def test_whether_staff_see_a_check_in_depends_on_their_claims_not_on_who_they_are(
    staff: Principal,
) -> None:
    """The gateway fetches a check-in once for every subscriber with the same claims but for
    their subject (ADR 0018): the answer must not depend on the subject."""
    store = await live_store()
    made = await check_in(store)

    async def seen_by(principal: Principal) -> object:
        try:
            return await service.get_check_in(made.id, principal=principal, store=store)
        except CheckInNotFound:
            return CheckInNotFound

    twin = replace(staff, subject=f"{staff.subject}-twin")
    assert await seen_by(staff) == await seen_by(twin)


def check_ins_summarized(store: FakeFeedback) -> list[CloudEvent]:
    return [e for e in store.emitted if e.type == "bookend.feedback.checkin.summarized.v1"]


async def test_the_end_publishes_the_check_ins_as_counts_once_however_often_it_is_heard() -> None:
    store = await live_store()
    clock = TickingClock()
    await check_in(store, student("ana"), CheckInSignal.LOST, clock)
    await service.record_check_in(
        "s1",
        signal=CheckInSignal.UNSURE,
        note="what is step 2?",
        principal=student("ben"),
        store=store,
        clock=clock,
        ids=new_id,
    )
    await check_in(store, student("ana"), CheckInSignal.GOT_IT, clock)
    end = ended()
    await deliver(store, end)
    await deliver(store, end)  # redelivered
    await deliver(store, ended())  # the same end under another event id
    [event] = check_ins_summarized(store)
    assert (event.topic, event.key, event.subject, event.districtid) == (
        Topic.FEEDBACK_CHECKIN.value,
        "sec1",
        "s1",
        "d1",
    )
    assert {k: v for k, v in event.data.items() if k != "summarized_at"} == {
        "district_id": "d1",
        "session_id": "s1",
        "section_id": "sec1",
        "checkins": 3,
        "students": 2,
        "expected": 0,  # the scheduler named no one
        "latest": {"got_it": 1, "unsure": 1, "lost": 0},
        "with_notes": 1,
    }
    assert not any(word in str(event.data) for word in ("ana", "ben", "step 2"))


async def test_an_end_heard_before_the_start_publishes_a_summary_of_no_check_ins_once() -> None:
    store = FakeFeedback()
    await deliver(store, builders.ended("s1", "sec1", "d1", ["ana", "ben"]))
    await deliver(store, started())
    await deliver(store, builders.ended("s1", "sec1", "d1", ["ana", "ben"]))
    [event] = check_ins_summarized(store)
    assert (event.data["checkins"], event.data["students"], event.data["expected"]) == (0, 0, 2)
    assert event.data["latest"] == {"got_it": 0, "unsure": 0, "lost": 0}
