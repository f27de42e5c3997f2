"""Every query and mutation of the GraphQL API, generated from the schema the gateway serves
(valid documents, and documents with one violation of it), sent over HTTP to the whole stack as
the people who may use each: no INTERNAL error, no 5xx, and an answer within the deadline."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from typing import Any, cast

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from bookend.clock import IsoWeek
from tests.e2e.classroom import (
    LESSON,
    Classroom,
    classroom,
    published_lesson,
    schedule,
    session_input,
)
from tests.e2e.client import Client, ClientFor, Data
from tests.support.fuzzing import DEADLINE, SCALE, SEED
from tests.support.global_ids import gid, raw_of, unglobal

# Documents per test: two tests (queries, mutations), about 15 s together on the 2-CPU machine.
FUZZ = settings(
    max_examples=400 * SCALE,
    # CI replays the same documents, and no example database is kept.
    derandomize=SEED is None,
    database=None,
    deadline=None,  # the request's own timeout is the deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# BOOKEND_FUZZ_SEED explores new ground; otherwise the documents are derandomized.
def explored(test: Callable[..., Any]) -> Callable[..., Any]:
    return seed(SEED)(test) if SEED is not None else test


# Filled once the classroom exists: ids of things that do exist, so that generated ids often
# get past "not found" into the services' rules and stores; each as the API answers it (a
# global id) and as the service keeps it (a raw id, which arguments take too), so that an id
# of the wrong type is refused as often as one of the right type gets through.
KNOWN_IDS: list[str] = []


# Digits among them: the embedded store once matched an id that reads as a number by number.
IDS = st.one_of(
    st.deferred(lambda: st.sampled_from(KNOWN_IDS)),
    st.text(max_size=300),
    st.integers(-10, 10_000).map(str),
)
ZONES = [UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=-8))]
INSTANTS = st.one_of(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from(ZONES),
    ).map(datetime.isoformat),
    st.sampled_from(
        ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2030-02-30T10:00Z"]
    ),
    st.text(max_size=40),
)
# Times of day, with offsets and out of range too: the service refuses what it cannot place.
TIMES = st.one_of(
    st.times(timezones=st.none() | st.sampled_from(ZONES)).map(lambda t: t.isoformat()),
    st.sampled_from(["24:00:00", "7am", "-01:00", "23:59:60"]),
    st.text(max_size=20),
)
# Sizes from none to beyond 64 bits, negative ones too: the service refuses what is out of range.
SIZES = st.integers(min_value=-(2**70), max_value=2**70).map(nodes.Int)
# Days (terms, blackouts), valid or not: Feb 30th, year 0, unpadded, text.
DAYS = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["2026-02-30", "0000-01-01", "2025-9-1"]),
    st.text(max_size=20),
)
SCALARS = {
    "ID": IDS.map(nodes.String),
    "DateTime": INSTANTS.map(nodes.String),
    "Date": DAYS.map(nodes.String),
    "Bytes": SIZES,
    "Time": TIMES.map(nodes.String),
}


# The roster's fields, loaded and read by admins.
ROSTER_FIELDS = frozenset(
    {
        "upsertDistrict",
        "upsertSchool",
        "upsertTerm",
        "upsertSection",
        "upsertPerson",
        "linkGuardian",
        "enrolStudent",
        "importRoster",
        "district",
        "schools",
        "terms",
        "sectionStudents",
        "studentGuardians",
        "rosterImport",
    }
)


# What a student does in a live session, on their on-demand tasks, and in a pulse.
STUDENT_FIELDS = frozenset(
    {
        "checkIn",
        "joinSession",
        "leaveSession",
        "submitPulse",
        "reportProgress",
        "answerPrompt",
        "askQuestion",
        "upvoteQuestion",
    }
)


@dataclass(frozen=True)
class Seeded:
    """A classroom with a published lesson and a scheduled session, and who acts on what."""

    room: Classroom
    schema: graphql.GraphQLSchema
    school_id: str
    lesson_id: str
    session_id: str
    student_id: str

    def client_for(self, field: str) -> Client:
        """Roster loading is the admins', check-ins, joins and leaves the students', the rest
        the teacher's."""
        if field in ROSTER_FIELDS:
            return self.room.admin
        if field in STUDENT_FIELDS:
            return self.room.chicago_student
        return self.room.teacher


