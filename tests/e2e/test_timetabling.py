"""A timetabler's week through GraphQL: a weekly series, one occurrence moved with its bookends,
then cancelled with them withdrawn, and each kind of clash refused with its details."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.classroom import (
    SCHEDULE,
    Classroom,
    published_lesson,
    schedule,
    session_input,
)
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import ClientFor, Data
from tests.support.global_ids import gid
from tests.support.polling import eventually

SERIES = """query($id: ID!) { sessionSeries(id: $id) {
  recurrence skippedDates sessions { id startsAt status tasks { id bookend opensAt dueAt } } } }"""
MOVE = """mutation($id: ID!, $s: DateTime!, $e: DateTime!) {
  rescheduleSession(id: $id, startsAt: $s, endsAt: $e) {
    __typename ... on LiveSession { startsAt tasks { id opensAt dueAt } }
    ... on Conflict { code clashes { kind otherId who } } } }"""
CANCEL = """mutation($id: ID!) { cancelSession(id: $id) {
  __typename ... on LiveSession { status tasks { withdrawnAt } } } }"""
CHICAGO = ZoneInfo("America/Chicago")
FEED = """query { feed(first: 100) { edges { node { id kind status
  ... on LiveSessionItem { startsAt } ... on TaskItem { dueAt } } } } }"""


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def feed(room: Classroom) -> dict[str, Data]:
    edges = (await room.chicago_student.run(FEED))["feed"]["edges"]
    return {edge["node"]["id"]: edge["node"] for edge in edges}


async def test_a_moved_occurrence_takes_its_bookends_and_a_cancelled_one_withdraws_them(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    first = await schedule(room.teacher, room.section_id, lesson, recurrence="FREQ=WEEKLY;COUNT=3")
    series = (await room.teacher.run(SERIES, id=first["seriesId"]))["sessionSeries"]
    assert len(series["sessions"]) == 3
    starts = [instant(s["startsAt"]) for s in series["sessions"]]
    local = [moment.astimezone(CHICAGO) for moment in starts]
    assert [(b.date() - a.date()).days for a, b in itertools.pairwise(local)] == [7, 7]
    assert {moment.time() for moment in local} == {local[0].time()}  # across summer time too

    second = series["sessions"][1]
    later = starts[1] + timedelta(days=1)
    moved = (
        await room.teacher.run(
            MOVE,
            id=second["id"],
            s=later.isoformat(),
            e=(later + timedelta(minutes=50)).isoformat(),
        )
    )["rescheduleSession"]
    assert moved["__typename"] == "LiveSession", moved
    assert instant(moved["startsAt"]) == later
    for before, after in zip(second["tasks"], moved["tasks"], strict=True):
        assert instant(after["dueAt"]) - instant(before["dueAt"]) == timedelta(days=1)

    async def moved_in_feed() -> dict[str, Data] | None:
        # The gateway keeps a feed page until the scheduler says it changed (ADR 0017).
        items = await feed(room)
        return items if instant(items[second["id"]]["startsAt"]) == later else None

    items = await eventually(moved_in_feed)
    assert all(instant(items[t["id"]]["dueAt"]) == instant(t["dueAt"]) for t in moved["tasks"])

    cancelled = (await room.teacher.run(CANCEL, id=second["id"]))["cancelSession"]
    assert cancelled["status"] == "CANCELLED"
    assert all(task["withdrawnAt"] for task in cancelled["tasks"])

    async def cancelled_in_feed() -> dict[str, Data] | None:
        items = await feed(room)
        return items if items[second["id"]]["status"] == "CANCELLED" else None

    items = await eventually(cancelled_in_feed)
    assert not {t["id"] for t in second["tasks"]} & set(items)


async def clash_with(room: Classroom, lesson: str, at: Data) -> Data:
    wanted = session_input(room.section_id, lesson, startsAt=at["startsAt"], endsAt=at["endsAt"])
    result: Data = (await room.teacher.run(CLASHING, input=wanted))["scheduleLiveSession"]
    return result


CLASHING = SCHEDULE.replace(
    "... on UserError { code message }",
    "... on Conflict { code clashes { kind otherId sectionId who } } ... on UserError { code }",
)


async def test_each_kind_of_clash_is_refused_naming_the_session_and_who_is_in_both(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    # The section's own session: the section would be booked twice.
    own = await schedule(room.teacher, room.section_id, lesson)
    refused = await clash_with(room, lesson, own)
    assert refused["code"] == "SCHEDULE_CONFLICT"
    assert [(c["kind"], c["otherId"]) for c in refused["clashes"]] == [("SECTION", own["id"])]
    # The other section shares the teacher: the teacher would be in two places.
    other = await schedule(room.teacher, room.other_section_id, lesson)
    refused = await clash_with(room, lesson, other)
    teacher = gid("Person", room.teacher_id)
    assert [(c["kind"], c["otherId"], c["who"]) for c in refused["clashes"]] == [
        ("TEACHER", other["id"], [teacher])
    ]
    # A student of the section is in a third section, with its own teacher: the student would
    # be in two sessions at once.
    third, third_teacher = await room.third_section_with(room.chicago_student_id)
    theirs = await schedule(third_teacher, third, lesson)
    refused = await clash_with(room, lesson, theirs)
    assert [(c["kind"], c["otherId"], c["who"]) for c in refused["clashes"]] == [
        ("STUDENT", theirs["id"], [gid("Person", room.chicago_student_id)])
    ]
