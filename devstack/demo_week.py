"""The demo's week of feedback in ELA 8A, given through the public GraphQL API as a class would:
two short live sessions held this week, with a prompt, check-ins, a question and a recording;
Amara at both and lost in both, Kenji at neither; Amara's pre-work done. With this week's pulses
(devstack/demo_pulse.py) the week's assessment flags Kenji (missed both sessions and reports a
weak connection on a shared device: offer recordings; too much work) and Amara (lost: more
pre-work), and the scheduler has proposals open for the teacher (ADR 0037, 0038).

The sessions are planned earlier this week (or, on a Monday morning, later today) and held now,
briefly: a session counts on the week it is planned in, and attendance against the minutes it
was held. Loading again in the same week finds the two sessions ended and does nothing."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bookend.clock import IsoWeek
from devstack.graphql_client import GraphQLClient

T = TypeVar("T")

SESSIONS_HELD = 2
SESSION_MINUTES = 30
WAIT_SECONDS = 30  # for one service to hear of another's change

SECTION_SESSIONS = """query($section: ID!, $after: String) {
  sectionSessions(sectionId: $section, first: 100, after: $after) {
  nodes { id lessonId status startsAt } pageInfo { hasNextPage endCursor } } }"""
SCHEDULE = """mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) {
  __typename ... on LiveSession { id tasks { id bookend } } ... on UserError { code message }
  ... on InvalidInput { errors { field rule } } } }"""
START = """mutation($id: ID!) { startSession(id: $id) {
  __typename ... on UserError { code message } } }"""
END = """mutation($id: ID!) { endSession(id: $id) {
  __typename ... on UserError { code message } } }"""
CHANNEL = """query($id: ID!) { liveChannel(sessionId: $id) { status } }"""
JOIN = """mutation($id: ID!, $event: String!) { joinSession(sessionId: $id, clientEventId: $event) {
  __typename ... on UserError { code message } } }"""
CHECK_IN = """mutation($id: ID!, $signal: CheckInSignal!, $note: String) {
  checkIn(sessionId: $id, signal: $signal, note: $note) {
  __typename ... on UserError { code message } } }"""
OPEN_PROMPT = """mutation($id: ID!, $question: String!) {
  openPrompt(sessionId: $id, kind: UNDERSTANDING, question: $question) {
  __typename ... on Prompt { id } ... on UserError { code message } } }"""
ANSWER = """mutation($id: ID!, $choice: Int!) { answerPrompt(promptId: $id, choice: $choice) {
  __typename ... on UserError { code message } } }"""
ASK = """mutation($id: ID!, $text: String!) {
  askQuestion(sessionId: $id, text: $text, visibility: CLASS) {
  __typename ... on UserError { code message } } }"""
ATTENDANCE = """query($id: ID!) { sessionAttendance(sessionId: $id) { summarizedAt } }"""
ATTACH = """mutation($id: ID!, $input: RecordingInput!) {
  attachRecording(sessionId: $id, input: $input) {
  __typename ... on UserError { code message } } }"""
REPORT = """mutation($task: ID!, $event: String!, $at: DateTime!) {
  reportProgress(taskId: $task, clientEventId: $event, occurredAt: $at, completed: true,
                 timeSpentSeconds: 900) {
  __typename ... on UserError { code message } } }"""

MEDIA = "https://media.lakeside.example/ela-8a"


def recording(n: int) -> dict[str, Any]:
    return {
        "url": f"{MEDIA}/warm-up-{n}.mp4",
        "durationSeconds": SESSION_MINUTES * 60,
        "bytes": 180_000_000,
        "title": f"Vocabulary warm-up {n}, recorded",
        "variants": [
            {"kind": "AUDIO_ONLY", "url": f"{MEDIA}/warm-up-{n}.m4a", "bytes": 14_000_000},
            {"kind": "TRANSCRIPT", "url": f"{MEDIA}/warm-up-{n}.txt", "bytes": 30_000},
        ],
        "downloadable": True,
    }


class DemoWeekFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Class:
    """Who takes part: the section, its teacher, the student who comes and the one who does not."""

    section_id: str
    zone: str
    teacher: GraphQLClient
    present: GraphQLClient  # Amara


def _ok(result: dict[str, Any], what: str) -> dict[str, Any]:
    if "code" in result or "errors" in result:
        raise DemoWeekFailed(f"{what}: {result}")
    return result


def _until(what: str, attempt: Callable[[], T | None]) -> T:
    """`attempt` again until it gives something: one service learns of another's change
    through events, a moment later."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if (found := attempt()) is not None:
            return found
        if time.monotonic() > deadline:
            raise DemoWeekFailed(f"not within {WAIT_SECONDS} s: {what}")
        time.sleep(0.2)