@pytest.fixture(scope="module")
async def seeded(client_for: ClientFor) -> Seeded:
    room = await classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session_id = str((await schedule(room.teacher, room.section_id, lesson_id))["id"])
    school_id = room.school_id
    student_id = (await room.chicago_student.run("{ viewer { id } }"))["viewer"]["id"]
    group = await room.teacher.run(
        """mutation($section: ID!, $student: ID!) { createGroup(sectionId: $section,
          name: "Reading group B", studentIds: [$student]) { ... on Group { id } } }""",
        section=room.section_id,
        student=student_id,
    )
    group_id = group["createGroup"]["id"]
    answered = [lesson_id, session_id, student_id, group_id]
    kept = [("Section", room.section_id), ("School", school_id)]
    KNOWN_IDS[:] = [
        *answered,
        *(unglobal(each)[1] for each in answered),
        *(raw for _, raw in kept),
        *(gid(type_name, raw) for type_name, raw in kept),
    ]
    introspection = await room.teacher.run(graphql.get_introspection_query())
    schema = graphql.build_client_schema(cast(graphql.IntrospectionQuery, introspection))
    return Seeded(room, schema, school_id, lesson_id, session_id, student_id)


@cache
def documents(kind: str, field: str, schema: graphql.GraphQLSchema) -> st.SearchStrategy[str]:
    """Valid documents for one root field, and documents breaking the schema once (where the
    field has arguments to break)."""
    make: Callable[..., st.SearchStrategy[str]] = queries if kind == "query" else mutations
    root = schema.query_type if kind == "query" else schema.mutation_type
    assert root is not None
    modes = list(Mode) if root.fields[field].args else [Mode.POSITIVE]
    return st.one_of(
        *(make(schema, fields=[field], custom_scalars=SCALARS, mode=mode) for mode in modes)
    )


async def answer(client: Client, document: str) -> Data:
    """The response to `document`; a 5xx, an INTERNAL error or no answer in time fails."""
    return await answer_with(client, document, {})


async def answer_with(client: Client, document: str, variables: dict[str, object]) -> Data:
    try:
        response = await client.http.post(
            client.url,
            content=json.dumps({"query": document, "variables": variables}),
            headers={"Authorization": f"Bearer {client.token}", "content-type": "application/json"},
            timeout=DEADLINE,
        )
    except httpx.TimeoutException as hung:
        raise AssertionError(f"no answer within {DEADLINE} s to:\n{document}") from hung
    assert response.status_code < 500, (response.status_code, response.text, document)
    body: Data = response.json()
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors") or []]
    assert None not in codes, (body, document)
    assert "INTERNAL" not in codes, (body, document)
    return body


@pytest.mark.timeout(360)  # a hang's bound: a loaded shared machine runs it several times slower
@FUZZ
@explored
@given(data=st.data())
async def test_no_query_makes_the_gateway_fail_or_hang(seeded: Seeded, data: st.DataObject) -> None:
    query_type = seeded.schema.query_type
    assert query_type is not None
    field = data.draw(st.sampled_from(sorted(query_type.fields)), label="field")
    document = data.draw(documents("query", field, seeded.schema), label="document")
    await answer(seeded.client_for(field), document)


@pytest.mark.timeout(360)  # a hang's bound: a loaded shared machine runs it several times slower
@FUZZ
@explored
@given(data=st.data())
async def test_no_mutation_makes_the_gateway_fail_or_hang(
    seeded: Seeded, data: st.DataObject
) -> None:
    mutation_type = seeded.schema.mutation_type
    assert mutation_type is not None
    field = data.draw(st.sampled_from(sorted(mutation_type.fields)), label="field")
    document = data.draw(documents("mutation", field, seeded.schema), label="document")
    await answer(seeded.client_for(field), document)


