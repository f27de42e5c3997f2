"""Progress on an on-demand task through GraphQL only: one student's client reports once and in
order, another's sends the same reports twice and out of order (a retry, a replayed offline
queue); both end in the same state, and each student's feed shows the task in progress, then
done. Staff see every student's progress, a guardian their child's."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson
from tests.e2e.client import Client, ClientFor, Data
from tests.e2e.test_on_demand_tasks import assign_practice, status_in_feed
from tests.support.global_ids import gid
from tests.support.polling import eventually

PROGRESS = """studentId state startedAt completedAt positionSeconds timeSpentSeconds reportCount"""
REPORT = f"""mutation($task: ID!, $event: String!, $at: DateTime!, $position: Int,
  $spent: Int! = 0, $completed: Boolean! = false) {{
  reportProgress(taskId: $task, clientEventId: $event, occurredAt: $at,
    positionSeconds: $position, timeSpentSeconds: $spent, completed: $completed) {{
  __typename ... on ProgressReport {{ clientEventId repeated progress {{ {PROGRESS} }} }}
  ... on InvalidInput {{ errors {{ field rule }} }} ... on UserError {{ code message }} }} }}"""
TASK_PROGRESS = f"""query($task: ID!) {{ taskProgress(taskId: $task) {{
  nodes {{ {PROGRESS} }} }} }}"""


async def send(client: Client, task: str, report: dict[str, Any]) -> Data:
    result: Data = (await client.run(REPORT, task=task, **report))["reportProgress"]
    return result


async def progress_by_student(client: Client, task: str) -> dict[str, Data]:
    found = (await client.run(TASK_PROGRESS, task=task))["taskProgress"]["nodes"]
    return {p["studentId"]: p for p in found}


async def test_reports_sent_twice_and_out_of_order_give_the_state_of_once_in_order(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    assigning = datetime.now(UTC)
    assigned = await assign_practice(
        room,
        lesson,
        opens={"at": assigning.isoformat()},
        due={"at": (assigning + timedelta(days=3)).isoformat()},
    )
    assigned_by = datetime.now(UTC)  # the scheduler announced it before this
    task = str(assigned["id"])
    in_order, replaying = room.chicago_student, room.la_student
    assert await status_in_feed(in_order, task) == "NOT_STARTED"

    async def known() -> bool:
        # Feedback learns the task from the scheduler's TaskAssigned; until then a report is
        # refused, retryably, and nothing is kept.
        return not (await room.teacher.raw(TASK_PROGRESS, task=task)).get("errors")

    await eventually(known)

    # Four reports a second apart after the assignment, by the clients' clocks: started,
    # watching, further on, done. Sent once each moment has passed, so that none is clamped.
    first_moment = assigned_by.replace(microsecond=0) + timedelta(seconds=1)
    moments = [first_moment + timedelta(seconds=i) for i in range(4)]
    await asyncio.sleep(max((moments[-1] - datetime.now(UTC)).total_seconds() + 0.1, 0))
    reports: list[dict[str, Any]] = [
        {"event": f"r{i}", "at": at.isoformat(), "position": 100 * i, "spent": 1}
        for i, at in enumerate(moments)
    ]
    reports[3] |= {"completed": True}

    first = await send(in_order, task, reports[0])
    assert (first["__typename"], first["repeated"]) == ("ProgressReport", False), first
    assert first["progress"]["state"] == "STARTED"

    async def status_is(client: Client, wanted: str) -> bool:
        return await status_in_feed(client, task) == wanted

    await eventually(lambda: status_is(in_order, "IN_PROGRESS"))
    for report in reports[1:]:
        assert (await send(in_order, task, report))["repeated"] is False
    await eventually(lambda: status_is(in_order, "DONE"))

    # The other client retries, and replays its offline queue in another order.
    replayed = [*reports, reports[0], reports[2], reports[3]]
    random.Random(10).shuffle(replayed)
    answers = [await send(replaying, task, report) for report in replayed]
    assert {a["__typename"] for a in answers} == {"ProgressReport"}
    assert sorted(a["repeated"] for a in answers) == [False] * 4 + [True] * 3
    await eventually(lambda: status_is(replaying, "DONE"))

    seen = await progress_by_student(room.teacher, task)
    assert len(seen) == 2
    ordered = seen.pop(gid("Person", room.chicago_student_id))
    (replayed_state,) = seen.values()
    assert {**replayed_state, "studentId": None} == {**ordered, "studentId": None}
    assert ordered["state"] == "COMPLETED" and ordered["reportCount"] == 4
    assert (ordered["positionSeconds"], ordered["timeSpentSeconds"]) == (300, 4)
    assert datetime.fromisoformat(ordered["startedAt"]) == moments[0]
    assert datetime.fromisoformat(ordered["completedAt"]) == moments[3]

    # A student reads their own, a guardian their child's, and no one else's.
    assert list(await progress_by_student(replaying, task)) == list(seen)
    assert list(await progress_by_student(room.guardian, task)) == [
        gid("Person", room.chicago_student_id)
    ]
    outsider = await room.other_student.run(TASK_PROGRESS, task=task)
    assert outsider["taskProgress"]["nodes"] == []
    refused = await send(room.other_student, task, {"event": "x", "at": moments[0].isoformat()})
    assert (refused["__typename"], refused["code"]) == ("Forbidden", "NOT_ASSIGNED")
