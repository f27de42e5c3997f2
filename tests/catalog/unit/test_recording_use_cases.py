"""Recordings with an in-memory store: the catalog learns sessions from the scheduler's events
(once each, in any order), who may attach a recording, what it publishes, and who reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts import CloudEvent, Topic, new_event
from bookend.contracts.scheduler import SessionEnded, SessionScheduled, SessionStarted
from bookend.hosting import ServiceState
from bookend.ids import IdFactory
from bookend.problems import InvalidInput
from services.catalog.events import inbound
from services.catalog.recordings import service
from services.catalog.recordings.domain import (
    Recording,
    RecordingDraft,
    RecordingExists,
    RecordingNotFound,
    SessionNotEnded,
    SessionNotFound,
)
from services.catalog.settings import CatalogSettings
from tests.catalog.builders import RECORDING
from tests.catalog.fakes import FakeCatalog
from tests.support.fakes import TickingClock, counting_ids

SECTION, OTHER_SECTION, SCHOOL = "sec-x", "sec-y", "school-1"
TEACHER = Principal("teacher-1", "d1", frozenset({Role.TEACHER}), SCHOOL, frozenset({SECTION}))
OTHER_TEACHER = Principal(
    "teacher-2", "d1", frozenset({Role.TEACHER}), SCHOOL, frozenset({OTHER_SECTION})
)
SCHOOL_ADMIN = Principal("admin-s", "d1", frozenset({Role.SCHOOL_ADMIN}), SCHOOL)
OTHER_SCHOOL_ADMIN = Principal("admin-t", "d1", frozenset({Role.SCHOOL_ADMIN}), "school-2")
DISTRICT_ADMIN = Principal("admin-d", "d1", frozenset({Role.DISTRICT_ADMIN}))
STUDENT = Principal("student-1", "d1", frozenset({Role.STUDENT}), sections=frozenset({SECTION}))
OTHER_STUDENT = Principal(
    "student-2", "d1", frozenset({Role.STUDENT}), sections=frozenset({OTHER_SECTION})
)
GUARDIAN = Principal("guardian-1", "d1", frozenset({Role.GUARDIAN}), children=frozenset({"s"}))
ELSEWHERE = Principal(
    "teacher-1", "d2", frozenset({Role.TEACHER}), SCHOOL, frozenset({SECTION, OTHER_SECTION})
)
AT = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def scheduled(
    session_id: str, section_id: str = SECTION, lesson_id: str = "lesson-1"
) -> CloudEvent:
    payload = SessionScheduled(
        district_id="d1",
        session_id=session_id,
        school_id=SCHOOL,
        section_id=section_id,
        lesson_id=lesson_id,
        lesson_version=3,
        title="Socratic seminar",
        starts_at=AT,
        ends_at=AT.replace(hour=11),
        time_zone="America/Chicago",
        task_ids=[],
    )
    return new_event("bookend/scheduler", payload)


def started(session_id: str, section_id: str = SECTION) -> CloudEvent:
    payload = SessionStarted(
        district_id="d1", session_id=session_id, section_id=section_id, started_at=AT
    )
    return new_event("bookend/scheduler", payload)


def ended(session_id: str, section_id: str = SECTION) -> CloudEvent:
    payload = SessionEnded(
        district_id="d1", session_id=session_id, section_id=section_id, ended_at=AT
    )
    return new_event("bookend/scheduler", payload)


async def hear(store: FakeCatalog, *events: CloudEvent) -> None:
    """Deliver events as the consumer would, through the catalog's inbound table."""
    table = inbound(ServiceState(store, CatalogSettings(), TickingClock(), counting_ids()))
    for event in events:
        await table(event)


async def ended_session(
    store: FakeCatalog, session_id: str = "session-1", section_id: str = SECTION
) -> None:
    await hear(
        store,
        scheduled(session_id, section_id),
        started(session_id, section_id),
        ended(session_id, section_id),
    )


