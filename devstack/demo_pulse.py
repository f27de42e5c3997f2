"""The demo's pulse surveys: this week's answers from Riverside's students and a guardian, given
through the public GraphQL API (ADR 0036). Giving them again changes nothing (the same answers
are no edit), so `load_demo` may call `load_pulses` on every run."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bookend.auth import issue_token
from bookend.clock import IsoWeek
from devstack.graphql_client import GraphQLClient
from devstack.users import USERS_BY_ID

SUBMIT_PULSE = """mutation($input: PulseInput!) { submitPulse(input: $input) {
  __typename ... on Pulse { id } ... on UserError { code message } } }"""

# (who answers, about whom: None for themself, their answers). Kenji follows ELA 8A from Los
# Angeles on a shared laptop and a weak connection: with his missed live sessions, the week's
# balance assessment should offer him recordings.
PULSES: tuple[tuple[str, str | None, dict[str, Any]], ...] = (
    (
        "student-kenji",
        None,
        {
            "workload": "TOO_MUCH",
            "wellbeing": "OKAY",
            "connectivity": "LIMITED",
            "sharedDevice": True,
            "preference": "MORE_ON_DEMAND",
            "comment": "The live sessions freeze when my sister is on the laptop too.",
        },
    ),
    (
        "student-amara",
        None,
        {
            "workload": "ABOUT_RIGHT",
            "wellbeing": "GOOD",
            "connectivity": "GOOD",
            "sharedDevice": False,
            "preference": "BALANCED",
        },
    ),
    (
        "guardian-lindqvist",
        "student-amara",
        {
            "workload": "ABOUT_RIGHT",
            "wellbeing": "VERY_GOOD",
            "connectivity": "GOOD",
            "sharedDevice": False,
            "preference": "MORE_LIVE",
            "comment": "She enjoys the seminars.",
        },
    ),
)


class PulseLoadFailed(RuntimeError):
    pass


def load_pulses(gateway_url: str, secret: str, *, now: datetime | None = None) -> list[str]:
    """This week's pulses (the week as each respondent's own calendar counts it); the ids of
    the pulses given or kept."""
    given = []
    for user_id, about, answers in PULSES:
        user = USERS_BY_ID[user_id]
        zone = user.time_zone or USERS_BY_ID[about or user_id].time_zone or "America/Chicago"
        week = IsoWeek.containing(now or datetime.now(ZoneInfo(zone)), zone)
        client = GraphQLClient(gateway_url, issue_token(secret, user.principal))
        wanted = {"week": str(week), **answers} | ({"studentId": about} if about else {})
        result = client.execute(SUBMIT_PULSE, input=wanted)["submitPulse"]
        if result["__typename"] != "Pulse":
            raise PulseLoadFailed(f"{user_id}: {result}")
        given.append(str(result["id"]))
    return given
