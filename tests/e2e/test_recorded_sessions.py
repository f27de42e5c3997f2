"""A recorded live session becomes on-demand content of its lesson, through GraphQL only: a
teacher schedules, starts and ends a session and attaches its recording; the lesson's
recordings and the session show it to the section, and a student cannot attach one."""

from __future__ import annotations

from typing import Any

from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import gid
from tests.support.polling import eventually

CDN = "https://cdn.example.org"
RECORDING: Data = {
    "url": f"{CDN}/seminar.mp4",
    "durationSeconds": 2950,
    "bytes": 3_000_000_000,  # beyond GraphQL's Int: the Bytes scalar
    "chapters": [
        {"title": "Opening question", "startsAtSecond": 0},
        {"title": "Hobbes and Rousseau", "startsAtSecond": 600},
    ],
    "variants": [
        {"kind": "AUDIO_ONLY", "url": f"{CDN}/seminar.m4a", "bytes": 40_000_000},
        {"kind": "TRANSCRIPT", "url": f"{CDN}/seminar.txt", "bytes": 60_000},
    ],
}
FIELDS = """id sessionId sectionId lessonId lessonVersion title kind modeFit minutes
  chapters { title startsAtSecond }
  media { kind url bytes durationSeconds renditions { variant bytes } }"""
ATTACH = f"""mutation($session: ID!, $input: RecordingInput!) {{
  attachRecording(sessionId: $session, input: $input) {{
    __typename ... on Recording {{ {FIELDS} }}
    ... on InvalidInput {{ code errors {{ field rule }} }}
    ... on UserError {{ code message }} }} }}"""
LESSON_RECORDINGS = f"""query($lesson: ID!) {{ lessonRecordings(lessonId: $lesson) {{
  nodes {{ {FIELDS} }} pageInfo {{ hasNextPage }} }} }}"""
SESSION = """query($id: ID!) { session(id: $id) {
  status recording { componentId title minutes url } } }"""
START = """mutation($id: ID!) { startSession(id: $id) {
  __typename ... on LiveSession { status } } }"""
END = """mutation($id: ID!) { endSession(id: $id) { __typename ... on LiveSession { status } } }"""


async def attach(client: Client, session_id: str, recording: Data = RECORDING) -> Data:
    result: Data = (await client.run(ATTACH, session=session_id, input=recording))[
        "attachRecording"
    ]
    return result


async def attached_once_heard(client: Client, session_id: str, recording: Data = RECORDING) -> Data:
    """Once the catalog has heard (from the scheduler's events) that the session ended."""

    async def attached() -> Data | None:
        result = await attach(client, session_id, recording)
        if result.get("code") in ("SESSION_NOT_FOUND", "SESSION_NOT_ENDED"):
            return None
        return result

    return await eventually(attached, seconds=30)


async def test_a_recorded_session_becomes_on_demand_content_of_its_lesson_for_its_section(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session = await schedule(room.teacher, room.section_id, lesson_id)
    session_id = session["id"]
    early = await attach(room.teacher, session_id)
    assert early["__typename"] in ("NotFound", "Conflict"), early  # not heard of, or not ended
    started = (await room.teacher.run(START, id=session_id))["startSession"]
    ended = (await room.teacher.run(END, id=session_id))["endSession"]
    assert (started["status"], ended["status"]) == ("LIVE", "ENDED")

    # A student may not attach, whatever the catalog knows yet.
    refused = await attach(room.chicago_student, session_id)
    assert (refused["__typename"], refused["code"]) == ("Forbidden", "FORBIDDEN")
    silent = RECORDING | {"variants": RECORDING["variants"][:1]}  # no transcript, no captions
    invalid = await attached_once_heard(room.teacher, session_id, silent)
    assert invalid["__typename"] == "InvalidInput", invalid
    assert invalid["errors"] == [{"field": "captions", "rule": "captions_or_transcript"}]

    recording = await attach(room.teacher, session_id)
    assert recording["__typename"] == "Recording", recording
    assert (recording["sessionId"], recording["sectionId"]) == (
        session_id,
        gid("Section", room.section_id),
    )
    assert (recording["lessonId"], recording["lessonVersion"]) == (lesson_id, 1)
    assert (recording["kind"], recording["modeFit"], recording["minutes"]) == (
        "MODEL",
        "ON_DEMAND",
        50,
    )
    assert recording["media"]["bytes"] == 3_000_000_000
    assert [r["variant"] for r in recording["media"]["renditions"]] == [
        None,
        "AUDIO_ONLY",
        "TRANSCRIPT",
    ]
    assert recording["chapters"] == RECORDING["chapters"]
    again = await attach(room.teacher, session_id)
    assert (again["__typename"], again["code"]) == ("Conflict", "RECORDING_EXISTS")

    listed: dict[str, Any] = {}
    for who, client in (
        ("teacher", room.teacher),
        ("student", room.chicago_student),
        ("student of another section", room.other_student),
    ):
        found = (await client.run(LESSON_RECORDINGS, lesson=lesson_id))["lessonRecordings"]
        listed[who] = [r["id"] for r in found["nodes"]]
    assert listed == {
        "teacher": [recording["id"]],
        "student": [recording["id"]],
        "student of another section": [],
    }

    async def shown_on_the_session() -> Data | None:
        # The scheduler shows it once `recording.published` has reached it.
        shown: Data | None = (await room.la_student.run(SESSION, id=session_id))["session"]
        return shown if shown and shown["recording"] else None

    shown = await eventually(shown_on_the_session, seconds=30)
    assert shown == {
        "status": "ENDED",
        "recording": {
            # A recording is a component of the lesson: the same object, as the component.
            "componentId": recording["id"],
            "title": recording["title"],
            "minutes": 50,
            "url": RECORDING["url"],
        },
    }
