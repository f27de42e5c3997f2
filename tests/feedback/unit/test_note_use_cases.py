"""Teacher notes with an in-memory store: staff of a section write to one student about a task
or a live moment; the student and their guardians read them, and no one else does."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from bookend.auth import Forbidden, Principal
from bookend.contracts import CloudEvent, Topic, new_event
from bookend.contracts.scheduler import TaskAssigned
from bookend.cursors import Position
from bookend.hosting import ServiceState
from bookend.ids import new_id
from bookend.problems import InvalidInput
from services.feedback.events import inbound
from services.feedback.notes import service
from services.feedback.notes.domain import (
    MAX_PER_SUBJECT,
    MAX_TEXT,
    Note,
    NoteNotFound,
    TaskNotFound,
)
from services.feedback.plan.domain import (
    PlannedSessionNotFound,
    SessionCancelled,
    SessionNotStarted,
)
from services.feedback.settings import FeedbackSettings
from tests.feedback import builders
from tests.feedback import question_builders as plan
from tests.feedback.builders import END, START
from tests.feedback.fakes import FakeFeedback
from tests.feedback.question_builders import (
    DISTRICT_ADMIN,
    SCHOOL_ADMIN,
    during,
    guardian,
    student,
    teacher,
)
from tests.support.fakes import Clock, TickingClock

TEXT = "You explained the mirror idea well; try the last two again."
NOW = END + timedelta(hours=1)


async def deliver(store: FakeFeedback, *events: CloudEvent) -> None:
    state = ServiceState(store=store, settings=FeedbackSettings(), clock=TickingClock(), ids=new_id)
    for event in events:
        await inbound(state)(event)


async def planned() -> FakeFeedback:
    """Task t1 of sec1, and session s1 of sec1 (school-1), run from 09:00 to 09:45."""
    store = FakeFeedback()
    await deliver(
        store,
        builders.scheduled("s1", "sec1", "d1", "school-1"),
        plan.task_assigned("t1", "sec1", "d1"),
        builders.started("s1", "sec1", "d1"),
        builders.ended("s1", "sec1", "d1"),
    )
    return store


async def write(
    store: FakeFeedback,
    *,
    to: str = "ana",
    task_id: str | None = "t1",
    session_id: str | None = None,
    at: datetime | None = None,
    text: str = TEXT,
    by: Principal | None = None,
    now: datetime = NOW,
) -> Note:
    return await service.write_note(
        student_id=to,
        text=text,
        task_id=task_id,
        session_id=session_id,
        at=at,
        principal=by or teacher(),
        store=store,
        clock=Clock(now),
        ids=new_id,
    )


def stored(store: FakeFeedback) -> int:
    return len(store.state.asked.notes)


async def test_a_teacher_writes_a_note_about_a_task_and_note_given_has_ids_only() -> None:
    store = await planned()
    note = await write(store)
    assert (note.student_id, note.section_id, note.author_id, note.task_id, note.text) == (
        "ana",
        "sec1",
        "t1",
        "t1",
        TEXT,
    )
    [event] = [e for e in store.emitted if e.topic == Topic.FEEDBACK_NOTE.value]
    assert (event.type, event.topic, event.key) == (
        "bookend.feedback.note.given.v1",
        Topic.FEEDBACK_NOTE.value,
        "sec1",
    )
    assert event.data["note_id"] == note.id and event.data["student_id"] == "ana"
    assert "mirror" not in json.dumps(event.data)


async def test_a_note_about_a_live_moment_falls_within_the_session() -> None:
    store = await planned()
    note = await write(store, task_id=None, session_id="s1", at=during(12))
    assert (note.session_id, note.task_id, note.at) == ("s1", None, during(12))
    for outside in (START - timedelta(seconds=1), END + timedelta(seconds=1)):
        with pytest.raises(InvalidInput) as refused:
            await write(store, task_id=None, session_id="s1", at=outside)
        assert [(e.field, e.rule) for e in refused.value.errors] == [("at", "within_session")]
    assert stored(store) == 1


async def test_a_note_during_the_live_session_may_name_any_moment_until_now() -> None:
    store = FakeFeedback()
    await deliver(
        store,
        builders.scheduled("s1", "sec1", "d1", "school-1"),
        builders.started("s1", "sec1", "d1"),
    )
    await write(store, task_id=None, session_id="s1", at=during(5), now=during(10))
    with pytest.raises(InvalidInput):
        await write(store, task_id=None, session_id="s1", at=during(11), now=during(10))


async def test_a_note_about_a_session_not_started_or_cancelled_is_refused() -> None:
    store = FakeFeedback()
    await deliver(
        store,
        builders.scheduled("s1", "sec1", "d1", "school-1"),
        builders.scheduled("s2", "sec1", "d1", "school-1"),
        plan.cancelled("s2", "sec1", "d1"),
    )
    with pytest.raises(SessionNotStarted):
        await write(store, task_id=None, session_id="s1")
    with pytest.raises(SessionCancelled):
        await write(store, task_id=None, session_id="s2")
    with pytest.raises(PlannedSessionNotFound):
        await write(store, task_id=None, session_id="s-unknown")
    with pytest.raises(TaskNotFound):
        await write(store, task_id="t-unknown")
    assert (stored(store), store.emitted) == (0, [])


async def test_a_note_goes_only_to_a_student_the_work_was_for() -> None:
    """A task chosen for some students, and a session whose students the section named when
    it started: a note to anyone else is refused naming student_id and the rule."""
    store = FakeFeedback()
    chosen = plan.task_assigned("t2", "sec1", "d1")
    payload = TaskAssigned.model_validate(chosen.data).model_copy(update={"student_ids": ["ana"]})
    await deliver(
        store,
        builders.scheduled("s1", "sec1", "d1", "school-1"),
        builders.started("s1", "sec1", "d1", expected=["ana", "ben"]),
        new_event(chosen.source, payload),
    )
    for task_id, session_id, at, rule in (
        ("t2", None, None, "assigned"),
        (None, "s1", START, "in_session"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await write(store, to="zed", task_id=task_id, session_id=session_id, at=at)
        assert [(e.field, e.rule) for e in refused.value.errors] == [("student_id", rule)]
    assert (stored(store), store.emitted) == (0, [])
    await write(store, to="ana", task_id="t2")
    await write(store, to="ben", task_id=None, session_id="s1", at=START)
    assert stored(store) == 2


async def test_every_broken_rule_of_a_note_is_named_at_once() -> None:
    store = await planned()
    with pytest.raises(InvalidInput) as refused:
        await write(store, to="", text=" ", task_id="t1", session_id="s1")
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("student_id", "valid_id"),
        ("text", "required"),
        ("task_id", "one_of"),
    ]
    with pytest.raises(InvalidInput) as refused:
        await write(store, text="x" * (MAX_TEXT + 1), task_id=None, at=during(3))
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("text", "max_length"),
        ("task_id", "one_of"),
        ("at", "with_session"),
    ]
    assert stored(store) == 0


async def test_a_student_gets_at_most_so_many_notes_about_one_task() -> None:
    store = await planned()
    for n in range(MAX_PER_SUBJECT):
        await write(store, text=f"note {n}")
    with pytest.raises(InvalidInput) as refused:
        await write(store)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("student_id", "max_notes")]
    await write(store, task_id=None, session_id="s1")  # about something else, still
    await write(store, to="ben")


@pytest.mark.parametrize(
    "who",
    [
        teacher("t2", frozenset({"sec2"})),
        student("ben"),
        guardian("g1", "ana"),
        plan.OTHER_SCHOOL_ADMIN,
    ],
    ids=["another section's teacher", "a classmate", "a guardian", "another school's admin"],
)
async def test_only_the_sections_staff_write_notes(who: Principal) -> None:
    store = await planned()
    with pytest.raises(Forbidden):
        await write(store, by=who)
    assert stored(store) == 0


@pytest.mark.parametrize("who", [SCHOOL_ADMIN, DISTRICT_ADMIN], ids=["school admin", "district"])
async def test_admins_reaching_the_section_write_notes(who: Principal) -> None:
    assert (await write(await planned(), by=who)).author_id == who.subject


READERS = {
    # who: (lists Ana's notes, reads Ana's note by id)
    "Ana": (student("ana"), True, True),
    "Ana's guardian": (guardian("g1", "ana"), True, True),
    "a guardian of Ana and her brother": (guardian("g3", "ana", "bo"), True, True),
    "the note's author": (teacher(), False, True),
    "a classmate": (student("ben"), False, False),
    "a classmate's guardian": (guardian("g2", "ben"), False, False),
    "another teacher of the section": (teacher("t9"), False, False),
    "the district admin": (DISTRICT_ADMIN, False, False),
    "a guardian elsewhere naming Ana": (guardian("g1", "ana", district="d2"), True, False),
}


@pytest.mark.parametrize("who", READERS)
async def test_a_note_is_read_by_the_student_and_their_guardians_only(who: str) -> None:
    principal, lists, reads = READERS[who]
    store = await planned()
    note = await write(store)
    try:
        page = await service.list_notes(
            "ana", first=10, after=None, principal=principal, reads=store
        )
        listed = [n.id for n in page.notes]
    except Forbidden:
        listed = None
    # Elsewhere, Ana's id names no one of theirs: an empty list, and nothing of district d1.
    expected = ([note.id] if principal.district == "d1" else []) if lists else None
    assert listed == expected
    try:
        got = await service.get_note(note.id, principal=principal, reads=store)
        assert got == note
        read = True
    except NoteNotFound:
        read = False
    assert read is reads


async def test_a_student_lists_their_own_notes_without_naming_themself() -> None:
    store = await planned()
    mine = await write(store)
    await write(store, to="ben")
    page = await service.list_notes(None, first=10, after=None, principal=student(), reads=store)
    assert page.notes == [mine]


async def test_a_guardian_names_the_child_whose_notes_they_read() -> None:
    store = await planned()
    with pytest.raises(InvalidInput) as refused:
        await service.list_notes(
            None, first=10, after=None, principal=guardian("g1", "ana"), reads=store
        )
    assert [(e.field, e.rule) for e in refused.value.errors] == [("student_id", "required")]


async def test_notes_are_paged_newest_first() -> None:
    store = await planned()
    written = [
        await write(store, text=f"note {n}", now=NOW + timedelta(minutes=n)) for n in range(15)
    ]
    pages: list[list[Note]] = []
    after: Position | None = None
    while True:
        page = await service.list_notes(
            "ana", first=6, after=after, principal=student(), reads=store
        )
        pages.append(page.notes)
        if page.next is None:
            break
        after = page.next
    assert [len(p) for p in pages] == [6, 6, 3]
    assert [n for p in pages for n in p] == written[::-1]
    for first in (0, 101):
        with pytest.raises(InvalidInput) as refused:
            await service.list_notes(
                "ana", first=first, after=None, principal=student(), reads=store
            )
        assert [(e.field, e.rule) for e in refused.value.errors] == [("first", "in_range")]
