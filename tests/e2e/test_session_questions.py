"""Questions and notes through GraphQL only, over HTTP and WebSocket: during a live session a
student asks an anonymous class question; a classmate sees it arrive and by query without its
asker, the asker sees it as theirs, the classmate upvotes it and the teacher answers it live.
A teacher-only question's answer reaches its asker in their stream and by query, and never
the classmate. Questions left for the follow-up show on the session, beside its follow-up
task, as each reader may see them. Then the teacher's note reaches the student and their
guardian, and is refused to a classmate and to another guardian."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bookend.auth import Role
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import gid, raw_of
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
ASK_STAFF = f"""mutation($id: ID!, $text: String!) {{
  askQuestion(sessionId: $id, text: $text, visibility: TEACHER) {{ {RESULT} }} }}"""
UPVOTE = f"""mutation($id: ID!) {{ upvoteQuestion(questionId: $id) {{ {RESULT} }} }}"""
ANSWER = f"""mutation($id: ID!, $text: String) {{
  answerQuestion(questionId: $id, mode: LIVE, text: $text) {{ {RESULT} }} }}"""
QUESTIONS = f"""query($id: ID!) {{ sessionQuestions(sessionId: $id) {{
  nodes {{ {QUESTION} }} }} }}"""
NOTE = "id studentId authorId text sessionId at"
WRITE_NOTE = f"""mutation($input: WriteNoteInput!) {{ writeNote(input: $input) {{ __typename
  ... on Note {{ {NOTE} }} ... on UserError {{ code message }} }} }}"""
NOTES = f"""query($student: ID) {{ notes(studentId: $student) {{ nodes {{ {NOTE} }} }} }}"""
MY_NOTES = f"""subscription($student: ID) {{ myNotes(studentId: $student) {{ __typename
  ... on NotesSoFar {{ notes {{ id }} }} ... on NoteReceived {{ note {{ {NOTE} }} }} }} }}"""
TEXT = "Did Hobbes think people are selfish by nature, or made so?"


def mentions(value: object, person: str) -> bool:
    """Whether a JSON value names the person `person` (a raw id), by their raw or global id."""
    text = json.dumps(value)
    return person in text or gid("Person", person) in text


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
        assert not mentions(seen, asker_id)
        staff_seen = await next_question(teacher_events)
        assert staff_seen["question"]["askerId"] == gid("Person", asker_id)

        # By query: the classmate without its asker, the asker as theirs.
        peer_body = await peer.raw(QUESTIONS, id=session_id)
        [by_peer] = peer_body["data"]["sessionQuestions"]["nodes"]
        assert (by_peer["id"], by_peer["askerId"], by_peer["mine"]) == (asked["id"], None, False)
        assert not mentions(peer_body, asker_id)
        [by_asker] = (await asker.run(QUESTIONS, id=session_id))["sessionQuestions"]["nodes"]
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
            "answeredBy": gid("Person", room.teacher_id),
        }
        assert not mentions(answer_seen, asker_id)

    [answered_for_asker] = (await asker.run(QUESTIONS, id=session_id))["sessionQuestions"]["nodes"]
    assert answered_for_asker["answer"]["text"] == "Both: see the seminar notes"
    outsider = await room.other_student.raw(QUESTIONS, id=session_id)
    assert [e["extensions"]["code"] for e in outsider["errors"]] == ["FORBIDDEN"]


async def test_a_teacher_only_answer_reaches_its_asker_in_their_stream_and_no_classmate(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    asker, peer, teacher = room.chicago_student, room.la_student, room.teacher
    session_id = await live_session(teacher, room.section_id)
    private_text, answer_text = "May I hand the essay in late?", "Yes: Friday is fine for you"

    async with (
        asker.subscribe(STREAM, id=session_id) as asker_events,
        peer.subscribe(STREAM, id=session_id) as peer_events,
    ):
        for events in (asker_events, peer_events):
            first = (await events())["data"]["sessionEvents"]
            assert first == {"__typename": "SessionStatusChanged", "status": "LIVE"}

        private = (await asker.run(ASK_STAFF, id=session_id, text=private_text))["askQuestion"]
        assert (private["visibility"], private["mine"]) == ("TEACHER", True), private
        answered = (await teacher.run(ANSWER, id=private["id"], text=answer_text))["answerQuestion"]
        assert answered["status"] == "ANSWERED", answered
        # Then a class question, which everyone of the section sees: the classmate's next
        # question event, since the teacher-only answer never reaches them.
        public = (await peer.run(ASK, id=session_id, text=TEXT))["askQuestion"]
        assert public["__typename"] == "Question", public

        seen = await next_question(asker_events)
        assert (seen["change"], seen["question"]["id"]) == ("ANSWERED", private["id"])
        assert seen["question"]["text"] == private_text
        assert seen["question"]["answer"]["text"] == answer_text
        assert (seen["question"]["mine"], seen["question"]["askerId"]) == (True, None)
        assert (await next_question(asker_events))["question"]["id"] == public["id"]

        by_peer = await next_question(peer_events)
        assert (by_peer["change"], by_peer["question"]["id"]) == ("ASKED", public["id"])
        assert private_text not in json.dumps(by_peer) and answer_text not in json.dumps(by_peer)

    by_asker = (await asker.run(QUESTIONS, id=session_id))["sessionQuestions"]["nodes"]
    own = next(q for q in by_asker if q["id"] == private["id"])
    assert (own["mine"], own["answer"]["text"]) == (True, answer_text)
    peer_body = await peer.raw(QUESTIONS, id=session_id)
    assert [q["id"] for q in peer_body["data"]["sessionQuestions"]["nodes"]] == [public["id"]]
    assert private_text not in json.dumps(peer_body)


FOLLOW_UP = """mutation($id: ID!) { markQuestionForFollowUp(questionId: $id) {
  __typename ... on Question { status followUp { taskId } } } }"""
TASK_PROGRESS = """query($task: ID!) { taskProgress(taskId: $task) { nodes { studentId } } }"""
SESSIONS = """query($section: ID!) { sectionSessions(sectionId: $section) { nodes { id
  tasks { id bookend } followUpQuestions { totalCount
    nodes { id text askerId mine status followUp { taskId } } } } } }"""


async def test_questions_left_for_the_follow_up_show_on_the_session_as_each_may_see_them(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    asker, peer, teacher = room.chicago_student, room.la_student, room.teacher
    session_id = await live_session(teacher, room.section_id)
    public = (await asker.run(ASK, id=session_id, text=TEXT))["askQuestion"]
    private = (await asker.run(ASK_STAFF, id=session_id, text="Could we redo part 2?"))[
        "askQuestion"
    ]
    open_one = (await peer.run(ASK, id=session_id, text="Is it on the test?"))["askQuestion"]

    async def on_the_session(reader: Client) -> Data:
        sessions = (await reader.run(SESSIONS, section=room.section_id))["sectionSessions"]
        found: Data = next(s for s in sessions["nodes"] if s["id"] == session_id)
        questions = found["followUpQuestions"]
        assert questions["totalCount"] == len(questions["nodes"])
        return {**found, "followUpQuestions": questions["nodes"]}

    [task_id] = [
        t["id"] for t in (await on_the_session(teacher))["tasks"] if t["bookend"] == "FOLLOW_UP"
    ]

    async def known() -> bool:
        # Feedback learns the follow-up task from the scheduler's TaskAssigned; a question
        # marked before names no task.
        return not (await teacher.raw(TASK_PROGRESS, task=task_id)).get("errors")

    await eventually(known)
    for question in (public, private):
        marked = (await teacher.run(FOLLOW_UP, id=question["id"]))["markQuestionForFollowUp"]
        assert (marked["status"], marked["followUp"]["taskId"]) == ("FOR_FOLLOW_UP", task_id)

    by_teacher = await on_the_session(teacher)
    assert [q["id"] for q in by_teacher["followUpQuestions"]] == [public["id"], private["id"]]
    assert {q["askerId"] for q in by_teacher["followUpQuestions"]} == {
        gid("Person", room.chicago_student_id)
    }

    by_asker = await on_the_session(asker)
    assert [(q["id"], q["mine"], q["askerId"]) for q in by_asker["followUpQuestions"]] == [
        (public["id"], True, None),
        (private["id"], True, None),
    ]
    assert {q["followUp"]["taskId"] for q in by_asker["followUpQuestions"]} == {task_id}
    by_peer = await on_the_session(peer)
    assert [(q["id"], q["mine"], q["askerId"]) for q in by_peer["followUpQuestions"]] == [
        (public["id"], False, None)
    ]
    assert not mentions(by_peer, room.chicago_student_id)
    assert "redo part 2" not in json.dumps(by_peer)
    assert open_one["id"] not in json.dumps(by_teacher)  # not left for the follow-up


async def test_a_teachers_note_is_read_by_the_student_and_guardian_and_no_one_else(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    student_id = room.chicago_student_id
    classmate_id = await viewer_id(room.la_student)
    assert room.make is not None
    classmate = raw_of("Person", classmate_id)  # a token's claims hold raw ids
    other_guardian = room.make(
        f"guardian-of-{classmate}", Role.GUARDIAN, children=frozenset({classmate})
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
        assert (written["studentId"], written["authorId"]) == (
            gid("Person", student_id),
            gid("Person", room.teacher_id),
        )
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
