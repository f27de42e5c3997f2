"""Pulse surveys through GraphQL only: a student and their guardian each give this week's
pulse (the week of their own calendar), the student edits theirs, last week's is refused; each
reads back only their own, and the section's teacher reads the week summed up, comments
included, which a teacher of another section may not."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bookend.clock import IsoWeek
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import gid

SUBMIT = """mutation($input: PulseInput!) { submitPulse(input: $input) { __typename
  ... on Pulse { id week studentId respondent workload wellbeing connectivity sharedDevice
                 preference comment revision }
  ... on InvalidInput { code errors { field rule message } }
  ... on UserError { code message } } }"""
MINE = """query($week: String!) { myPulses(week: $week) {
  id studentId respondent workload comment revision } }"""
SECTION = """query($id: ID!, $week: String!) { sectionPulse(sectionId: $id, week: $week) {
  sectionId week studentsResponded guardiansResponded studentsHeardFrom
  workload { answer students guardians } connectivity { answer students guardians }
  sharedDevice { students guardians } preference { answer students guardians }
  pulses { totalCount nodes { studentId respondent workload comment } } } }"""

STRUGGLING = {
    "workload": "TOO_MUCH",
    "wellbeing": "LOW",
    "connectivity": "LIMITED",
    "sharedDevice": True,
    "preference": "MORE_ON_DEMAND",
    "comment": "Live sessions freeze on our connection.",
}
FINE = {
    "workload": "ABOUT_RIGHT",
    "wellbeing": "GOOD",
    "connectivity": "GOOD",
    "sharedDevice": False,
    "preference": "BALANCED",
}


def week_in(zone: str, days_ago: int = 0) -> str:
    """The ISO week a client in `zone` shows as this week (or `days_ago` before today)."""
    return str(IsoWeek.of(datetime.now(ZoneInfo(zone)).date() - timedelta(days=days_ago)))


async def submit(client: Client, **given: object) -> Data:
    result: Data = (await client.run(SUBMIT, input=given))["submitPulse"]
    return result


async def test_a_week_of_pulses_from_students_and_a_guardian_reaches_the_teacher(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    kenji, amara = room.chicago_student, room.la_student
    # The school's week; Amara, in Los Angeles, may name it too (any week still going
    # somewhere on Earth is open), as she would on a Monday before LA's dawn.
    chicago = week_in("America/Chicago")
    kenji_id = gid("Person", room.chicago_student_id)

    given = await submit(kenji, week=chicago, **STRUGGLING)
    assert given["__typename"] == "Pulse", given
    assert (given["respondent"], given["revision"], given["studentId"]) == (
        "STUDENT",
        1,
        kenji_id,
    )
    edited = await submit(kenji, week=chicago, **FINE)
    assert (edited["id"], edited["revision"], edited["comment"]) == (given["id"], 2, None)
    amaras = await submit(amara, week=chicago, **STRUGGLING)
    amara_id = amaras["studentId"]
    about_kenji = await submit(
        room.guardian, week=chicago, studentId=room.chicago_student_id, **STRUGGLING
    )
    assert about_kenji["respondent"] == "GUARDIAN", about_kenji

    last_week = await submit(kenji, week=week_in("America/Chicago", days_ago=14), **FINE)
    assert last_week["__typename"] == "InvalidInput", last_week
    assert [(e["field"], e["rule"]) for e in last_week["errors"]] == [("week", "current_week")]
    unnamed = await submit(room.guardian, week=chicago, **FINE)
    assert [(e["field"], e["rule"]) for e in unnamed["errors"]] == [("student_id", "required")]
    for_a_classmate = await submit(
        room.other_student, week=chicago, studentId=room.chicago_student_id, **FINE
    )
    assert for_a_classmate["code"] == "FORBIDDEN", for_a_classmate

    kenjis = (await kenji.run(MINE, week=chicago))["myPulses"]
    guardians = (await room.guardian.run(MINE, week=chicago))["myPulses"]
    assert [(p["respondent"], p["workload"], p["revision"]) for p in kenjis] == [
        ("STUDENT", "ABOUT_RIGHT", 2)
    ]
    assert [(p["respondent"], p["comment"]) for p in guardians] == [
        ("GUARDIAN", "Live sessions freeze on our connection.")
    ]

    summary = (await room.teacher.run(SECTION, id=room.section_id, week=chicago))["sectionPulse"]
    counts = ("studentsResponded", "guardiansResponded", "studentsHeardFrom")
    assert [summary[name] for name in counts] == [2, 1, 2]
    too_much = next(t for t in summary["workload"] if t["answer"] == "TOO_MUCH")
    assert (too_much["students"], too_much["guardians"]) == (1, 1)
    assert summary["sharedDevice"] == {"students": 1, "guardians": 1}
    pulses = summary["pulses"]["nodes"]
    assert summary["pulses"]["totalCount"] == len(pulses)
    comments = {(p["studentId"], p["respondent"]): p["comment"] for p in pulses}
    assert comments == {
        (kenji_id, "STUDENT"): None,
        (kenji_id, "GUARDIAN"): "Live sessions freeze on our connection.",
        (amara_id, "STUDENT"): "Live sessions freeze on our connection.",
    }

    _, science_teacher = await room.third_section_with(room.chicago_student_id)
    refused = await science_teacher.raw(SECTION, id=room.section_id, week=chicago)
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert refused["data"] is None
