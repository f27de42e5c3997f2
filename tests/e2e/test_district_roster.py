"""A district's roster imported from OneRoster-style CSV files through GraphQL, read back by its
admins; a bad set of files refused row by row with nothing changed; and the roster's other
writes refused clearly when they break a rule or come from someone who may not."""

from __future__ import annotations

import uuid

import httpx
import pytest

from bookend.auth import Role
from devstack.stack import RunningStack
from tests.e2e.client import Client, ClientFor, Data
from tests.support.auth import token_for
from tests.support.global_ids import gid
from tests.support.roster_files import lakeside

IMPORT = """mutation($files: [RosterFileInput!]!) { importRoster(files: $files) {
  __typename
  ... on RosterImport { id status written toWrite counts { kind created updated unchanged }
    skipped { file reason rows } }
  ... on RosterImportRefused { code message errorCount errors { file line field rule message } }
  ... on UserError { code message } } }"""
ROSTER = """query { district { id name } schools { nodes { id name timeZone } }
  oak: terms(schoolId: "oak") { nodes { id schoolId name startsOn endsOn weekdays dayStarts
    dayEnds blackouts { on reason } } }
  sections(first: 100) { totalCount nodes { id schoolId name subject timeZone teacherIds termId
    gradeBand } }
  read2: sectionStudents(sectionId: "read2") { nodes { id givenName ownTimeZone timeZone } }
  math7: sectionStudents(sectionId: "math7") { nodes { id givenName ownTimeZone timeZone } }
  guardians: studentGuardians(studentId: "s-ava") { id role givenName familyName } }"""
READ_IMPORT = """query($id: ID!) { rosterImport(id: $id) { id status written toWrite } }"""
UPSERT_TERM = """mutation($input: TermInput!) { upsertTerm(input: $input) {
  __typename ... on Term { id } ... on InvalidInput { code errors { field rule } }
  ... on UserError { code } } }"""
FEED = """query { feed(first: 5) { timeZone } }"""


def files_of(files: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "text": text} for name, text in files.items()]


@pytest.fixture
def district() -> str:
    return f"district-roster-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def admin(client_for: ClientFor, district: str) -> Client:
    return client_for("admin-roster", Role.DISTRICT_ADMIN, district=district)


async def imported(admin: Client, files: dict[str, str]) -> Data:
    result: Data = (await admin.run(IMPORT, files=files_of(files)))["importRoster"]
    assert result["__typename"] == "RosterImport", result
    assert result["status"] == "DONE", result  # a roster this small is written at once
    return result


def counts(result: Data) -> dict[str, list[int]]:
    return {c["kind"]: [c["created"], c["updated"], c["unchanged"]] for c in result["counts"]}


async def test_a_roster_imported_from_csv_files_is_read_back_and_importing_it_again_changes_nothing(
    admin: Client, client_for: ClientFor, district: str
) -> None:
    result = await imported(admin, lakeside())
    assert counts(result) == {
        "DISTRICT": [1, 0, 0],
        "SCHOOLS": [2, 0, 0],
        "TERMS": [2, 0, 0],
        "SECTIONS": [2, 0, 0],
        "TEACHERS": [2, 0, 0],
        "STUDENTS": [2, 0, 0],
        "GUARDIANS": [1, 0, 0],
        "GUARDIAN_LINKS": [1, 0, 0],
        "ENROLMENTS": [2, 0, 0],
    }
    assert {(s["file"], s["reason"], s["rows"]) for s in result["skipped"]} == {
        ("academicSessions.csv", "GRADING_PERIOD", 1),
        ("users.csv", "USER_ROLE_ADMINISTRATOR", 1),
        ("enrollments.csv", "ENROLLMENT_ROLE_ADMINISTRATOR", 1),
    }
    assert (await admin.run(READ_IMPORT, id=result["id"]))["rosterImport"]["status"] == "DONE"
    roster = await admin.run(ROSTER)
    assert roster["district"] == {"id": gid("District", district), "name": "Lakeside USD"}
    assert [(s["id"], s["timeZone"]) for s in roster["schools"]["nodes"]] == [
        (gid("School", "oak"), "America/Chicago"),
        (gid("School", "river"), "America/Los_Angeles"),
    ]
    assert roster["oak"]["nodes"] == [
        {
            "id": gid("Term", "fall-oak"),
            "schoolId": gid("School", "oak"),
            "name": "Fall 2025",
            "startsOn": "2025-08-18",
            "endsOn": "2025-12-19",
            "weekdays": [1, 2, 3, 4, 5],
            "dayStarts": "08:30:00",
            "dayEnds": "15:00:00",
            "blackouts": [{"on": "2025-10-13", "reason": "Staff development day"}],
        },
        {
            "id": gid("Term", "sy"),
            "schoolId": None,
            "name": "2025-2026",
            "startsOn": "2025-08-18",
            "endsOn": "2026-06-05",
            "weekdays": [1, 2, 3, 4, 5],
            "dayStarts": "08:00:00",
            "dayEnds": "15:00:00",
            "blackouts": [
                {"on": f"2025-11-{day}", "reason": "Thanksgiving break"} for day in (26, 27, 28)
            ],
        },
    ]
    assert roster["sections"]["totalCount"] == len(roster["sections"]["nodes"])
    math = next(s for s in roster["sections"]["nodes"] if s["id"] == gid("Section", "math7"))
    assert (math["termId"], math["gradeBand"], math["teacherIds"]) == (
        gid("Term", "sy"),
        "G6_8",
        [gid("Person", "t-rivera")],
    )
    assert roster["read2"]["nodes"] == [
        {
            "id": gid("Person", "s-ava"),
            "givenName": "Ava",
            "ownTimeZone": None,
            "timeZone": "America/Chicago",
        }
    ]
    assert roster["math7"]["nodes"][0]["timeZone"] == "America/New_York"
    assert roster["guardians"] == [
        {
            "id": gid("Person", "g-maria"),
            "role": "GUARDIAN",
            "givenName": "Maria",
            "familyName": "Lopez",
        }
    ]
    ava = client_for("s-ava", Role.STUDENT, district=district)
    assert (await ava.run(FEED))["feed"]["timeZone"] == "America/Chicago"

    again = await imported(admin, lakeside())
    assert again["toWrite"] == 0
    assert all(created == updated == 0 for created, updated, _ in counts(again).values())
    assert await admin.run(ROSTER) == roster


