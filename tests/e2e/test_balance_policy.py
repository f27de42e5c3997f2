"""A section's balance policy through GraphQL, exceeded in both modes: in ADVISE mode the
session is scheduled with the warning and its figures, and a BalanceWarning event leaves the
scheduler; in ENFORCE mode it is refused with the figures and nothing changes (nor is anything
sent). The weekly plans of the section and of a student show the same minutes.

The event is read from the broker beside the stack: no GraphQL field shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bookend.contracts import Topic
from bookend.eventbus import KafkaSettings
from tests.e2e.classroom import Classroom, published_lesson, schedule, session_input
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import ClientFor, Data
from tests.support.polling import eventually
from tests.support.running import watching

CHICAGO = ZoneInfo("America/Chicago")
SET_POLICY = """mutation($id: ID!, $input: BalancePolicyInput!) {
  setBalancePolicy(sectionId: $id, input: $input) {
    __typename ... on BalancePolicy { dailyCap mode } ... on UserError { code message } } }"""
SCHEDULE = """mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) {
  __typename
  ... on LiveSession { id balanceWarnings { rule period figure limit liveMinutes message } }
  ... on PolicyViolation { code message
    breaches { rule period figure limit liveMinutes onDemandMinutes message } }
  ... on UserError { code message } } }"""
PLAN = """query($section: ID, $student: ID, $week: String) {
  weeklyPlan(sectionId: $section, studentId: $student, week: $week) {
    week timeZone liveMinutes onDemandMinutes onDemandShare
    days { day liveMinutes onDemandMinutes }
    warnings { rule period figure limit } } }"""
SESSIONS = """query($id: ID!) { sectionSessions(sectionId: $id) { nodes { id } } }"""


def at(day: datetime, hour: int) -> dict[str, str]:
    starts = day.replace(hour=hour)
    return {
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(minutes=50)).isoformat(),
    }


async def set_policy(room: Classroom, mode: str) -> None:
    policy = {"minOnDemandShare": 0.1, "maxLiveMinutesPerDay": 60, "mode": mode}
    result = await room.teacher.run(SET_POLICY, id=room.section_id, input=policy)
    assert result["setBalancePolicy"] == {
        "__typename": "BalancePolicy",
        "dailyCap": 60,
        "mode": mode,
    }


async def planned(room: Classroom, lesson: str, hours: dict[str, str]) -> Data:
    wanted = session_input(room.section_id, lesson, **hours)
    result: Data = (await room.teacher.run(SCHEDULE, input=wanted))["scheduleLiveSession"]
    return result


async def test_exceeding_the_balance_policy_in_advise_then_enforce_mode(
    client_for: ClientFor, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    # A day of its own, a month ahead, in the section's zone (Chicago).
    day = (datetime.now(CHICAGO) + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    period = day.date().isoformat()
    year, number, _ = day.date().isocalendar()
    week = f"{year}-W{number:02d}"
    await set_policy(room, "ADVISE")
    async with watching(kafka_settings, [Topic.SCHEDULER_BALANCE], unique("balance-e2e")) as seen:

        def warned() -> list[Data]:
            return [e.data for e in seen if e.data["section_id"] == room.section_id]

        await schedule(room.teacher, room.section_id, lesson, **at(day, 9))
        advised = await planned(room, lesson, at(day, 11))
        assert advised["__typename"] == "LiveSession", advised
        [warning] = advised["balanceWarnings"]
        assert {k: warning[k] for k in ("rule", "period", "figure", "limit", "liveMinutes")} == {
            "rule": "MAX_LIVE_MINUTES_PER_DAY",
            "period": period,
            "figure": 100,
            "limit": 60,
            "liveMinutes": 100,
        }
        await eventually(lambda: len(warned()) == 1)
        [event] = warned()
        assert (event["mode"], event["change"]) == ("advise", "sessions_scheduled")
        assert [(w["rule"], w["period"], w["figure"]) for w in event["warnings"]] == [
            ("max_live_minutes_per_day", period, 100)
        ]
        # Section-level figures only: no student of the section is named.
        assert not {room.chicago_student_id} & {str(v) for v in event.values()}
        plan_before = (await room.teacher.run(PLAN, section=room.section_id, week=week))[
            "weeklyPlan"
        ]
        assert (plan_before["week"], plan_before["liveMinutes"]) == (week, 100)
        assert [w["rule"] for w in plan_before["warnings"]] == ["MAX_LIVE_MINUTES_PER_DAY"]

        await set_policy(room, "ENFORCE")
        refused = await planned(room, lesson, at(day, 13))
        assert (refused["__typename"], refused["code"]) == (
            "PolicyViolation",
            "BALANCE_POLICY_VIOLATION",
        )
        [breach] = refused["breaches"]
        assert (breach["rule"], breach["period"], breach["figure"], breach["limit"]) == (
            "MAX_LIVE_MINUTES_PER_DAY",
            period,
            150,
            60,
        )
        assert breach["liveMinutes"] == 150
        sessions = (await room.teacher.run(SESSIONS, id=room.section_id))["sectionSessions"][
            "nodes"
        ]
        assert len(sessions) == 2
        plan_after = (await room.teacher.run(PLAN, section=room.section_id, week=week))[
            "weeklyPlan"
        ]
        assert plan_after == plan_before

        # The same session in ADVISE mode again: it is made, and its event is the second one
        # this section sent, so the refused attempt sent none.
        await set_policy(room, "ADVISE")
        made = await planned(room, lesson, at(day, 13))
        assert [w["figure"] for w in made["balanceWarnings"]] == [150]
        await eventually(lambda: len(warned()) == 2)
        assert [e["warnings"][0]["figure"] for e in warned()] == [100, 150]

    mine = (await room.chicago_student.run(PLAN, student=room.chicago_student_id, week=week))[
        "weeklyPlan"
    ]
    assert (mine["timeZone"], mine["liveMinutes"]) == ("America/Chicago", 150)
    assert mine["onDemandMinutes"] == plan_after["onDemandMinutes"] * 3 // 2
