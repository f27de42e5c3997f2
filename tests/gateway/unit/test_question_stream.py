"""Questions in a session's stream and notes in a student's, over stubbed services: a class
question reaches the whole section without its asker, resolved once per audience; a
teacher-only one reaches staff alone; a note reaches its student and their guardian only."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from bookend.auth import Principal, Role
from bookend.contracts import new_event
from bookend.contracts.feedback import (
    NoteGiven,
    QuestionAsked,
    QuestionPhase,
    QuestionStatus,
    QuestionVisibility,
)
from bookend.http_contracts.feedback import Note, NotePage, Question
from bookend.http_contracts.paging import PageInfo
from gateway.hub import Broadcast
from tests.gateway.stubs import StubServices
from tests.gateway.unit.test_session_stream import (
    AT,
    TEACHER,
    close,
    live_session,
    subscribe,
)

STREAM = """subscription { sessionEvents(sessionId: "s1") { __typename
  ... on QuestionChanged { change question { id text askerId mine upvotedByYou upvotes } } } }"""
NOTES = """subscription { myNotes { __typename
  ... on NotesSoFar { notes { id text } } ... on NoteReceived { note { id text } } } }"""
CHILDS_NOTES = NOTES.replace("myNotes", 'myNotes(studentId: "ana")')
ANA = Principal("ana", "district-1", frozenset({Role.STUDENT}), sections=frozenset({"sec"}))


def asked(question: str, visibility: QuestionVisibility) -> QuestionAsked:
    return QuestionAsked(
        district_id="district-1", question_id=question, session_id="s1", section_id="sec",
        visibility=visibility, phase=QuestionPhase.DURING, asked_at=AT,
    )  # fmt: skip


def shared(question: str, asker: str | None = None) -> Question:
    return Question(
        id=question, session_id="s1", section_id="sec", text="Why negatives?",
        visibility=QuestionVisibility.CLASS, phase=QuestionPhase.DURING,
        status=QuestionStatus.OPEN, asked_at=AT, upvotes=0, answer=None, follow_up=None,
        asker_id=asker, mine=None, upvoted=None,
    )  # fmt: skip


def services() -> StubServices:
    stubs = StubServices()
    stubs.scheduler.answer("GET", "/sessions/s1", live_session())
    return stubs


async def test_a_class_question_reaches_the_class_without_its_asker_fetched_once() -> None:
    stubs = services()
    stubs.feedback.answer("GET", "/questions/q1/shared", shared("q1"))
    hub = Broadcast(queue_size=8)
    # The asker and three classmates: one audience.
    students = [replace(ANA, subject=who) for who in ("ana", "ben", "cy", "dee")]
    streams = [await subscribe(stubs, hub, timedelta(hours=1), who, STREAM) for who in students]
    for stream in streams:
        await anext(stream)  # the snapshot
    await hub.publish(new_event("bookend/feedback", asked("q1", QuestionVisibility.CLASS)))
    shown = await asyncio.gather(*(anext(stream) for stream in streams))
    expected = {
        "sessionEvents": {
            "__typename": "QuestionChanged",
            "change": "ASKED",
            "question": {
                "id": "q1", "text": "Why negatives?", "askerId": None, "mine": None,
                "upvotedByYou": None, "upvotes": 0,
            },
        }
    }  # fmt: skip
    assert [result.data for result in shown] == [expected] * 4
    fetched = [r for r in stubs.feedback.requests if r.url.path == "/questions/q1/shared"]
    assert len(fetched) == 1
    await close(streams)


async def test_a_teacher_only_question_reaches_staff_but_not_students() -> None:
    stubs = services()
    stubs.feedback.answer("GET", "/questions/q1/shared", shared("q1", asker="ana"))
    stubs.feedback.answer("GET", "/questions/q2/shared", shared("q2"))
    hub = Broadcast(queue_size=8)
    teacher = await subscribe(stubs, hub, timedelta(hours=1), TEACHER, STREAM)
    student = await subscribe(stubs, hub, timedelta(hours=1), replace(ANA, subject="ben"), STREAM)
    for stream in (teacher, student):
        await anext(stream)
    await hub.publish(new_event("bookend/feedback", asked("q1", QuestionVisibility.TEACHER)))
    await hub.publish(new_event("bookend/feedback", asked("q2", QuestionVisibility.CLASS)))
    seen_by_staff = await anext(teacher)
    assert seen_by_staff.data is not None
    assert seen_by_staff.data["sessionEvents"]["question"]["askerId"] == "ana"
    seen_by_student = await anext(student)  # q1 never came: q2 is next
    assert seen_by_student.data is not None
    assert seen_by_student.data["sessionEvents"]["question"]["id"] == "q2"
    await close([teacher, student])


def note(note_id: str, student: str) -> Note:
    return Note(
        id=note_id, student_id=student, section_id="sec", author_id="teacher-1",
        text=f"For {student}", task_id="t1", session_id=None, at=None, given_at=AT,
    )  # fmt: skip


def given(note_id: str, student: str) -> NoteGiven:
    return NoteGiven(
        district_id="district-1", note_id=note_id, student_id=student, section_id="sec",
        task_id="t1", given_at=AT,
    )  # fmt: skip


async def test_a_note_reaches_its_student_and_their_guardian_and_no_classmate() -> None:
    stubs = services()
    page = NotePage(items=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
    stubs.feedback.answer("GET", "/notes", page)
    stubs.feedback.answer("GET", "/notes/n1", note("n1", "ana"))
    hub = Broadcast(queue_size=8)
    mum = Principal("mum", "district-1", frozenset({Role.GUARDIAN}), children=frozenset({"ana"}))
    ana = await subscribe(stubs, hub, timedelta(hours=1), ANA, NOTES)
    ben = await subscribe(stubs, hub, timedelta(hours=1), replace(ANA, subject="ben"), NOTES)
    mother = await subscribe(stubs, hub, timedelta(hours=1), mum, CHILDS_NOTES)
    for stream in (ana, ben, mother):
        first = await anext(stream)
        assert first.data == {"myNotes": {"__typename": "NotesSoFar", "notes": []}}
    await hub.publish(new_event("bookend/feedback", given("n1", "ana")))
    for stream in (ana, mother):
        received = await anext(stream)
        assert received.data == {
            "myNotes": {"__typename": "NoteReceived", "note": {"id": "n1", "text": "For ana"}}
        }
    await asyncio.sleep(0.05)
    fetched = [r for r in stubs.feedback.requests if r.url.path == "/notes/n1"]
    assert len(fetched) == 2  # once for Ana, once for her mother: each with their own rights
    nothing = asyncio.ensure_future(anext(ben))
    await asyncio.sleep(0.1)
    assert not nothing.done()  # Ben's stream got nothing
    nothing.cancel()
    await close([ana, mother])
