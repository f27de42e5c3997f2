"""On-demand work through GraphQL: "due at the end of the student's school day after the
session" lands on each student's own day, a task for chosen students reaches only them, and one
student's extension changes only their feed."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.classroom import (
    LESSON,
    SCHEDULE,
    Classroom,
    published_lesson,
    schedule,
    session_input,
)
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import Client, ClientFor, Data
from tests.support.polling import eventually

CHICAGO, LOS_ANGELES = ZoneInfo("America/Chicago"), ZoneInfo("America/Los_Angeles")
LESSON_COMPONENTS = """query($id: ID!) { lesson(id: $id) { components { id kind modeFit } } }"""
ASSIGN = """mutation($input: AssignTaskInput!) { assignTask(input: $input) {
  __typename ... on Task { id dueAt studentIds } ... on InvalidInput { errors { field rule } }
  ... on UserError { code message } } }"""
EXTEND = """mutation($task: ID!, $student: ID!, $due: DateTime!) {
  extendTask(taskId: $task, studentId: $student, dueAt: $due, reason: "extended time") {
    __typename ... on StudentWindow { dueAt } ... on UserError { code message } } }"""
FEED = """query { feed(first: 100) { edges { node { id ... on TaskItem { dueAt closesAt } } } } }"""
EXCUSE = """mutation($task: ID!, $student: ID!) {
  excuseFromTask(taskId: $task, studentId: $student, reason: "family emergency") {
    __typename ... on Excusal { excused reason } ... on UserError { code message } } }"""
TAKE_BACK = """mutation($task: ID!, $student: ID!) {
  takeBackExcusal(taskId: $task, studentId: $student) {
    __typename ... on Excusal { excused } ... on UserError { code message } } }"""
STATUSES = """query { feed(first: 100) { edges { node { id status } } } }"""


def next_monday(days_ahead: int = 2) -> datetime:
    day = datetime.now(CHICAGO) + timedelta(days=days_ahead)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


async def status_in_feed(client: Client, task_id: str) -> str | None:
    edges = (await client.run(STATUSES))["feed"]["edges"]
    item = task_id
    return next((e["node"]["status"] for e in edges if e["node"]["id"] == item), None)


async def due_in_feed(client: Client, task_id: str) -> datetime | None:
    edges = (await client.run(FEED))["feed"]["edges"]
    found = [e["node"]["dueAt"] for e in edges if e["node"]["id"] == task_id]
    return datetime.fromisoformat(found[0]) if found else None


async def practice_component(room: Classroom, lesson: str) -> str:
    components = (await room.teacher.run(LESSON_COMPONENTS, id=lesson))["lesson"]["components"]
    return str(next(c["id"] for c in components if c["kind"] == "AUTONOMY"))


async def assign_practice(
    room: Classroom,
    lesson: str,
    *,
    opens: dict[str, object],
    due: dict[str, object],
    component: str | None = None,
    **more: object,
) -> Data:
    """The lesson's practice component (or `component`) assigned to the section as a task
    opening and due as given (`more`: the input's other fields); it must be taken."""
    practice = component or await practice_component(room, lesson)
    wanted = {"sectionId": room.section_id, "lessonId": lesson, "componentId": practice}
    input_ = wanted | {"opens": opens, "due": due} | more
    assigned: Data = (await room.teacher.run(ASSIGN, input=input_))["assignTask"]
    assert assigned["__typename"] == "Task", assigned
    return assigned


async def late_session(room: Classroom, lesson: str) -> Data:
    """Monday 23:30 to Tuesday 00:20 in Chicago: still Monday evening in Los Angeles."""
    starts = next_monday().replace(hour=23, minute=30)
    wanted = session_input(
        room.section_id,
        lesson,
        startsAt=starts.isoformat(),
        endsAt=(starts + timedelta(minutes=50)).isoformat(),
    )

    async def scheduled() -> Data | None:
        result: Data = (await room.teacher.run(SCHEDULE, input=wanted))["scheduleLiveSession"]
        return result if result["__typename"] == "LiveSession" else None

    return await eventually(scheduled, seconds=20)


async def test_the_school_day_after_the_session_is_each_students_own(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    session = await late_session(room, lesson)
    rule = {"anchor": "SESSION_END", "schoolDays": 1, "at": "SCHOOL_DAY_END"}
    opens = {"anchor": "SESSION_END", "schoolDays": 0, "at": "SCHOOL_DAY_START"}
    assigned = await assign_practice(
        room, lesson, opens={"rule": opens}, due={"rule": rule}, sessionId=session["id"]
    )
    monday = next_monday().date()
    chicago = await due_in_feed(room.chicago_student, assigned["id"])
    los_angeles = await due_in_feed(room.la_student, assigned["id"])
    assert chicago is not None and los_angeles is not None
    # The session ends on Tuesday in Chicago and on Monday in Los Angeles: each student's next
    # school day after it ends at 15:00 in their own zone (a school without terms: Monday to
    # Friday, 08:00 to 15:00).
    assert chicago.astimezone(CHICAGO).date() == monday + timedelta(days=2)
    assert los_angeles.astimezone(LOS_ANGELES).date() == monday + timedelta(days=1)
    assert chicago.astimezone(CHICAGO).time() == los_angeles.astimezone(LOS_ANGELES).time()
    assert chicago.astimezone(CHICAGO).time() == time(15, 0)


async def test_a_task_for_chosen_students_and_an_extension_reach_only_them(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    opens = next_monday().replace(hour=9)
    chosen = await assign_practice(
        room,
        lesson,
        opens={"at": opens.isoformat()},
        due={"at": (opens + timedelta(days=2)).isoformat()},
        studentIds=[room.chicago_student_id],
    )
    assert await due_in_feed(room.la_student, chosen["id"]) is None
    due = await due_in_feed(room.chicago_student, chosen["id"])
    assert due is not None
    later = due + timedelta(days=3)
    extended = (
        await room.teacher.run(
            EXTEND, task=chosen["id"], student=room.chicago_student_id, due=later.isoformat()
        )
    )["extendTask"]
    assert extended["__typename"] == "StudentWindow", extended

    async def extended_in_feed() -> bool | None:
        # The gateway keeps a feed page until the scheduler says it changed (ADR 0017).
        return await due_in_feed(room.chicago_student, chosen["id"]) == later or None

    await eventually(extended_in_feed)
    # A student outside the task cannot be given an extension of it.
    refused = (
        await room.teacher.run(
            EXTEND, task=chosen["id"], student="student-nobody", due=later.isoformat()
        )
    )["extendTask"]
    assert refused["__typename"] == "InvalidInput"

    # Excused (a family emergency): the feed says so; taken back, it is work to do again.
    student, task = room.chicago_student_id, chosen["id"]
    excused = (await room.teacher.run(EXCUSE, task=task, student=student))["excuseFromTask"]
    assert excused == {"__typename": "Excusal", "excused": True, "reason": "family emergency"}

    async def shows(status: str) -> bool | None:
        return await status_in_feed(room.chicago_student, task) == status or None

    await eventually(lambda: shows("EXCUSED"))
    taken_back = (await room.teacher.run(TAKE_BACK, task=task, student=student))["takeBackExcusal"]
    assert taken_back == {"__typename": "Excusal", "excused": False}
    await eventually(lambda: shows("UPCOMING"))


START = """mutation($id: ID!) { startSession(id: $id) { __typename } }"""
CHECK_IN = """mutation($id: ID!, $signal: CheckInSignal!) {
  checkIn(sessionId: $id, signal: $signal) { __typename ... on UserError { code } } }"""
TITLES = """query { feed(first: 100) { edges { node { title sessionId } } } }"""
WITH_PRACTICE: dict[str, object] = {
    **LESSON,
    "components": [
        *LESSON["components"],
        {"title": "Ten more claims to test", "kind": "PRACTICE", "minutes": 12},
    ],
}


async def extra_practice(client: Client, session_id: str) -> list[str]:
    edges = (await client.run(TITLES))["feed"]["edges"]
    return [
        e["node"]["title"]
        for e in edges
        if e["node"]["sessionId"] == session_id and e["node"]["title"].startswith("Extra")
    ]


async def test_a_lost_check_in_adds_practice_to_that_students_follow_up_only(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher, WITH_PRACTICE)
    session = await schedule(room.teacher, room.section_id, lesson)
    assert (await room.teacher.run(START, id=session["id"]))["startSession"]["__typename"] == (
        "LiveSession"
    )

    async def checked_in() -> bool | None:
        said = await room.chicago_student.run(CHECK_IN, id=session["id"], signal="LOST")
        return True if said["checkIn"]["__typename"] == "CheckIn" else None

    await eventually(checked_in, seconds=20)  # the channel opens once feedback hears the start

    async def remedial() -> list[str] | None:
        return await extra_practice(room.chicago_student, session["id"]) or None

    # The follow-up holds the essay plan already; the practice is new to it.
    assert await eventually(remedial, seconds=20) == ["Extra practice: Ten more claims to test"]
    assert await extra_practice(room.la_student, session["id"]) == []
