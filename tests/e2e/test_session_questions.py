"""Questions and notes through GraphQL only, over HTTP and WebSocket: during a live session a
student asks an anonymous class question; a classmate sees it arrive and by query without its
asker, the asker sees it as theirs, the classmate upvotes it and the teacher answers it live.
Then the teacher's note reaches the student and their guardian, and is refused to a classmate
and to another guardian."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bookend.auth import Role
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import Client, ClientFor, Data
from tests.support.polling import eventually

QUESTION = """id text visibility phase status upvotes askerId mine upvotedByYou
  answer { mode text answeredBy }"""
RESULT = f"""__typename ... on Question {{ {QUESTION} }}
  ... on InvalidInput {{ code errors {{ field rule }} }} ... on UserError {{ code message }}"""
STREAM = f"""subscription($id: ID!) {{ sessionEvents(sessionId: $id) {{ __typename
  ... on SessionStatusChanged {{ status }}
  ... on QuestionChanged {{ change question {{ {QUESTION} }} }} }} }}"""
START = """mutation($id: ID!) { startSession(id: $id) { __typename } }"""
CHANNEL = """query($id: ID!) { liveChannel(sessionId: $id) { status } }"""
ASK = f"""mutation($id: ID!, $text: String!) {{
  askQuestion(sessionId: $id, text: $text, visibility: CLASS) {{ {RESULT} }} }}"""
UPVOTE = f"""mutation($id: ID!) {{ upvoteQuestion(questionId: $id) {{ {RESULT} }} }}"""
ANSWER = f"""mutation($id: ID!, $text: String) {{
  answerQuestion(questionId: $id, mode: LIVE, text: $text) {{ {RESULT} }} }}"""
QUESTIONS = f"""query($id: ID!) {{ sessionQuestions(sessionId: $id) {{ {QUESTION} }} }}"""
NOTE = "id studentId authorId text sessionId at"
WRITE_NOTE = f"""mutation($input: WriteNoteInput!) {{ writeNote(input: $input) {{ __typename
  ... on Note {{ {NOTE} }} ... on UserError {{ code message }} }} }}"""
NOTES = f"""query($student: ID) {{ notes(studentId: $student) {{ nodes {{ {NOTE} }} }} }}"""
MY_NOTES = f"""subscription($student: ID) {{ myNotes(studentId: $student) {{ __typename
  ... on NotesSoFar {{ notes {{ id }} }} ... on NoteReceived {{ note {{ {NOTE} }} }} }} }}"""
TEXT = "Did Hobbes think people are selfish by nature, or made so?"


async def viewer_id(client: Client) -> str:
    return str((await client.run("{ viewer { id } }"))["viewer"]["id"])


async def live_session(teacher: Client, section_id: str) -> str:
    """A session of the section, started, once the feedback service heard it started."""
    lesson_id = await published_lesson(teacher)
    session_id = str((await schedule(teacher, section_id, lesson_id))["id"])
    assert (await teacher.run(START, id=session_id))["startSession"]["__typename"] == "LiveSession"

    async def open_channel() -> bool:
        body = await teacher.raw(CHANNEL, id=session_id)
        return bool(body.get("data") and body["data"]["liveChannel"]["status"] == "OPEN")

    await eventually(open_channel)
    return session_id


async def next_question(next_event: Callable[[], Awaitable[Data]]) -> Data:
    """The next question change of a session stream (status changes skipped)."""
    while True:
        payload = await next_event()
        event: Data = payload["data"]["sessionEvents"]
        if event["__typename"] == "QuestionChanged":
            return event


async def test_an_anonymous_class_question_is_seen_by_peers_without_its_asker(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    asker, peer, teacher = room.chicago_student, room.la_student, room.teacher
    asker_id = room.chicago_student_id
    session_id = await live_session(teacher, room.section_id)

    async with (
        peer.subscribe(STREAM, id=session_id) as peer_events,
        teacher.subscribe(STREAM, id=session_id) as teacher_events,
    ):
        for events in (peer_events, teacher_events):
            first = (await events())["data"]["sessionEvents"]
            assert first == {"__typename": "SessionStatusChanged", "status": "LIVE"}

        asked = (await asker.run(ASK, id=session_id, text=TEXT))["askQuestion"]
        assert asked["__typename"] == "Question", asked
        assert (asked["phase"], asked["visibility"], asked["status"]) == (
            "DURING",
            "CLASS",
            "OPEN",
        )
        assert (asked["mine"], asked["askerId"]) == (True, None)

        # Over the WebSocket: the classmate sees it without its asker, the teacher with.
        seen = await next_question(peer_events)
        assert seen["change"] == "ASKED"
        assert seen["question"]["id"] == asked["id"] and seen["question"]["text"] == TEXT
        assert (seen["question"]["askerId"], seen["question"]["mine"]) == (None, None)
        assert asker_id not in json.dumps(seen)
        staff_seen = await next_question(teacher_events)
        assert staff_seen["question"]["askerId"] == asker_id

        # By query: the classmate without its asker, the asker as theirs.
        peer_body = await peer.raw(QUESTIONS, id=session_id)
        [by_peer] = peer_body["data"]["sessionQuestions"]
        assert (by_peer["id"], by_peer["askerId"], by_peer["mine"]) == (asked["id"], None, False)
        assert asker_id not in json.dumps(peer_body)
        [by_asker] = (await asker.run(QUESTIONS, id=session_id))["sessionQuestions"]
        assert (by_asker["mine"], by_asker["askerId"]) == (True, None)

        upvoted = (await peer.run(UPVOTE, id=asked["id"]))["upvoteQuestion"]
        assert (upvoted["upvotes"], upvoted["upvotedByYou"]) == (1, True)
        again = (await peer.run(UPVOTE, id=asked["id"]))["upvoteQuestion"]
        assert again["upvotes"] == 1
        own = (await asker.run(UPVOTE, id=asked["id"]))["upvoteQuestion"]
        assert own["errors"] == [{"field": "question_id", "rule": "not_own"}]
        upvote_seen = await next_question(peer_events)
        assert (upvote_seen["change"], upvote_seen["question"]["upvotes"]) == ("UPVOTED", 1)

        answered = (await teacher.run(ANSWER, id=asked["id"], text="Both: see the seminar notes"))[
            "answerQuestion"
        ]
        assert answered["status"] == "ANSWERED", answered
        answer_seen = await next_question(peer_events)
        assert answer_seen["change"] == "ANSWERED"
        assert answer_seen["question"]["answer"] == {
            "mode": "LIVE",
            "text": "Both: see the seminar notes",
            "answeredBy": room.teacher_id,
        }
        assert asker_id not in json.dumps(answer_seen)

    [answered_for_asker] = (await asker.run(QUESTIONS, id=session_id))["sessionQuestions"]
    assert answered_for_asker["answer"]["text"] == "Both: see the seminar notes"
    outsider = await room.other_student.raw(QUESTIONS, id=session_id)
    assert [e["extensions"]["code"] for e in outsider["errors"]] == ["FORBIDDEN"]


async def test_a_teachers_note_is_read_by_the_student_and_guardian_and_no_one_else(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    student_id = room.chicago_student_id
    classmate_id = await viewer_id(room.la_student)
    assert room.make is not None
    other_guardian = room.make(
        f"guardian-of-{classmate_id}", Role.GUARDIAN, children=frozenset({classmate_id})
    )
    session_id = await live_session(room.teacher, room.section_id)
    text = "You named the state of nature precisely; bring that to your essay."

    async with room.guardian.subscribe(MY_NOTES, student=student_id) as guardian_notes:
        so_far = (await guardian_notes())["data"]["myNotes"]
        assert so_far == {"__typename": "NotesSoFar", "notes": []}
        note_input = {
            "studentId": student_id,
            "text": text,
            "sessionId": session_id,
            "at": datetime.now(UTC).isoformat(),
        }
        result = (await room.teacher.run(WRITE_NOTE, input=note_input))["writeNote"]
        assert result.pop("__typename") == "Note", result
        written = result
        assert (written["studentId"], written["authorId"]) == (student_id, room.teacher_id)
        received = (await guardian_notes())["data"]["myNotes"]
        assert received == {"__typename": "NoteReceived", "note": written}

    own = (await room.chicago_student.run(NOTES))["notes"]["nodes"]
    child = (await room.guardian.run(NOTES, student=student_id))["notes"]["nodes"]
    assert own == child == [written]
    for stranger in (room.la_student, other_guardian):
        body = await stranger.raw(NOTES, student=student_id)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert text not in json.dumps(body)
    by_student = (await room.la_student.run(WRITE_NOTE, input=note_input))["writeNote"]
    assert by_student["__typename"] == "Forbidden"
