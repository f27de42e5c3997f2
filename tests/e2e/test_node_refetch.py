"""Global ids on the real stack (ADR 0049), as a client holding them uses them: a teacher's
session, taken from their sections' listing, fetched again by `node` as it was listed; its
section's id passed back where a section's id is taken; `nodes` answering each id in order,
with each refusal at its index; and an id of the wrong type refused by name, changing nothing."""

from __future__ import annotations

import uuid

from bookend.auth import Role
from tests.e2e.classroom import SCHEDULE, published_lesson, schedule, session_input
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import gid, raw_of

SESSION_FIELDS = "id sectionId lessonId title status startsAt endsAt timeZone seriesId"
TAUGHT = f"""{{ me {{ teacher {{ sections(first: 100) {{ nodes {{ section {{ id name }}
  sessions(first: 100) {{ nodes {{ {SESSION_FIELDS} tasks {{ id }} }} }} }} }} }} }} }}"""
NODE = f"""query($id: ID!) {{ node(id: $id) {{ __typename
  ... on LiveSession {{ {SESSION_FIELDS} }} }} }}"""
NODES = f"""query($ids: [ID!]!) {{ nodes(ids: $ids) {{ __typename id
  ... on LiveSession {{ {SESSION_FIELDS} }} ... on Section {{ name }} }} }}"""
SESSION = f"""query($id: ID!) {{ session(id: $id) {{ {SESSION_FIELDS} }} }}"""
SECTION_SESSIONS = """query($section: ID!) { sectionSessions(sectionId: $section, first: 100) {
  totalCount nodes { id title startsAt } pageInfo { hasNextPage endCursor } } }"""


def codes(body: Data, path: list[str | int]) -> list[str]:
    """The codes of a response's errors at `path`."""
    return [
        error["extensions"]["code"]
        for error in body.get("errors") or []
        if error.get("path") == path
    ]


def far_away(client_for: ClientFor, far: str) -> ClientFor:
    """Makes clients of the district `far`, as `client_for` makes them of the default one."""

    def make(
        subject: str,
        *roles: Role,
        district: str = far,
        sections: frozenset[str] = frozenset(),
        children: frozenset[str] = frozenset(),
        zone: str = "UTC",
    ) -> Client:
        return client_for(
            subject, *roles, district=district, sections=sections, children=children, zone=zone
        )

    return make


async def taught_session(teacher: Client, section_id: str) -> tuple[Data, Data]:
    """The teacher's listing of a section of theirs, and its one session, as listed."""
    sections = (await teacher.run(TAUGHT))["me"]["teacher"]["sections"]["nodes"]
    [taught] = [s for s in sections if s["section"]["id"] == gid("Section", section_id)]
    [session] = taught["sessions"]["nodes"]
    return taught, session


