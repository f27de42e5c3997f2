"""Attendance through GraphQL only: a teacher runs a live session that one student joins and
another misses; once it ends and its recording is attached, the recording is catch-up work in
the absent student's feed only, and each feed shows the session attended or missed."""

from __future__ import annotations

from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import gid
from tests.support.polling import eventually

START = (
    """mutation($id: ID!) { startSession(id: $id) { __typename ... on LiveSession { status } } }"""
)
END = """mutation($id: ID!) { endSession(id: $id) { __typename ... on LiveSession { status } } }"""
PRESENCE = """... on PresenceReport { sessionId studentId clientEventId kind receivedAt }
  ... on InvalidInput { errors { field rule } } ... on UserError { code message }"""
JOIN = f"""mutation($id: ID!, $event: String!) {{
  joinSession(sessionId: $id, clientEventId: $event) {{ __typename {PRESENCE} }} }}"""
LEAVE = f"""mutation($id: ID!, $event: String!) {{
  leaveSession(sessionId: $id, clientEventId: $event) {{ __typename {PRESENCE} }} }}"""
ATTACH = """mutation($id: ID!, $input: RecordingInput!) {
  attachRecording(sessionId: $id, input: $input) {
  __typename ... on Recording { id title } ... on UserError { code } } }"""
ATTENDANCE = """query($id: ID!) { sessionAttendance(sessionId: $id) {
  sessionId students { studentId mark minutesPresent } } }"""
FEED = """query { feed(first: 100) { edges { node { id kind title status sessionId } } } }"""
RECORDING = {
    "url": "https://cdn.example.org/seminar.mp4",
    "durationSeconds": 2950,
    "bytes": 900_000_000,
    "captions": [{"language": "en", "url": "https://cdn.example.org/seminar.en.vtt"}],
}


async def presence(client: Client, document: str, session_id: str, event: str) -> Data:
    data = await client.run(document, id=session_id, event=event)
    (result,) = data.values()
    assert isinstance(result, dict)
    return result


async def session_items(client: Client, session_id: str) -> list[Data]:
    edges = (await client.run(FEED))["feed"]["edges"]
    return [e["node"] for e in edges if e["node"]["sessionId"] == session_id]


async def test_the_absent_student_alone_gets_the_recording_and_feeds_show_who_attended(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    present, absent = room.chicago_student, room.la_student
    lesson_id = await published_lesson(room.teacher)
    session_id = (await schedule(room.teacher, room.section_id, lesson_id))["id"]
    early = await presence(present, JOIN, session_id, "chi-early")
    assert early["code"] == "SESSION_NOT_LIVE", early
    started = await room.teacher.run(START, id=session_id)
    assert started["startSession"]["status"] == "LIVE"

    async def joined() -> Data | None:
        # Feedback opens the session's channel once it hears the start.
        result = await presence(present, JOIN, session_id, "chi-1")
        return None if result.get("code") == "SESSION_NOT_LIVE" else result

    first = await eventually(joined)
    assert first["__typename"] == "PresenceReport", first
    assert (first["sessionId"], first["kind"]) == (session_id, "JOINED")
    # The client retries, and later replays its offline queue: nothing is recorded twice.
    assert await presence(present, JOIN, session_id, "chi-1") == first
    left = await presence(present, LEAVE, session_id, "chi-2")
    back = await presence(present, JOIN, session_id, "chi-3")
    assert (left["kind"], back["kind"]) == ("LEFT", "JOINED")
    assert await presence(present, LEAVE, session_id, "chi-2") == left

    not_in = await presence(absent, LEAVE, session_id, "la-1")
    assert (not_in["__typename"], not_in["code"]) == ("Conflict", "NOT_IN_SESSION")
    outsider = await presence(room.other_student, JOIN, session_id, "other-1")
    assert outsider["__typename"] == "Forbidden", outsider
    teacher = await presence(room.teacher, JOIN, session_id, "teacher-1")
    assert teacher["__typename"] == "Forbidden", teacher
    bad = await presence(present, JOIN, session_id, "x" * 101)
    assert bad["errors"] == [{"field": "client_event_id", "rule": "valid_id"}]

    ended = await room.teacher.run(END, id=session_id)
    assert ended["endSession"]["status"] == "ENDED"

    async def attached() -> Data | None:
        # The catalog links a recording once it has heard the session ended.
        result: Data = (await room.teacher.run(ATTACH, id=session_id, input=RECORDING))[
            "attachRecording"
        ]
        if result.get("code") in ("SESSION_NOT_FOUND", "SESSION_NOT_ENDED"):
            return None
        return result

    recording = await eventually(attached, seconds=30)
    assert recording["__typename"] == "Recording", recording

    async def statuses(client: Client) -> dict[str, str] | None:
        items = await session_items(client, session_id)
        status = next(i["status"] for i in items if i["kind"] == "LIVE_SESSION")
        if status == "ENDED":
            return None  # its attendance is on its way from feedback
        catch_up = [i["status"] for i in items if i["title"].startswith("Catch up: ")]
        return {"session": status, "catch-up": ",".join(catch_up)}

    async def caught_up() -> dict[str, str] | None:
        seen = await statuses(absent)
        return seen if seen is not None and seen["catch-up"] else None

    assert await eventually(caught_up, seconds=30) == {
        "session": "MISSED",
        "catch-up": "NOT_STARTED",
    }
    assert await eventually(lambda: statuses(present), seconds=30) == {
        "session": "ATTENDED",
        "catch-up": "",
    }
    # The attendance is known by now: the feeds showed it.
    seen = (await room.teacher.run(ATTENDANCE, id=session_id))["sessionAttendance"]
    absent_id = (await absent.run("{ viewer { id } }"))["viewer"]["id"]
    marks = {s["studentId"]: s["mark"] for s in seen["students"]}
    assert marks == {gid("Person", room.chicago_student_id): "PRESENT", absent_id: "ABSENT"}
    own = (await absent.run(ATTENDANCE, id=session_id))["sessionAttendance"]
    assert [s["mark"] for s in own["students"]] == ["ABSENT"]