async def attach(
    store: FakeCatalog,
    session_id: str = "session-1",
    principal: Principal = TEACHER,
    draft: RecordingDraft = RECORDING,
    ids: IdFactory | None = None,
) -> Recording:
    return await service.attach_recording(
        session_id,
        draft,
        principal=principal,
        store=store,
        clock=TickingClock(),
        ids=ids or counting_ids("rec"),
    )


async def test_the_scheduler_s_events_make_the_catalog_s_copy_of_the_session() -> None:
    store = FakeCatalog()
    await ended_session(store)
    known = await store.get_session("d1", "session-1")
    assert known is not None
    assert (known.section_id, known.school_id, known.lesson_id, known.lesson_version) == (
        SECTION,
        SCHOOL,
        "lesson-1",
        3,
    )
    assert (known.status.value, known.ended_at) == ("ended", AT)


async def test_an_event_delivered_twice_is_applied_once() -> None:
    store = FakeCatalog()
    event = scheduled("session-1")
    await hear(store, event)
    # The same id carrying another lesson shows that the inbox, not the merge, skips it.
    await hear(store, replace(event, data=event.data | {"lesson_id": "lesson-9"}))
    known = await store.get_session("d1", "session-1")
    assert known is not None and known.lesson_id == "lesson-1"


async def test_an_end_heard_before_the_schedule_is_kept() -> None:
    store = FakeCatalog()
    await hear(store, ended("session-1"), started("session-1"), scheduled("session-1"))
    await attach(store)  # ended, and its lesson known: nothing was lost
    assert len(store.emitted) == 1


async def test_attaching_publishes_the_recording_with_its_event_in_one_transaction() -> None:
    store = FakeCatalog()
    await ended_session(store)
    recording = await attach(store)
    assert await store.get_recording("d1", "session-1") == recording
    [event] = store.emitted
    assert (event.type, event.topic, event.key, event.subject) == (
        "bookend.catalog.recording.published.v1",
        Topic.CATALOG_RECORDING.value,
        SECTION,
        "session-1",
    )
    assert event.data | {"published_at": None} == {
        "district_id": "d1",
        "component_id": recording.id,
        "session_id": "session-1",
        "section_id": SECTION,
        "lesson_id": "lesson-1",
        "lesson_version": 3,
        "title": "Socratic seminar",
        "kind": "model",
        "mode_fit": "on_demand",
        "minutes": 50,
        "url": RECORDING.url,
        "duration_seconds": RECORDING.duration_seconds,
        "bytes": RECORDING.bytes,
        "published_at": None,
    }


@pytest.mark.parametrize(
    "principal",
    [TEACHER, SCHOOL_ADMIN, DISTRICT_ADMIN],
    ids=["teacher of the section", "admin of its school", "district admin"],
)
async def test_who_runs_the_section_attaches_its_recording(principal: Principal) -> None:
    store = FakeCatalog()
    await ended_session(store)
    await attach(store, principal=principal)
    assert await store.get_recording("d1", "session-1") is not None


@pytest.mark.parametrize(
    ("principal", "refusal"),
    [
        (OTHER_TEACHER, Forbidden),
        (OTHER_SCHOOL_ADMIN, Forbidden),
        (STUDENT, Forbidden),
        (GUARDIAN, Forbidden),
        (ELSEWHERE, SessionNotFound),
    ],
    ids=[
        "teacher of another section",
        "admin of another school",
        "student of the section",
        "guardian",
        "another district's teacher",
    ],
)
async def test_no_one_else_attaches_and_nothing_changes(
    principal: Principal, refusal: type[Exception]
) -> None:
    store = FakeCatalog()
    await ended_session(store)
    with pytest.raises(refusal):
        await attach(store, principal=principal)
    assert await store.get_recording("d1", "session-1") is None
    assert store.emitted == []


async def test_a_session_not_heard_of_is_not_found() -> None:
    with pytest.raises(SessionNotFound):
        await attach(FakeCatalog(), "session-unknown")


async def test_a_session_not_ended_is_a_conflict() -> None:
    store = FakeCatalog()
    await hear(store, scheduled("session-1"), started("session-1"))
    with pytest.raises(SessionNotEnded):
        await attach(store)
    assert store.emitted == []