async def test_a_bad_set_of_files_is_refused_row_by_row_and_nothing_changes(admin: Client) -> None:
    await imported(admin, lakeside())
    before = await admin.run(ROSTER)
    bad = lakeside()
    bad["orgs.csv"] = bad["orgs.csv"].replace("Oakridge Elementary", "Oakridge Academy")  # good
    bad["users.csv"] = bad["users.csv"].replace(",America/New_York", ",Mars/Olympus")
    bad["classes.csv"] = bad["classes.csv"].replace(",river,sy,", ",river,fall-oak,")
    bad["enrollments.csv"] += "e9,,,read2,oak,s-nobody,student,,,\r\n"
    refusal = (await admin.run(IMPORT, files=files_of(bad)))["importRoster"]
    assert refusal["__typename"] == "RosterImportRefused"
    assert (refusal["code"], refusal["errorCount"]) == ("ROSTER_IMPORT_REFUSED", 3)
    assert [(e["file"], e["line"], e["field"], e["rule"]) for e in refusal["errors"]] == [
        ("classes.csv", 3, "termSourcedIds", "term_school"),
        ("users.csv", 5, "timeZone", "iana_zone"),
        ("enrollments.csv", 7, "userSourcedId", "known_user"),
    ]
    assert all(error["message"] for error in refusal["errors"])
    assert await admin.run(ROSTER) == before  # not even the good rename of orgs.csv


@pytest.mark.parametrize("role", [Role.STUDENT, Role.TEACHER, Role.GUARDIAN, Role.INTEGRATION])
async def test_only_an_admin_imports_and_a_refused_import_changes_nothing(
    admin: Client, client_for: ClientFor, district: str, role: Role
) -> None:
    await imported(admin, lakeside())
    before = await admin.run(ROSTER)
    someone = client_for("someone", role, district=district)
    renamed = lakeside()
    renamed["orgs.csv"] = renamed["orgs.csv"].replace("Oakridge Elementary", "Taken over")
    refused = (await someone.run(IMPORT, files=files_of(renamed)))["importRoster"]
    assert refused == {
        "__typename": "Forbidden",
        "code": "FORBIDDEN",
        "message": refused["message"],
    }
    assert await admin.run(ROSTER) == before


async def test_a_school_admin_imports_rows_of_their_own_school_only(
    admin: Client, stack: RunningStack, http: httpx.AsyncClient, district: str
) -> None:
    await imported(admin, {"orgs.csv": lakeside()["orgs.csv"]})
    token = token_for("admin-oak", Role.SCHOOL_ADMIN, district=district, school="oak")
    oak_admin = Client(http, stack.gateway_url, token)
    refused = (await oak_admin.run(IMPORT, files=files_of(lakeside())))["importRoster"]
    assert refused["__typename"] == "Forbidden"
    users = lakeside()["users.csv"].split("\r\n")
    oak_rows = "\r\n".join([users[0], users[1]]) + "\r\n"  # the header and Oakridge's teacher
    mine = await oak_admin.run(IMPORT, files=[{"name": "users.csv", "text": oak_rows}])
    assert mine["importRoster"]["__typename"] == "RosterImport"


async def test_files_that_are_not_a_roster_are_refused_naming_each(admin: Client) -> None:
    files = [
        {"name": "students.csv", "text": "id\n1\n"},
        {"name": "users.csv", "text": "sourcedId,givenName\nu1,Ava\n"},
        {"name": "orgs.csv", "text": "sourcedId,name,type\no1,Caf\ufffd,school\n"},
    ]
    refusal = (await admin.run(IMPORT, files=files))["importRoster"]
    assert [(e["file"], e["line"], e["field"], e["rule"]) for e in refusal["errors"]] == [
        ("orgs.csv", 2, None, "utf8"),
        ("users.csv", 1, "role", "required_column"),
        ("users.csv", 1, "orgSourcedIds", "required_column"),
        ("students.csv", None, None, "known_file"),
    ]


async def test_an_invalid_term_names_the_field_and_rule_and_stores_nothing(admin: Client) -> None:
    await imported(admin, {"orgs.csv": lakeside()["orgs.csv"]})
    term = {
        "id": "spring",
        "schoolId": "oak",
        "name": "Spring",
        "startsOn": "2026-06-01",
        "endsOn": "2026-01-05",
        "weekdays": [1, 9],
        "blackouts": [{"on": "2027-01-01"}],
    }
    refused = (await admin.run(UPSERT_TERM, input=term))["upsertTerm"]
    assert refused["__typename"] == "InvalidInput"
    assert refused["errors"] == [
        {"field": "ends_on", "rule": "not_before_start"},
        {"field": "weekdays", "rule": "iso_weekday"},
        {"field": "blackouts.0.on", "rule": "within_term"},
    ]
    unchanged = await admin.run("""query { terms(schoolId: "oak") { nodes { id } } }""")
    assert unchanged["terms"]["nodes"] == []