def load_week(room: Class, lesson_id: str, *, now: datetime) -> list[str]:
    """Hold this week's two demo sessions of the lesson, unless they were held already; the ids
    of the week's sessions of the lesson that ended."""
    week = IsoWeek.containing(now, room.zone)
    held = _ended_this_week(room, lesson_id, week)
    if len(held) >= SESSIONS_HELD:
        return held
    for n in range(len(held) + 1, SESSIONS_HELD + 1):
        session = _plan(room, lesson_id, week, now, n)
        _hold(room, session, n)
        held.append(str(session["id"]))
    return held


def _ended_this_week(room: Class, lesson_id: str, week: IsoWeek) -> list[str]:
    sessions = room.teacher.every_node(SECTION_SESSIONS, "sectionSessions", section=room.section_id)
    return [
        str(s["id"])
        for s in sessions
        if s["lessonId"] == lesson_id
        and s["status"] == "ENDED"
        and IsoWeek.containing(datetime.fromisoformat(s["startsAt"]), room.zone) == week
    ]


def _plan(room: Class, lesson_id: str, week: IsoWeek, now: datetime, n: int) -> dict[str, Any]:
    """A session of the lesson this week at a time its teacher and students have free: the
    latest half hour before now that is, else the first after it."""
    monday = week.span(room.zone)[0]
    latest = now.astimezone(ZoneInfo(room.zone)).replace(second=0, microsecond=0)
    step = timedelta(minutes=SESSION_MINUTES + 5)
    before = [latest - step * k for k in range(1, 200) if latest - step * k >= monday]
    after = [latest + step * k for k in range(1, 40)]
    for starts in [*before, *after]:
        wanted = {
            "sectionId": room.section_id,
            "lessonId": lesson_id,
            "timeZone": room.zone,
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(minutes=SESSION_MINUTES)).isoformat(),
        }
        result = room.teacher.execute(SCHEDULE, input=wanted)["scheduleLiveSession"]
        if result.get("code") == "SCHEDULE_CONFLICT":
            continue  # another session (of the demo, or of an earlier run) holds that time
        session: dict[str, Any] = _ok(result, f"scheduling warm-up {n}")
        return session
    raise DemoWeekFailed(f"no free half hour for warm-up {n} this week")


def _hold(room: Class, session: dict[str, Any], n: int) -> None:
    """Start it, Amara joins, answers and checks in (lost), asks; end it; record it."""
    session_id = str(session["id"])
    teacher, amara = room.teacher, room.present
    _ok(teacher.execute(START, id=session_id)["startSession"], "starting")

    def open_channel() -> bool | None:
        channel = teacher.raw(CHANNEL, id=session_id).get("data") or {}
        return True if (channel.get("liveChannel") or {}).get("status") == "OPEN" else None

    _until("the session's live channel open", open_channel)
    _ok(amara.execute(JOIN, id=session_id, event=str(uuid.uuid4()))["joinSession"], "joining")
    if n == 1:
        prompt = _ok(
            teacher.execute(
                OPEN_PROMPT, id=session_id, question="How well do you know this week's words?"
            )["openPrompt"],
            "opening a prompt",
        )
        answered = amara.execute(ANSWER, id=prompt["id"], choice=1)["answerPrompt"]
        _ok(answered, "answering the prompt")
        asked = amara.execute(
            ASK, id=session_id, text="What is the difference between a serf and a peasant?"
        )
        _ok(asked["askQuestion"], "asking")
    note = "I could not follow the words in context." if n == 1 else "Lost again on tithe."
    checked = amara.execute(CHECK_IN, id=session_id, signal="LOST", note=note)["checkIn"]
    _ok(checked, "checking in")
    _ok(teacher.execute(END, id=session_id)["endSession"], "ending")

    def summarised() -> bool | None:
        answer = teacher.raw(ATTENDANCE, id=session_id)
        return True if (answer.get("data") or {}).get("sessionAttendance") else None

    _until("the session's attendance summarised", summarised)

    def attached() -> bool | None:
        result = teacher.execute(ATTACH, id=session_id, input=recording(n))["attachRecording"]
        if result.get("code") in ("SESSION_NOT_FOUND", "SESSION_NOT_ENDED"):
            return None  # the catalog has not heard of the end yet
        _ok(result, "attaching the recording")
        return True

    _until("the recording attached", attached)
    _pre_work_done(room, session)


def _pre_work_done(room: Class, session: dict[str, Any]) -> None:
    """Amara did the session's pre-work (late: it was due when the session started)."""
    for task in session["tasks"]:
        if task["bookend"] != "PRE_WORK":
            continue

        def reported(task_id: str = str(task["id"])) -> bool | None:
            at = datetime.now(ZoneInfo(room.zone)).isoformat()
            result = room.present.execute(REPORT, task=task_id, event=str(uuid.uuid4()), at=at)
            answer = result["reportProgress"]
            if answer.get("code") == "TASK_NOT_FOUND":
                return None  # feedback has not heard of the task yet
            _ok(answer, "reporting pre-work done")
            return True

        _until("the pre-work reported", reported)