LONG = "x" * 10_000
YEAR_1, YEAR_9999 = "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"
REFUSAL = "... on InvalidInput { errors { field rule } } ... on UserError { code }"
WRITES = {
    "upsertSchool": f"""mutation($id: ID!, $name: String!, $zone: String! = "UTC") {{
        upsertSchool(id: $id, name: $name, timeZone: $zone) {{ __typename {REFUSAL} }} }}""",
    "upsertTerm": f"""mutation($input: TermInput!) {{
        upsertTerm(input: $input) {{ __typename {REFUSAL} }} }}""",
    "upsertPerson": f"""mutation($input: PersonInput!) {{
        upsertPerson(input: $input) {{ __typename {REFUSAL} }} }}""",
    "importRoster": f"""mutation($files: [RosterFileInput!]!) {{
        importRoster(files: $files) {{ __typename {REFUSAL} }} }}""",
    "upsertSection": f"""mutation($input: SectionInput!) {{
        upsertSection(input: $input) {{ __typename {REFUSAL} }} }}""",
    "enrolStudent": f"""mutation($section: ID!, $student: ID!, $zone: String!) {{
        enrolStudent(sectionId: $section, studentId: $student, timeZone: $zone) {{
          __typename {REFUSAL} }} }}""",
    "createLesson": f"""mutation($input: CreateLessonInput!) {{
        createLesson(input: $input) {{ __typename {REFUSAL} }} }}""",
    "scheduleLiveSession": f"""mutation($input: ScheduleLiveSessionInput!) {{
        scheduleLiveSession(input: $input) {{ __typename {REFUSAL} }} }}""",
    "checkIn": f"""mutation($session: ID!, $note: String) {{
        checkIn(sessionId: $session, signal: UNSURE, note: $note) {{ __typename {REFUSAL} }} }}""",
    "joinSession": f"""mutation($session: ID!, $event: String!) {{
        joinSession(sessionId: $session, clientEventId: $event) {{ __typename {REFUSAL} }} }}""",
    "leaveSession": f"""mutation($session: ID!, $event: String!) {{
        leaveSession(sessionId: $session, clientEventId: $event) {{ __typename {REFUSAL} }} }}""",
    "submitPulse": f"""mutation($input: PulseInput!) {{
        submitPulse(input: $input) {{ __typename {REFUSAL} }} }}""",
    "reportProgress": f"""mutation($task: ID!, $event: String!, $at: DateTime!, $spent: Int! = 0) {{
        reportProgress(taskId: $task, clientEventId: $event, occurredAt: $at,
          timeSpentSeconds: $spent) {{ __typename {REFUSAL} }} }}""",
    "openPrompt": f"""mutation($session: ID!, $question: String!, $options: [String!]) {{
        openPrompt(sessionId: $session, kind: MULTIPLE_CHOICE, question: $question,
          options: $options) {{ __typename {REFUSAL} }} }}""",
    "askQuestion": f"""mutation($session: ID!, $text: String!) {{
        askQuestion(sessionId: $session, text: $text) {{ __typename {REFUSAL} }} }}""",
    "answerQuestion": f"""mutation($question: ID!, $text: String) {{
        answerQuestion(questionId: $question, mode: WRITTEN, text: $text) {{
          __typename {REFUSAL} }} }}""",
    "writeNote": f"""mutation($input: WriteNoteInput!) {{
        writeNote(input: $input) {{ __typename {REFUSAL} }} }}""",
}


def section(seeded: Seeded, **change: object) -> dict[str, object]:
    return {
        "input": {
            "id": seeded.room.section_id,
            "schoolId": seeded.school_id,
            "name": "Reading 8",
            "subject": "reading",
            "timeZone": "America/Chicago",
            "teacherIds": [],
        }
        | change
    }


def term(seeded: Seeded, **change: object) -> dict[str, object]:
    starts = {"startsOn": "2025-09-01", "endsOn": "2026-06-30"}
    return {
        "input": {"id": f"term-{seeded.school_id}", "schoolId": seeded.school_id, "name": "Year"}
        | starts
        | change
    }


def person(seeded: Seeded, **change: object) -> dict[str, object]:
    return {
        "input": {"id": seeded.student_id, "role": "STUDENT", "schoolIds": [seeded.school_id]}
        | change
    }


def session(seeded: Seeded, **change: str) -> dict[str, object]:
    return {"input": session_input(seeded.room.section_id, seeded.lesson_id, **change)}


