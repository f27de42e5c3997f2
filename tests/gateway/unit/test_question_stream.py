"""Questions in a session's stream and notes in a student's, over stubbed services: a class
question reaches the whole section without its asker, resolved once per audience; a
teacher-only one reaches staff, and its answer its asker too, resolved for them alone (no
classmate's); a note reaches its student and their guardian only."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bookend.auth import Principal, Role
from bookend.contracts import new_event
from bookend.contracts.feedback import (
    AnswerMode,
    NoteGiven,
    QuestionAnswered,
    QuestionAsked,
    QuestionPhase,
    QuestionStatus,
    QuestionVisibility,
)
from bookend.http_contracts.feedback import Note, NotePage, Question, QuestionAnswer
from bookend.http_contracts.paging import PageInfo
from gateway.hub import Broadcast
from tests.gateway.stubs import StubServices
from tests.gateway.unit.test_live_frames import Encoder, Socket, frames, until
from tests.gateway.unit.test_live_frames import close as close_frames
from tests.gateway.unit.test_session_stream import (
    AT,
    TEACHER,
    close,
    live_session,
    subscribe,
)
from tests.support.global_ids import gid

STREAM = """subscription { sessionEvents(sessionId: "s1") { __typename
  ... on QuestionChanged { change question { id text askerId mine upvotedByYou upvotes } } } }"""
NOTES = """subscription { myNotes { __typename
  ... on NotesSoFar { notes { id text } } ... on NoteReceived { note { id text } } } }"""
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
                "id": gid("Question", "q1"), "text": "Why negatives?", "askerId": None,
                "mine": None, "upvotedByYou": None, "upvotes": 0,
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
    assert seen_by_staff.data["sessionEvents"]["question"]["askerId"] == gid("Person", "ana")
    seen_by_student = await anext(student)  # q1 never came: q2 is next
    assert seen_by_student.data is not None
    assert seen_by_student.data["sessionEvents"]["question"]["id"] == gid("Question", "q2")
    await close([teacher, student])


ANSWER = QuestionAnswer(mode=AnswerMode.WRITTEN, text="Yes", answered_by="t1", answered_at=AT)
ANSWERED_STREAM = """subscription { sessionEvents(sessionId: "s1") { __typename
  ... on QuestionChanged { change question { id askerId mine answer { text } } } } }"""


def answered(question: str, asker: str | None) -> QuestionAnswered:
    """Feedback names the asker in a teacher-only question's answer, never in a class one's."""
    visibility = QuestionVisibility.CLASS if asker is None else QuestionVisibility.TEACHER
    return QuestionAnswered(
        district_id="district-1", question_id=question, session_id="s1", section_id="sec",
        visibility=visibility, mode=AnswerMode.WRITTEN, answered_at=AT, asker_id=asker,
    )  # fmt: skip


def teacher_only(question: str, *, staff: bool) -> Question:
    """A teacher-only question answered, as staff see it, or as its asker does."""
    return shared(question, asker="ana" if staff else None).model_copy(
        update={
            "visibility": QuestionVisibility.TEACHER,
            "status": QuestionStatus.ANSWERED,
            "answer": ANSWER,
            "mine": None if staff else True,
            "upvoted": None if staff else False,
        }
    )


def asked_by_its_asker(path: str) -> bool:
    return path == "/questions/q1"


async def test_a_teacher_only_answer_reaches_its_asker_and_staff_but_no_classmate() -> None:
    stubs = services()
    stubs.feedback.answer("GET", "/questions/q1/shared", teacher_only("q1", staff=True))
    stubs.feedback.answer("GET", "/questions/q1", teacher_only("q1", staff=False))
    stubs.feedback.answer("GET", "/questions/q2/shared", shared("q2"))
    hub = Broadcast(queue_size=8)
    teacher = await subscribe(stubs, hub, timedelta(hours=1), TEACHER, ANSWERED_STREAM)
    # Ana asked q1; Ben and Cy are her classmates, with her claims: one audience.
    ana, ben, cy = [
        await subscribe(stubs, hub, timedelta(hours=1), replace(ANA, subject=who), ANSWERED_STREAM)
        for who in ("ana", "ben", "cy")
    ]
    for stream in (teacher, ana, ben, cy):
        await anext(stream)
    await hub.publish(new_event("bookend/feedback", answered("q1", asker="ana")))
    await hub.publish(new_event("bookend/feedback", asked("q2", QuestionVisibility.CLASS)))

    by_staff, by_asker = await anext(teacher), await anext(ana)
    assert by_staff.data is not None and by_asker.data is not None
    assert by_staff.data["sessionEvents"]["question"] == {
        "id": gid("Question", "q1"), "askerId": gid("Person", "ana"), "mine": None,
        "answer": {"text": "Yes"},
    }  # fmt: skip
    assert by_asker.data["sessionEvents"] == {
        "__typename": "QuestionChanged",
        "change": "ANSWERED",
        "question": {
            "id": gid("Question", "q1"),
            "askerId": None,
            "mine": True,
            "answer": {"text": "Yes"},
        },
    }
    for classmate in (ben, cy):  # q1's answer never came: q2 is next
        shown = await anext(classmate)
        assert shown.data is not None
        assert shown.data["sessionEvents"]["question"]["id"] == gid("Question", "q2")
    # Fetched as the asker sees it, once, for her alone; her classmates fetched nothing of q1.
    personal = [r for r in stubs.feedback.requests if asked_by_its_asker(r.url.path)]
    assert len(personal) == 1
    await close([teacher, ana, ben, cy])


async def test_over_a_websocket_a_teacher_only_answer_is_sent_to_its_asker_alone() -> None:
    stubs, hub, encoder = services(), Broadcast(queue_size=8), Encoder()
    stubs.feedback.answer("GET", "/questions/q1", teacher_only("q1", staff=False))
    stubs.feedback.answer("GET", "/questions/q2/shared", shared("q2"))
    # Ana on two devices, and two classmates: one audience of four subscribers.
    people = [replace(ANA, subject=who) for who in ("ana", "ana", "ben", "cy")]
    sockets = [Socket() for _ in people]
    running = []
    for who, socket in zip(people, sockets, strict=True):
        live = frames("1", socket, encoder)
        stream = await subscribe(stubs, hub, timedelta(hours=1), who, ANSWERED_STREAM, live)
        await anext(stream)  # the snapshot
        running.append((stream, asyncio.create_task(anext(stream))))
    await hub.publish(new_event("bookend/feedback", answered("q1", asker="ana")))
    await hub.publish(new_event("bookend/feedback", asked("q2", QuestionVisibility.CLASS)))
    await until(*sockets[:2], frames=2)
    await until(*sockets[2:], frames=1)
    await asyncio.sleep(0.05)
    seen = [[question_in(frame) for frame in socket.sent] for socket in sockets]
    q1, q2 = gid("Question", "q1"), gid("Question", "q2")
    assert [[q["id"] for q in shown] for shown in seen] == [[q1, q2], [q1, q2], [q2], [q2]]
    assert seen[0][0] == {"id": q1, "askerId": None, "mine": True, "answer": {"text": "Yes"}}
    personal = [r for r in stubs.feedback.requests if asked_by_its_asker(r.url.path)]
    assert len(personal) == 1  # one resolution for Ana's two devices
    await close_frames(running)


def question_in(frame: dict[str, object]) -> dict[str, object]:
    payload = frame["payload"]
    assert isinstance(payload, dict)
    question: dict[str, object] = payload["data"]["sessionEvents"]["question"]
    return question


async def test_a_class_questions_answer_is_shared_by_the_class_and_names_no_one() -> None:
    stubs = services()
    stubs.feedback.answer("GET", "/questions/q3/shared", shared("q3"))
    hub = Broadcast(queue_size=8)
    streams = [
        await subscribe(stubs, hub, timedelta(hours=1), replace(ANA, subject=who), ANSWERED_STREAM)
        for who in ("ana", "ben")
    ]
    for stream in streams:
        await anext(stream)
    await hub.publish(new_event("bookend/feedback", answered("q3", asker=None)))
    shown = [await anext(stream) for stream in streams]
    assert shown[0].data == shown[1].data
    assert [r.url.path for r in stubs.feedback.requests if "q3" in r.url.path] == [
        "/questions/q3/shared"
    ]
    await close(streams)


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


@pytest.mark.parametrize("child", ["ana", gid("Person", "ana")], ids=["raw id", "global id"])
async def test_a_note_reaches_its_student_and_their_guardian_and_no_classmate(child: str) -> None:
    stubs = services()
    page = NotePage(items=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
    stubs.feedback.answer("GET", "/notes", page)
    stubs.feedback.answer("GET", "/notes/n1", note("n1", "ana"))
    hub = Broadcast(queue_size=8)
    mum = Principal("mum", "district-1", frozenset({Role.GUARDIAN}), children=frozenset({"ana"}))
    ana = await subscribe(stubs, hub, timedelta(hours=1), ANA, NOTES)
    ben = await subscribe(stubs, hub, timedelta(hours=1), replace(ANA, subject="ben"), NOTES)
    childs_notes = NOTES.replace("myNotes", f'myNotes(studentId: "{child}")')
    mother = await subscribe(stubs, hub, timedelta(hours=1), mum, childs_notes)
    for stream in (ana, ben, mother):
        first = await anext(stream)
        assert first.data == {"myNotes": {"__typename": "NotesSoFar", "notes": []}}
    await hub.publish(new_event("bookend/feedback", given("n1", "ana")))
    for stream in (ana, mother):
        received = await anext(stream)
        assert received.data == {
            "myNotes": {
                "__typename": "NoteReceived",
                "note": {"id": gid("Note", "n1"), "text": "For ana"},
            }
        }
    await asyncio.sleep(0.05)
    fetched = [r for r in stubs.feedback.requests if r.url.path == "/notes/n1"]
    assert len(fetched) == 2  # once for Ana, once for her mother: each with their own rights
    nothing = asyncio.ensure_future(anext(ben))
    await asyncio.sleep(0.1)
    assert not nothing.done()  # Ben's stream got nothing
    nothing.cancel()
    await close([ana, mother])