async def test_a_second_recording_is_a_conflict_and_the_first_stays() -> None:
    store = FakeCatalog()
    await ended_session(store)
    first = await attach(store)
    with pytest.raises(RecordingExists):
        await attach(store, draft=replace(RECORDING, url="https://cdn.example.org/other.mp4"))
    assert await store.get_recording("d1", "session-1") == first
    assert len(store.emitted) == 1


async def test_an_invalid_recording_is_refused_and_nothing_is_stored() -> None:
    store = FakeCatalog()
    await ended_session(store)
    with pytest.raises(InvalidInput) as refused:
        await attach(store, draft=replace(RECORDING, captions=(), variants=()))
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("captions", "captions_or_transcript")
    ]
    assert await store.get_recording("d1", "session-1") is None
    assert store.emitted == []


async def two_sections_recorded(store: FakeCatalog) -> tuple[Recording, Recording]:
    await ended_session(store, "session-1", SECTION)
    await ended_session(store, "session-2", OTHER_SECTION)
    ids = counting_ids("rec")  # one recording id each
    mine = await attach(store, "session-1", ids=ids)
    theirs = await attach(store, "session-2", OTHER_TEACHER, ids=ids)
    return mine, theirs


async def listed(
    store: FakeCatalog, principal: Principal, lesson: str = "lesson-1"
) -> list[Recording]:
    page = await service.list_lesson_recordings(
        lesson, first=20, after=None, principal=principal, store=store
    )
    return page.recordings


async def test_staff_read_every_sections_recordings_of_a_lesson_newest_first() -> None:
    store = FakeCatalog()
    mine, theirs = await two_sections_recorded(store)
    for principal in (TEACHER, OTHER_SCHOOL_ADMIN, DISTRICT_ADMIN):
        assert [r.id for r in await listed(store, principal)] == [theirs.id, mine.id]


async def test_a_lessons_recordings_are_paged_newest_first_to_the_last() -> None:
    store = FakeCatalog()
    mine, theirs = await two_sections_recorded(store)
    first = await service.list_lesson_recordings(
        "lesson-1", first=1, after=None, principal=TEACHER, store=store
    )
    assert [r.id for r in first.recordings] == [theirs.id] and first.next is not None
    rest = await service.list_lesson_recordings(
        "lesson-1", first=1, after=first.next, principal=TEACHER, store=store
    )
    assert ([r.id for r in rest.recordings], rest.next) == ([mine.id], None)
    for wrong in (0, 101):
        with pytest.raises(InvalidInput) as refused:
            await service.list_lesson_recordings(
                "lesson-1", first=wrong, after=None, principal=TEACHER, store=store
            )
        assert [(e.field, e.rule) for e in refused.value.errors] == [("first", "in_range")]


async def test_a_student_reads_only_their_sections_recordings() -> None:
    store = FakeCatalog()
    mine, _ = await two_sections_recorded(store)
    assert await listed(store, STUDENT) == [mine]
    assert await service.get_session_recording("session-1", principal=STUDENT, store=store) == mine
    with pytest.raises(Forbidden):
        await service.get_session_recording("session-2", principal=STUDENT, store=store)


async def test_another_lesson_or_district_lists_none_and_a_guardian_is_refused() -> None:
    store = FakeCatalog()
    await two_sections_recorded(store)
    assert await listed(store, TEACHER, "lesson-2") == []
    assert await listed(store, ELSEWHERE) == []
    with pytest.raises(Forbidden):
        await listed(store, GUARDIAN)
    with pytest.raises(RecordingNotFound):
        await service.get_session_recording("session-1", principal=ELSEWHERE, store=store)


async def test_input_is_checked_before_the_session_is_looked_up() -> None:
    """A client learns what is wrong with its recording even before the catalog has heard of
    the session (and the rules are reached by any request, whatever the session)."""
    with pytest.raises(InvalidInput) as refused:
        await attach(FakeCatalog(), "session-unknown", draft=replace(RECORDING, bytes=-1))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("bytes", "range")]