def pulse(**change: object) -> dict[str, object]:
    week = str(IsoWeek.containing(datetime.now(UTC), "UTC"))
    answers = {"workload": "TOO_MUCH", "wellbeing": "LOW", "connectivity": "NONE"}
    return {
        "input": {"week": week, "sharedDevice": True, "preference": "BALANCED"} | answers | change
    }


def lesson(**change: object) -> dict[str, object]:
    return {"input": LESSON | change}


HOSTILE: list[tuple[str, Callable[[Seeded], dict[str, object]], str, str]] = [
    ("upsertSchool", lambda s: {"id": s.school_id, "name": LONG}, "name", "string_too_long"),
    ("upsertSchool", lambda s: {"id": s.school_id, "name": "Oak\x00ridge"}, "name", "valid_text"),
    (
        "upsertSchool",
        lambda s: {"id": s.school_id, "name": "Oakridge", "zone": LONG},
        "time_zone",
        "string_too_long",
    ),
    ("upsertTerm", lambda s: term(s, name=LONG), "name", "string_too_long"),
    ("upsertTerm", lambda s: term(s, endsOn="2024-01-01"), "ends_on", "not_before_start"),
    ("upsertTerm", lambda s: term(s, weekdays=[0, 8]), "weekdays", "iso_weekday"),
    (
        "upsertTerm",
        lambda s: term(s, blackouts=[{"on": "2030-01-01"}]),
        "blackouts.0.on",
        "within_term",
    ),
    ("upsertPerson", lambda s: person(s, givenName=LONG), "given_name", "string_too_long"),
    ("upsertPerson", lambda s: person(s, timeZone="Mars/Olympus"), "time_zone", "iana_zone"),
    (
        "importRoster",
        lambda s: {"files": [{"name": LONG, "text": "sourcedId"}]},
        "files.0.name",
        "string_too_long",
    ),
    ("upsertSection", lambda s: section(s, name=LONG), "name", "string_too_long"),
    ("upsertSection", lambda s: section(s, subject="read\x00ing"), "subject", "valid_text"),
    ("upsertSection", lambda s: section(s, timeZone="Mars/Olympus_Mons"), "time_zone", "iana_zone"),
    (
        "enrolStudent",
        lambda s: {
            "section": s.room.section_id,
            "student": s.student_id,
            "zone": "Europe/Atlantis",
        },
        "time_zone",
        "iana_zone",
    ),
    (
        "enrolStudent",
        lambda s: {"section": s.room.section_id, "student": s.student_id, "zone": "UTC\x00"},
        "time_zone",
        "valid_text",
    ),
    (
        "enrolStudent",
        lambda s: {"section": s.room.section_id, "student": s.student_id, "zone": LONG},
        "time_zone",
        "string_too_long",
    ),
    ("createLesson", lambda s: lesson(title=LONG), "title", "max_length"),
    ("createLesson", lambda s: lesson(summary=LONG), "summary", "max_length"),
    ("createLesson", lambda s: lesson(title="Theme\x00"), "title", "valid_text"),
    ("scheduleLiveSession", lambda s: session(s, startsAt=YEAR_1), "starts_at", "in_range"),
    ("scheduleLiveSession", lambda s: session(s, endsAt=YEAR_9999), "ends_at", "in_range"),
    (
        "scheduleLiveSession",
        lambda s: session(s, timeZone="Mars/Olympus_Mons"),
        "time_zone",
        "iana_zone",
    ),
    ("scheduleLiveSession", lambda s: session(s, title=LONG), "title", "string_too_long"),
    ("scheduleLiveSession", lambda s: session(s, title="Seminar\x00"), "title", "valid_text"),
    ("checkIn", lambda s: {"session": s.session_id, "note": LONG}, "note", "max_length"),
    ("checkIn", lambda s: {"session": s.session_id, "note": "a tithe?\x00"}, "note", "valid_text"),
    (
        "joinSession",
        lambda s: {"session": s.session_id, "event": LONG},
        "client_event_id",
        "valid_id",
    ),
    (
        "leaveSession",
        lambda s: {"session": s.session_id, "event": ""},
        "client_event_id",
        "valid_id",
    ),
    (
        "joinSession",
        lambda s: {"session": s.session_id, "event": "e1\x00"},
        "client_event_id",
        "valid_text",
    ),
    ("submitPulse", lambda s: pulse(comment=LONG), "comment", "max_length"),
    ("submitPulse", lambda s: pulse(comment="Wifi\x00"), "comment", "valid_text"),
    ("submitPulse", lambda s: pulse(week="2026-W99"), "week", "iso_week"),
    ("submitPulse", lambda s: pulse(week="2001-W01"), "week", "current_week"),
    ("submitPulse", lambda s: pulse(week="../checkins"), "week", "valid_id"),
    # Checked before the task is looked up: the seeded classroom has none (the session's raw id
    # names none).
    (
        "reportProgress",
        lambda s: {"task": raw_of("LiveSession", s.session_id), "event": "e1", "at": YEAR_9999},
        "occurred_at",
        "not_in_future",
    ),
    (
        "reportProgress",
        lambda s: {
            "task": raw_of("LiveSession", s.session_id),
            "event": LONG,
            "at": YEAR_1,
            "spent": -1,
        },
        "time_spent_seconds",
        "in_range",
    ),
    # A global id of another type than the argument names is refused before anything runs.
    (
        "reportProgress",
        lambda s: {"task": s.session_id, "event": "e1", "at": YEAR_1},
        "taskId",
        "id_type",
    ),
    ("checkIn", lambda s: {"session": s.lesson_id, "note": "Lost"}, "sessionId", "id_type"),
    (
        "openPrompt",
        lambda s: {"session": s.session_id, "question": LONG, "options": ["a", "b"]},
        "question",
        "max_length",
    ),
    (
        "openPrompt",
        lambda s: {"session": s.session_id, "question": "Which?\x00", "options": ["a", "b"]},
        "question",
        "valid_text",
    ),
    (
        "openPrompt",
        lambda s: {"session": s.session_id, "question": "Which?", "options": ["a"] * 500},
        "options",
        "count",
    ),
    (
        "openPrompt",
        lambda s: {"session": s.session_id, "question": "Which?", "options": ["a", "\x1b[2J"]},
        "options.1",
        "printable",
    ),
    ("askQuestion", lambda s: {"session": s.session_id, "text": LONG}, "text", "max_length"),
    ("askQuestion", lambda s: {"session": s.session_id, "text": "Why?\x00"}, "text", "valid_text"),
    ("askQuestion", lambda s: {"session": s.session_id, "text": " "}, "text", "required"),
    ("answerQuestion", lambda s: {"question": "q", "text": LONG}, "text", "max_length"),
    ("answerQuestion", lambda s: {"question": "q", "text": None}, "text", "required"),
    (
        "writeNote",
        lambda s: {"input": {"studentId": s.student_id, "text": LONG, "sessionId": s.session_id}},
        "text",
        "max_length",
    ),
    (
        "writeNote",
        lambda s: {"input": {"studentId": s.student_id, "text": "Good", "at": YEAR_9999}},
        "task_id",
        "one_of",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "variables", "field", "rule"),
    HOSTILE,
    ids=[f"{mutation} {field} {rule}" for mutation, _, field, rule in HOSTILE],
)
async def test_a_hostile_write_is_invalid_input_naming_the_field_and_rule(
    seeded: Seeded,
    mutation: str,
    variables: Callable[[Seeded], dict[str, object]],
    field: str,
    rule: str,
) -> None:
    client = seeded.client_for(mutation)
    result = (await client.run(WRITES[mutation], **variables(seeded)))[mutation]
    assert result["__typename"] == "InvalidInput", result
    assert {"field": field, "rule": rule} in result["errors"], result


@pytest.mark.parametrize(
    "bounds", [{"from": YEAR_1}, {"to": YEAR_9999}], ids=["from year 1", "to year 9999"]
)
async def test_a_feed_between_dates_out_of_range_is_invalid_input(
    seeded: Seeded, bounds: dict[str, str]
) -> None:
    feed = """query($student: ID, $from: DateTime, $to: DateTime) {
      feed(studentId: $student, from: $from, to: $to) { edges { cursor } } }"""
    body = await answer_with(seeded.room.teacher, feed, {"student": seeded.student_id, **bounds})
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_INPUT"], body
