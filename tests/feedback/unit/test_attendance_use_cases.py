"""Students join and leave live sessions, and a session's end summarises who attended, with an
in-memory store: who may report, replays, and one AttendanceSummarized per session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts import CloudEvent, Topic
from bookend.contracts.feedback import AttendanceMark, Presence
from bookend.hosting import ServiceState
from bookend.ids import new_id
from services.feedback.events import inbound
from services.feedback.live import service
from services.feedback.live.domain import (
    AttendanceNotFound,
    ChannelNotFound,
    NotInSession,
    SessionNotLive,
)
from services.feedback.live.service import PresenceView
from services.feedback.settings import FeedbackSettings
from tests.feedback import builders
from tests.feedback.builders import START
from tests.feedback.fakes import FakeFeedback
from tests.support.fakes import Clock

ENROLLED = ["ana", "ben", "cai"]


def student(subject: str, sections: frozenset[str] = frozenset({"sec1"})) -> Principal:
    return Principal(subject, "d1", frozenset({Role.STUDENT}), sections=sections)


async def deliver(
    store: FakeFeedback, event: CloudEvent, settings: FeedbackSettings | None = None
) -> None:
    state = ServiceState(
        store=store,
        settings=settings or FeedbackSettings(),
        clock=Clock(builders.END + timedelta(seconds=3)),
        ids=new_id,
    )
    await inbound(state)(event)


async def live_store() -> FakeFeedback:
    store = FakeFeedback()
    await deliver(store, builders.started("s1", "sec1", "d1"))
    return store


def ended(expected: list[str] | None = None) -> CloudEvent:
    return builders.ended("s1", "sec1", "d1", ENROLLED if expected is None else expected)


def summaries(store: FakeFeedback) -> list[CloudEvent]:
    """What the store emitted on the attendance topic (an end also counts check-ins)."""
    return [e for e in store.emitted if e.topic == Topic.FEEDBACK_ATTENDANCE.value]


async def report(
    store: FakeFeedback,
    who: Principal,
    kind: Presence,
    event_id: str,
    minutes: float = 0,
    session: str = "s1",
) -> PresenceView:
    return await service.record_presence(
        session,
        kind=kind,
        client_event_id=event_id,
        principal=who,
        store=store,
        clock=Clock(START + timedelta(minutes=minutes)),
    )


JOIN, LEAVE = Presence.JOINED, Presence.LEFT


async def test_a_student_joins_at_the_moment_the_service_received_it_and_nothing_is_emitted() -> (
    None
):
    store = await live_store()
    view = await report(store, student("ana"), JOIN, "e1", minutes=2)
    assert (view.report.received_at, view.attendee.in_session, view.repeated) == (
        START + timedelta(minutes=2),
        True,
        False,
    )
    stored = await store.get_attendee("d1", "s1", "ana")
    assert stored is not None and stored.reports == (view.report,)
    assert store.emitted == []  # joins and leaves stay here; the summary is the event


async def test_a_retried_or_replayed_client_event_records_nothing_twice() -> None:
    store = await live_store()
    ana = student("ana")
    first = await report(store, ana, JOIN, "e1", minutes=1)
    await report(store, ana, LEAVE, "e2", minutes=10)
    # The offline queue is replayed whole, later: each answer is the first one.
    again = [
        await report(store, ana, kind, eid, minutes=20)
        for kind, eid in [(JOIN, "e1"), (LEAVE, "e2")]
    ]
    assert [v.repeated for v in again] == [True, True]
    assert again[0].report == first.report
    stored = await store.get_attendee("d1", "s1", "ana")
    assert stored is not None and [r.client_event_id for r in stored.reports] == ["e1", "e2"]


async def test_a_join_after_a_leave_is_a_rejoin() -> None:
    store = await live_store()
    ana = student("ana")
    await report(store, ana, JOIN, "e1", minutes=0)
    await report(store, ana, LEAVE, "e2", minutes=10)
    back = await report(store, ana, JOIN, "e3", minutes=15)
    assert back.attendee.in_session
    stored = await store.get_attendee("d1", "s1", "ana")
    assert stored is not None and len(stored.intervals()) == 2


async def test_a_leave_without_a_join_is_refused_and_records_nothing() -> None:
    store = await live_store()
    with pytest.raises(NotInSession):
        await report(store, student("ana"), LEAVE, "e1")
    assert await store.get_attendee("d1", "s1", "ana") is None


@pytest.mark.parametrize(
    "who",
    [
        student("zed", sections=frozenset({"sec2"})),
        Principal("t1", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec1"})),
        Principal("g1", "d1", frozenset({Role.GUARDIAN}), children=frozenset({"ana"})),
    ],
    ids=["student of another section", "teacher", "guardian"],
)
async def test_only_a_student_of_the_section_reports_and_only_for_themselves(
    who: Principal,
) -> None:
    store = await live_store()
    with pytest.raises(Forbidden):
        await report(store, who, JOIN, "e1")
    assert store.state.attendees == {}


async def test_joining_a_session_that_is_not_live_is_refused() -> None:
    store = await live_store()
    with pytest.raises(SessionNotLive):
        await report(store, student("ana"), JOIN, "e1", session="unknown")
    await deliver(store, ended())
    with pytest.raises(SessionNotLive):
        await report(store, student("ana"), JOIN, "e1")
    assert store.state.attendees == {}


async def test_the_end_summarises_the_expected_students_once_with_ids_only() -> None:
    store = await live_store()
    await report(store, student("ana"), JOIN, "a1", minutes=0)
    await report(store, student("ben"), JOIN, "b1", minutes=12)
    await report(store, student("zed-unenrolled"), JOIN, "z1", minutes=0)
    end = ended()
    await deliver(store, end)
    await deliver(store, end)  # redelivered
    await deliver(store, ended())  # another event ending the same session
    [event] = summaries(store)
    assert (event.type, event.topic, event.key, event.subject, event.districtid) == (
        "bookend.feedback.attendance.summarized.v1",
        Topic.FEEDBACK_ATTENDANCE.value,
        "sec1",
        "s1",
        "d1",
    )
    data = {k: v for k, v in event.data.items() if k != "summarized_at"}
    assert data == {
        "district_id": "d1",
        "session_id": "s1",
        "section_id": "sec1",
        "present": ["ana"],
        "late": ["ben"],
        "left_early": [],
        "absent": ["cai"],
    }
    summary = await store.get_attendance_summary("d1", "s1")
    assert summary is not None
    assert [(s.student_id, s.minutes_present) for s in summary.students] == [
        ("ana", 45),
        ("ben", 33),
        ("cai", 0),
    ]


async def test_the_thresholds_are_settings() -> None:
    store = await live_store()
    await report(store, student("ana"), JOIN, "a1", minutes=12)
    await deliver(store, ended(["ana"]), FeedbackSettings(late_after_minutes=15))
    [event] = summaries(store)
    assert (event.data["present"], event.data["late"]) == (["ana"], [])


async def test_an_end_naming_no_students_summarises_nothing() -> None:
    """A section without students, or an end published before the field existed."""
    store = await live_store()
    await report(store, student("ana"), JOIN, "a1")
    await deliver(store, ended([]))
    assert summaries(store) == []
    assert await store.get_attendance_summary("d1", "s1") is None


TEACHER = Principal("t1", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec1"}))


async def test_staff_read_every_students_attendance_and_a_student_only_their_own() -> None:
    store = await live_store()
    await report(store, student("ana"), JOIN, "a1")
    with pytest.raises(AttendanceNotFound):  # not summarised before the end
        await service.get_attendance("s1", principal=TEACHER, store=store)
    await deliver(store, ended())
    everyone = await service.get_attendance("s1", principal=TEACHER, store=store)
    assert [(s.student_id, s.mark) for s in everyone.students] == [
        ("ana", AttendanceMark.PRESENT),
        ("ben", AttendanceMark.ABSENT),
        ("cai", AttendanceMark.ABSENT),
    ]
    own = await service.get_attendance("s1", principal=student("ben"), store=store)
    assert [(s.student_id, s.mark) for s in own.students] == [("ben", AttendanceMark.ABSENT)]


@pytest.mark.parametrize(
    ("reader", "refusal"),
    [
        (student("zed", sections=frozenset({"sec2"})), Forbidden),
        (Principal("t2", "d1", frozenset({Role.TEACHER}), sections=frozenset({"sec2"})), Forbidden),
        (Principal("g1", "d1", frozenset({Role.GUARDIAN}), children=frozenset({"ana"})), Forbidden),
        (Principal("a9", "d2", frozenset({Role.DISTRICT_ADMIN})), ChannelNotFound),
    ],
    ids=["student of another section", "teacher of another", "guardian", "another district"],
)
async def test_outsiders_read_no_attendance(reader: Principal, refusal: type[Exception]) -> None:
    store = await live_store()
    await deliver(store, ended())
    with pytest.raises(refusal):
        await service.get_attendance("s1", principal=reader, store=store)
