"""Prompts through GraphQL only (ADR 0034): a teacher runs a live session with three students;
a prompt opens, the teacher's subscription shows its results aggregate as students answer, a
student who subscribes late starts from the prompt as it stands, the reveal reaches the class
anonymously; the session ends, and the student who missed it finds the prompt in their feed
(and only they), answers it there, and sees it done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bookend.auth import Role
from tests.e2e.classroom import ENROL, published_lesson, schedule
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import gid
from tests.support.polling import eventually

START = """mutation($id: ID!) { startSession(id: $id) { __typename } }"""
END = """mutation($id: ID!) { endSession(id: $id) { __typename } }"""
JOIN = """mutation($id: ID!, $event: String!) { joinSession(sessionId: $id, clientEventId: $event)
  { __typename ... on UserError { code } } }"""
FAILURE = "... on InvalidInput { code errors { field rule } } ... on UserError { code message }"
OPEN = f"""mutation($id: ID!, $question: String!, $options: [String!]) {{
  openPrompt(sessionId: $id, kind: MULTIPLE_CHOICE, question: $question, options: $options) {{
    __typename ... on Prompt {{ id status choices results {{ expected counts }} notAnswered }}
    {FAILURE} }} }}"""
ANSWER = f"""mutation($id: ID!, $choice: Int, $text: String) {{
  answerPrompt(promptId: $id, choice: $choice, text: $text) {{
    __typename ... on PromptAnswer {{ choice late }} {FAILURE} }} }}"""
REVEAL = f"""mutation($id: ID!) {{ revealPromptResults(promptId: $id) {{
  __typename ... on Prompt {{ status revealedAt }} {FAILURE} }} }}"""
PROMPTS = """query($id: ID!) { sessionPrompts(sessionId: $id) {
  nodes { id status results { answered counts } notAnswered ownAnswer { choice } assigned } } }"""
PROMPT = """query($id: ID!) { prompt(id: $id) {
  id question choices status assigned ownAnswer { choice late } } }"""
EVENTS = """subscription($id: ID!) { sessionEvents(sessionId: $id) {
  __typename
  ... on SessionStatusChanged { status }
  ... on PromptPosted { prompt { id question choices status results { answered counts }
                                 ownAnswer { choice } } }
  ... on PromptAnswerReceived { promptId studentId results { answered expected counts } }
  ... on PromptStatusChanged { promptId promptStatus revealed results { answered counts } }
  ... on CheckInReceived { checkIn { id } } } }"""
FEED = """query { feed(first: 100) { edges { node { id kind title status sessionId } } } }"""
OPTIONS = ["Hobbes", "Rousseau", "Both"]

Next = Callable[[], Awaitable[Data]]


async def frame(next_event: Next) -> Data:
    payload = await next_event()
    assert not payload.get("errors"), payload
    shown: Data = payload["data"]["sessionEvents"]
    return shown


async def until(next_event: Next, typename: str) -> Data:
    """The next frame of that type; frames of the session's other streams may come between
    (its status on the scheduler's topic, prompts on feedback's)."""
    while (shown := await frame(next_event))["__typename"] != typename:
        pass
    return shown


async def test_a_live_prompt_aggregates_on_the_teachers_stream_and_reaches_the_absent_student(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    third_id = f"{room.chicago_student_id}-third"
    await room.admin.run(ENROL, section=room.section_id, student=third_id, zone="America/Chicago")
    absent = client_for(third_id, Role.STUDENT, sections=frozenset({room.section_id}))
    present = [room.chicago_student, room.la_student]
    present_ids = [
        gid("Person", room.chicago_student_id),
        (await room.la_student.run("{ viewer { id } }"))["viewer"]["id"],
    ]
    absent_id = gid("Person", third_id)
    lesson_id = await published_lesson(room.teacher)
    session_id = (await schedule(room.teacher, room.section_id, lesson_id))["id"]

    async with room.teacher.subscribe(EVENTS, id=session_id) as teacher_events:
        assert await frame(teacher_events) == {
            "__typename": "SessionStatusChanged",
            "status": "SCHEDULED",
        }
        assert (await room.teacher.run(START, id=session_id))["startSession"]["__typename"] == (
            "LiveSession"
        )
        assert (await until(teacher_events, "SessionStatusChanged"))["status"] == "LIVE"

        async def opened() -> Data | None:
            result: Data = (
                await room.teacher.run(
                    OPEN, id=session_id, question="Who wrote The Social Contract?", options=OPTIONS
                )
            )["openPrompt"]
            if result.get("code") == "SESSION_NOT_LIVE":
                return None  # feedback opens the channel once it hears the start
            return result

        prompt = await eventually(opened)
        assert prompt["__typename"] == "Prompt", prompt
        assert (prompt["status"], prompt["choices"]) == ("OPEN", OPTIONS)
        assert prompt["results"] == {"expected": 3, "counts": [0, 0, 0]}
        assert sorted(prompt["notAnswered"]) == sorted([*present_ids, absent_id])
        posted = await until(teacher_events, "PromptPosted")
        assert posted["prompt"]["id"] == prompt["id"]
        assert posted["prompt"]["question"] == "Who wrote The Social Contract?"

        for n, student in enumerate(present):
            joined = await student.run(JOIN, id=session_id, event=f"join-{n}")
            assert joined["joinSession"]["__typename"] == "PresenceReport", joined

        # A student who subscribes now starts from the prompt as it stands: no results yet.
        async with room.la_student.subscribe(EVENTS, id=session_id) as student_events:
            assert (await frame(student_events))["status"] == "LIVE"
            late_joiner = await frame(student_events)
            assert late_joiner["__typename"] == "PromptPosted"
            assert (late_joiner["prompt"]["id"], late_joiner["prompt"]["results"]) == (
                prompt["id"],
                None,
            )

            first = await room.chicago_student.run(ANSWER, id=prompt["id"], choice=1)
            assert first["answerPrompt"] == {
                "__typename": "PromptAnswer",
                "choice": 1,
                "late": False,
            }
            one = await until(teacher_events, "PromptAnswerReceived")
            assert (one["studentId"], one["results"]) == (
                present_ids[0],
                {"answered": 1, "expected": 3, "counts": [0, 1, 0]},
            )
            await room.la_student.run(ANSWER, id=prompt["id"], choice=2)
            two = await until(teacher_events, "PromptAnswerReceived")
            assert two["results"] == {"answered": 2, "expected": 3, "counts": [0, 1, 1]}

            staff_view = (await room.teacher.run(PROMPTS, id=session_id))["sessionPrompts"]["nodes"]
            assert [p["notAnswered"] for p in staff_view] == [[absent_id]]
            own = (await room.la_student.run(PROMPTS, id=session_id))["sessionPrompts"]["nodes"]
            assert [(p["results"], p["notAnswered"], p["ownAnswer"]) for p in own] == [
                (None, None, {"choice": 2})
            ]

            shown = (await room.teacher.run(REVEAL, id=prompt["id"]))["revealPromptResults"]
            assert shown["__typename"] == "Prompt" and shown["status"] == "CLOSED", shown
            # The student saw no answers come, and the results only once revealed.
            closed = await frame(student_events)
            assert (closed["__typename"], closed["revealed"], closed["results"]) == (
                "PromptStatusChanged",
                False,
                None,
            )
            revealed = await frame(student_events)
            assert (revealed["revealed"], revealed["results"]) == (
                True,
                {"answered": 2, "counts": [0, 1, 1]},
            )
        teacher_closed = await until(teacher_events, "PromptStatusChanged")
        assert teacher_closed["results"] == {"answered": 2, "counts": [0, 1, 1]}
        assert (await until(teacher_events, "PromptStatusChanged"))["revealed"] is True

        too_late = (await absent.run(ANSWER, id=prompt["id"], choice=0))["answerPrompt"]
        assert (too_late["__typename"], too_late["code"]) == ("Conflict", "PROMPT_CLOSED")
        assert (await room.teacher.run(END, id=session_id))["endSession"]["__typename"] == (
            "LiveSession"
        )
        assert (await until(teacher_events, "SessionStatusChanged"))["status"] == "ENDED"

    async def prompt_items(client: Client) -> list[Data]:
        edges = (await client.run(FEED))["feed"]["edges"]
        return [e["node"] for e in edges if e["node"]["kind"] == "PROMPT"]

    async def left_to_absent() -> list[Data] | None:
        return await prompt_items(absent) or None

    [item] = await eventually(left_to_absent)
    assert (item["id"], item["sessionId"], item["status"]) == (
        prompt["id"],
        session_id,
        "NOT_STARTED",
    )
    assert item["title"].startswith("Check for understanding: ")
    for student in present:
        assert await prompt_items(student) == []

    # From the feed, the absent student reads the prompt and answers it, late.
    seen = (await absent.run(PROMPT, id=item["id"]))["prompt"]
    assert (seen["question"], seen["assigned"], seen["ownAnswer"]) == (
        "Who wrote The Social Contract?",
        True,
        None,
    )
    late = (await absent.run(ANSWER, id=item["id"], choice=0))["answerPrompt"]
    assert late == {"__typename": "PromptAnswer", "choice": 0, "late": True}
    refused = (await room.chicago_student.run(ANSWER, id=item["id"], choice=0))["answerPrompt"]
    assert refused["code"] == "PROMPT_CLOSED"

    async def done() -> bool:
        [mine] = await prompt_items(absent)
        return bool(mine["status"] == "DONE")

    await eventually(done)
