"""A bench section of its own, with lessons and live sessions made through the GraphQL API, so
the scenarios never move the demo's sessions or crowd its students' feeds."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

from benchmarks.harness import Bench, poll, student
from devstack.users import RIVERSIDE, USERS_BY_ID
from gateway.schema.ids import raw_id

SECTION = "section-bench-live"
STUDENT = student("bench-live-student", SECTION)
# The demo teacher, her token naming the bench section too, as her district's would once she
# teaches it (feedback shows check-ins to the staff the token names).
_RIVERA = USERS_BY_ID["teacher-rivera"].principal
TEACHER = replace(_RIVERA, sections=_RIVERA.sections | {SECTION})
ZONE = "America/Chicago"

UPSERT_SECTION = """mutation($input: SectionInput!) { upsertSection(input: $input) {
  __typename ... on UserError { code message } } }"""
ENROL = """mutation($section: ID!, $student: ID!, $zone: String!) {
  enrolStudent(sectionId: $section, studentId: $student, timeZone: $zone) {
  __typename ... on UserError { code message } } }"""
CREATE_LESSON = """mutation($input: CreateLessonInput!) { createLesson(input: $input) {
  __typename ... on Lesson { id } ... on UserError { code message } } }"""
PUBLISH = """mutation($id: ID!) { publishLesson(id: $id) {
  __typename ... on UserError { code message } } }"""
SCHEDULE = """mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) {
  __typename ... on LiveSession { id } ... on UserError { code message }
  ... on InvalidInput { errors { field rule } } } }"""
START = """mutation($id: ID!) { startSession(id: $id) {
  __typename ... on UserError { code message } } }"""

# Sessions a year ahead, one hour apart, so no two of them overlap.
_slots = itertools.count()
_FIRST_SLOT = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=365)


def _expect(result: dict[str, object], typename: str) -> dict[str, object]:
    if result.get("__typename") != typename:
        raise RuntimeError(f"expected {typename}, got {result}")
    return result


async def ensure_section(bench: Bench) -> None:
    """The bench section (taught by the demo teacher) with one enrolled student."""
    section = {
        "id": SECTION,
        "schoolId": RIVERSIDE,
        "name": "Bench 9Z",
        "subject": "reading",
        "timeZone": ZONE,
        "teacherIds": [TEACHER.subject],
    }
    admin = bench.auth("admin-castellanos")
    done = await bench.graphql(admin, UPSERT_SECTION, input=section)
    _expect(done["upsertSection"], "Section")
    enrolled = await bench.graphql(
        admin, ENROL, section=SECTION, student=STUDENT.subject, zone=ZONE
    )
    _expect(enrolled["enrolStudent"], "Enrolment")


async def create_lesson(bench: Bench, title: str) -> str:
    body = {
        "title": title,
        "subject": "reading",
        "summary": "Made by the benchmark.",
        "components": [
            {"title": "Warm-up", "kind": "INTRODUCE", "minutes": 10},
            {"title": "Discussion", "kind": "DISCUSSION", "minutes": 20},
        ],
    }
    made = await bench.graphql(bench.auth(TEACHER), CREATE_LESSON, input=body)
    return str(_expect(made["createLesson"], "Lesson")["id"])


async def publish(bench: Bench, lesson_id: str) -> None:
    done = await bench.graphql(bench.auth(TEACHER), PUBLISH, id=lesson_id)
    _expect(done["publishLesson"], "Lesson")


async def schedule(bench: Bench, lesson_id: str) -> str | None:
    """A session of the lesson in the next free slot; None while the scheduler does not know
    the lesson yet."""
    starts = _FIRST_SLOT + timedelta(hours=next(_slots))
    session = {
        "sectionId": SECTION,
        "lessonId": lesson_id,
        "timeZone": ZONE,
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(minutes=45)).isoformat(),
    }
    done = await bench.graphql(bench.auth(TEACHER), SCHEDULE, input=session)
    result = done["scheduleLiveSession"]
    if any(error["rule"] == "known_lesson" for error in result.get("errors", [])):
        return None
    return str(_expect(result, "LiveSession")["id"])


async def start(bench: Bench, session_id: str) -> None:
    done = await bench.graphql(bench.auth(TEACHER), START, id=session_id)
    _expect(done["startSession"], "LiveSession")


def service_id(answered: str, type_name: str) -> str:
    """The id a service keeps for an object of `type_name` whose id the API answered (a
    global id, ADR 0049): what the scenarios that read a service directly ask it for."""
    return raw_id(answered, type_name, "id")


async def check_in_accepted(bench: Bench, session_id: str) -> bool:
    """One check-in straight to feedback: 201 once its live channel is open."""
    session = service_id(session_id, "LiveSession")
    response = await bench.http.post(
        f"{bench.service('feedback')}/sessions/{session}/checkins",
        json={"signal": "got_it"},
        headers=bench.auth(STUDENT),
    )
    return response.status_code == 201


CHECK_IN = """mutation($id: ID!) { checkIn(sessionId: $id, signal: UNSURE) {
  __typename ... on CheckIn { id } ... on UserError { code message } } }"""


async def live_session(bench: Bench, title: str) -> str:
    """A new session of a new lesson in the bench section, started, its channel open."""
    lesson_id = await create_lesson(bench, title)
    await publish(bench, lesson_id)
    session_id = None
    for _ in range(300):
        if (session_id := await schedule(bench, lesson_id)) is not None:
            break
        await asyncio.sleep(0.1)
    if session_id is None:
        raise RuntimeError("the scheduler never learned the published lesson")
    await start(bench, session_id)
    await poll(partial(check_in_accepted, bench, session_id), interval=0.05)
    return session_id


async def check_in(bench: Bench, session_id: str) -> str:
    """A check-in through the gateway, as the app sends it; its id."""
    done = await bench.graphql(bench.auth(STUDENT), CHECK_IN, id=session_id)
    return str(_expect(done["checkIn"], "CheckIn")["id"])
