"""The balance adjusted, through GraphQL only: a week of work and feedback (a task for the
section, one student's progress, another's pulse) is assessed with figures computed by hand
here and flags naming their reasons; the flag becomes a proposal, and accepting it changes that
student's feed, and only theirs; undoing it changes it back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bookend.clock import IsoWeek
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson
from tests.e2e.client import Client, ClientFor, Data
from tests.e2e.test_on_demand_tasks import assign_practice, due_in_feed, practice_component
from tests.e2e.test_task_progress import REPORT, TASK_PROGRESS
from tests.support.global_ids import gid
from tests.support.polling import eventually

CHICAGO = ZoneInfo("America/Chicago")
MINUTES = """query($id: ID!) { lesson(id: $id) { components { id minutes } } }"""
PULSE = """mutation($input: PulseInput!) { submitPulse(input: $input) {
  __typename ... on UserError { code message } } }"""
FIGURES = """plannedLiveMinutes attendedLiveMinutes assignedOnDemandMinutes
  completedOnDemandMinutes onDemandShare completionRate"""
ASSESS = f"""mutation($section: ID!, $week: String) {{
  assessBalance(sectionId: $section, week: $week) {{ __typename
  ... on BalanceAssessment {{ week assessedAt figures {{ {FIGURES} }}
      students {{ studentId figures {{ {FIGURES} }} flags {{ kind reason }} }} }}
  ... on UserError {{ code message }} }} }}"""
PROPOSALS = """query($section: ID!) { balanceProposals(sectionId: $section, status: OPEN) {
  nodes { id studentId kind reason } } }"""
ACCEPT = """mutation($id: ID!) { acceptProposal(proposalId: $id) { __typename
  ... on BalanceProposal { status extendedTaskIds } ... on UserError { code message } } }"""
UNDO = """mutation($id: ID!) { undoProposal(proposalId: $id) { __typename
  ... on BalanceProposal { status } ... on UserError { code message } } }"""


async def a_due_this_week() -> tuple[datetime, str]:
    """A moment later this week in Chicago, the section's zone, and that week: a task due then
    counts in the week's figures and in the week a proposal extends."""
    now = datetime.now(CHICAGO)
    week_ends = IsoWeek.containing(now, "America/Chicago").span("America/Chicago")[1]
    if week_ends - now < timedelta(minutes=10):  # Sunday night: wait for Monday
        await asyncio.sleep((week_ends - now).total_seconds() + 1)
        now = datetime.now(CHICAGO)
        week_ends = IsoWeek.containing(now, "America/Chicago").span("America/Chicago")[1]
    due = min(now + timedelta(days=1), week_ends - timedelta(minutes=5))
    return due, str(IsoWeek.containing(due, "America/Chicago"))


async def test_a_weeks_assessment_becomes_a_proposal_that_changes_one_students_feed(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    component = await practice_component(room, lesson)
    components = (await room.teacher.run(MINUTES, id=lesson))["lesson"]["components"]
    minutes = next(c["minutes"] for c in components if c["id"] == component)
    due, week = await a_due_this_week()
    assigned = await assign_practice(
        room,
        lesson,
        opens={"at": datetime.now(UTC).isoformat()},
        due={"at": due.isoformat()},
        component=component,
    )
    task = str(assigned["id"])
    overloaded, done = room.chicago_student, room.la_student

    async def known() -> bool:
        return not (await room.teacher.raw(TASK_PROGRESS, task=task)).get("errors")

    await eventually(known)  # feedback learned the task from the scheduler
    finished = await done.run(
        REPORT, task=task, event="done-1", at=datetime.now(UTC).isoformat(), completed=True
    )
    assert finished["reportProgress"]["__typename"] == "ProgressReport", finished
    said = {
        "week": week,
        "workload": "TOO_MUCH",
        "wellbeing": "OKAY",
        "connectivity": "GOOD",
        "sharedDevice": False,
        "preference": "BALANCED",
    }
    given = (await overloaded.run(PULSE, input=said))["submitPulse"]
    assert given["__typename"] == "Pulse", given

    published: Data = (await room.teacher.run(ASSESS, section=room.section_id, week=week))[
        "assessBalance"
    ]
    assert published["__typename"] == "BalanceAssessment", published
    # By hand: no live session this week; one task of `minutes` for both students, done by one.
    assert published["figures"] == {
        "plannedLiveMinutes": 0,
        "attendedLiveMinutes": 0,
        "assignedOnDemandMinutes": 2 * minutes,
        "completedOnDemandMinutes": minutes,
        "onDemandShare": 1.0,
        "completionRate": 0.5,
    }
    students = {s["studentId"]: s for s in published["students"]}
    chicago_id = gid("Person", room.chicago_student_id)
    me = students[chicago_id]
    assert me["figures"]["completionRate"] == 0.0
    reasons = {f["kind"]: f["reason"] for f in me["flags"]}
    assert reasons["OVERLOADED"] == (
        f"the student reports too much work; completed 0 of {minutes} on-demand minutes "
        "→ lighten the load"
    )
    other = next(s for sid, s in students.items() if sid != chicago_id)
    assert other["figures"]["completionRate"] == 1.0 and other["flags"] == []

    async def proposed() -> Data | None:
        nodes = (await room.teacher.run(PROPOSALS, section=room.section_id))["balanceProposals"]
        mine = [n for n in nodes["nodes"] if n["studentId"] == chicago_id]
        return mine[0] if mine else None

    proposal = await eventually(proposed)  # the scheduler heard the assessment
    assert proposal["kind"] == "EXTEND_WINDOWS"
    assert "reports too much work" in proposal["reason"]

    before = {who: await due_in_feed(who, task) for who in (overloaded, done)}
    accepted = (await room.teacher.run(ACCEPT, id=proposal["id"]))["acceptProposal"]
    assert accepted == {
        "__typename": "BalanceProposal",
        "status": "APPLIED",
        "extendedTaskIds": [task],
    }
    was = before[overloaded]
    assert was is not None
    await _due_becomes(overloaded, task, was + timedelta(days=1))
    assert await due_in_feed(done, task) == before[done]  # theirs only

    undone = (await room.teacher.run(UNDO, id=proposal["id"]))["undoProposal"]
    assert undone == {"__typename": "BalanceProposal", "status": "UNDONE"}
    await _due_becomes(overloaded, task, before[overloaded])


async def _due_becomes(student: Client, task: str, wanted: datetime | None) -> None:
    async def there() -> bool:
        return await due_in_feed(student, task) == wanted

    await eventually(there)  # the gateway forgets a kept feed page once FeedsChanged arrives