async def test_a_listed_session_is_fetched_again_by_node_as_it_was_listed(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    scheduled = await schedule(room.teacher, room.section_id, lesson)
    _, listed = await taught_session(room.teacher, room.section_id)
    assert raw_of("LiveSession", listed["id"]) == raw_of("LiveSession", scheduled["id"])
    assert (listed["id"], listed["sectionId"], listed["lessonId"]) == (
        scheduled["id"],
        gid("Section", room.section_id),
        lesson,
    )

    again = (await room.teacher.run(NODE, id=listed["id"]))["node"]
    fields = {name: value for name, value in listed.items() if name != "tasks"}
    assert again == {"__typename": "LiveSession", **fields}
    # As the type's own query answers it, for a student of the section too.
    own = (await room.chicago_student.run(SESSION, id=listed["id"]))["session"]
    assert (await room.chicago_student.run(NODE, id=listed["id"]))["node"] == {
        "__typename": "LiveSession",
        **own,
    }

    # The section's id as answered is taken back where a section's id is taken: the same page
    # as with the section's raw id.
    by_answered = await room.teacher.run(SECTION_SESSIONS, section=listed["sectionId"])
    by_raw = await room.teacher.run(SECTION_SESSIONS, section=room.section_id)
    assert by_answered == by_raw
    assert [s["id"] for s in by_answered["sectionSessions"]["nodes"]] == [listed["id"]]


async def test_nodes_answers_each_id_in_order_with_each_refusal_at_its_index(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    mine = await schedule(room.teacher, room.section_id, lesson)
    far = await make_classroom(far_away(client_for, f"district-far-{uuid.uuid4().hex[:8]}"))
    theirs = await schedule(far.teacher, far.section_id, await published_lesson(far.teacher))
    task = mine["tasks"][0]["id"]  # a task is listed by its session, not fetched by `node`
    section = gid("Section", room.section_id)
    other_section = gid("Section", room.other_section_id)
    asked = [mine["id"], theirs["id"], task, section, room.section_id, other_section]

    body = await room.teacher.raw(NODES, ids=asked)
    answers = body["data"]["nodes"]
    assert len(answers) == len(asked)
    assert answers[0] == {
        "__typename": "LiveSession",
        **(await room.teacher.run(SESSION, id=mine["id"]))["session"],
    }
    assert answers[3] == {"__typename": "Section", "id": section, "name": "Reading 8"}
    assert answers[5] == {"__typename": "Section", "id": other_section, "name": "Reading 8"}
    assert [answers[1], answers[2], answers[4]] == [None, None, None]

    # Another district's session: refused as `session(id:)` refuses it to this teacher.
    own_refusal = await room.teacher.raw(SESSION, id=theirs["id"])
    assert codes(body, ["nodes", 1]) == codes(own_refusal, ["session"]) != []
    assert (await room.teacher.raw(NODE, id=theirs["id"]))["data"] == {"node": None}
    # A task's id and a raw id name nothing `node` fetches: refused naming the index.
    for index in (2, 4):
        [error] = [e for e in body["errors"] if e.get("path") == ["nodes", index]]
        assert error["extensions"]["code"] == "INVALID_INPUT", error
        assert [(e["field"], e["rule"]) for e in error["extensions"]["errors"]] == [
            (f"ids.{index}", "node_id")
        ]
    assert {tuple(e["path"]) for e in body["errors"]} == {("nodes", 1), ("nodes", 2), ("nodes", 4)}

    # The far district's own teacher reads theirs; a student of the other section not ours.
    assert (await far.teacher.run(NODE, id=theirs["id"]))["node"]["id"] == theirs["id"]
    refused = await room.other_student.raw(NODE, id=mine["id"])
    assert (
        codes(refused, ["node"])
        == codes(await room.other_student.raw(SESSION, id=mine["id"]), ["session"])
        != []
    )


async def test_an_id_of_the_wrong_type_in_an_input_is_refused_by_name_and_writes_nothing(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson = await published_lesson(room.teacher)
    await schedule(room.teacher, room.section_id, lesson)  # the scheduler knows the lesson
    before = await room.teacher.run(SECTION_SESSIONS, section=room.section_id)

    # The lesson's id where the section's is wanted, and the section's where the lesson's is.
    for wrong, field, wanted, found in (
        ({"sectionId": lesson}, "input.sectionId", "Section", "Lesson"),
        ({"lessonId": gid("Section", room.section_id)}, "input.lessonId", "Lesson", "Section"),
    ):
        attempt = session_input(room.section_id, lesson) | wrong
        refused = (await room.teacher.run(SCHEDULE, input=attempt))["scheduleLiveSession"]
        assert refused["__typename"] == "InvalidInput", refused
        assert refused["code"] == "INVALID_INPUT"
        [error] = refused["errors"]
        assert (error["field"], error["rule"]) == (field, "id_type")
        assert wanted in error["message"] and found in error["message"]

    assert await room.teacher.run(SECTION_SESSIONS, section=room.section_id) == before
