"""Groups of a section's students through GraphQL only: a teacher names a group of two of the
section's three students and gives it work, which only those two see; students never see a
section's groups; bad names, strangers and both audiences at once are refused by field and
rule, and change nothing (ADR 0031)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bookend.auth import Role
from tests.e2e.classroom import ENROL, Classroom, published_lesson
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import gid
from tests.support.polling import eventually

GROUP_FIELDS = """__typename ... on Group { id sectionId name studentIds }
  ... on InvalidInput { errors { field rule } } ... on UserError { code }"""
CREATE = f"""mutation($section: ID!, $name: String!, $students: [ID!]!) {{
  createGroup(sectionId: $section, name: $name, studentIds: $students) {{ {GROUP_FIELDS} }} }}"""
UPDATE = f"""mutation($id: ID!, $name: String!, $students: [ID!]!) {{
  updateGroup(id: $id, name: $name, studentIds: $students) {{ {GROUP_FIELDS} }} }}"""
DELETE = f"""mutation($id: ID!) {{ deleteGroup(id: $id) {{ {GROUP_FIELDS} }} }}"""
GROUPS = """query($section: ID!) { sectionGroups(sectionId: $section) {
  nodes { id name studentIds } } }"""
TASK = """mutation($input: AssignTaskInput!) { assignTask(input: $input) {
  __typename ... on Task { id groupId studentIds } ... on InvalidInput { errors { field rule } }
  ... on UserError { code message } } }"""
FEED = """query { feed(first: 100) { edges { node { id } } } }"""
COMPONENTS = """query($id: ID!) { lesson(id: $id) { components { id kind } } }"""


async def on_demand_component(room: Classroom, lesson: str) -> str:
    components = (await room.teacher.run(COMPONENTS, id=lesson))["lesson"]["components"]
    return str(next(c["id"] for c in components if c["kind"] == "AUTONOMY"))


async def viewer_id(client: Client) -> str:
    return str((await client.run("{ viewer { id } }"))["viewer"]["id"])


async def third_student(room: Classroom) -> tuple[str, Client]:
    """A third student of the room's section, besides the Chicago and Los Angeles ones."""
    assert room.make is not None
    student_id = f"{room.chicago_student_id}-third"
    await room.admin.run(ENROL, section=room.section_id, student=student_id, zone="America/Chicago")
    return student_id, room.make(student_id, Role.STUDENT, sections=frozenset({room.section_id}))


async def create(room: Classroom, name: str, students: list[str]) -> Data:
    answer: Data = (
        await room.teacher.run(CREATE, section=room.section_id, name=name, students=students)
    )["createGroup"]
    return answer


async def groups(room: Classroom) -> list[Data]:
    groups = (await room.teacher.run(GROUPS, section=room.section_id))["sectionGroups"]
    listed: list[Data] = groups["nodes"]
    return listed


def broken(answer: Data) -> list[tuple[str, str]]:
    return [(e["field"], e["rule"]) for e in answer["errors"]]


async def test_work_for_a_group_reaches_its_two_members_and_not_the_third_student(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    third_id, third = await third_student(room)
    la_id = await viewer_id(room.la_student)
    group = await create(room, "Needs support", [room.chicago_student_id, third_id])
    assert group["__typename"] == "Group", group
    members = [gid("Person", room.chicago_student_id), gid("Person", third_id)]
    assert (group["sectionId"], group["name"], group["studentIds"]) == (
        gid("Section", room.section_id),
        "Needs support",
        members,
    )
    lesson = await published_lesson(room.teacher)
    opens = (datetime.now(ZoneInfo("America/Chicago")) + timedelta(days=7)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    wanted = {
        "sectionId": room.section_id,
        "lessonId": lesson,
        "componentId": await on_demand_component(room, lesson),
        "opens": {"at": opens.isoformat()},
        "due": {"at": (opens + timedelta(days=2)).isoformat()},
        "groupId": group["id"],
    }
    both = (await room.teacher.run(TASK, input=wanted | {"studentIds": [la_id]}))["assignTask"]
    assert (both["__typename"], broken(both)) == ("InvalidInput", [("group_id", "one_audience")])
    task = (await room.teacher.run(TASK, input=wanted))["assignTask"]
    assert task == {
        "__typename": "Task",
        "id": task["id"],
        "groupId": group["id"],
        "studentIds": members,
    }

    async def seen_by(client: Client) -> bool:
        edges = (await client.run(FEED))["feed"]["edges"]
        return task["id"] in {edge["node"]["id"] for edge in edges}

    async def both_members_see_it() -> bool | None:
        return (await seen_by(room.chicago_student) and await seen_by(third)) or None

    await eventually(both_members_see_it)
    assert not await seen_by(room.la_student)
    # Joining the group later brings none of its earlier work.
    joined = (
        await room.teacher.run(
            UPDATE, id=group["id"], name="Needs support", students=[room.chicago_student_id, la_id]
        )
    )["updateGroup"]
    assert joined["studentIds"] == [gid("Person", room.chicago_student_id), la_id], joined
    assert not await seen_by(room.la_student)
    deleted = (await room.teacher.run(DELETE, id=group["id"]))["deleteGroup"]
    assert deleted["__typename"] == "Group"
    assert await groups(room) == []
    assert await seen_by(third)  # work given stays given


async def test_students_never_see_a_sections_groups(client_for: ClientFor) -> None:
    room = await make_classroom(client_for)
    group = await create(room, "Needs support", [room.chicago_student_id])
    assert group["__typename"] == "Group", group
    for student in (room.chicago_student, room.la_student, room.guardian):
        refused = await student.raw(GROUPS, section=room.section_id)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "Needs support" not in str(refused)
    changed = (await room.chicago_student.run(UPDATE, id=group["id"], name="Mine", students=[]))[
        "updateGroup"
    ]
    assert changed == {"__typename": "Forbidden", "code": "FORBIDDEN"}
    assert [g["name"] for g in await groups(room)] == ["Needs support"]


async def test_bad_names_and_strangers_are_refused_by_field_and_rule(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    la_id = await viewer_id(room.la_student)
    other_id = await viewer_id(room.other_student)  # of the room's other section
    first = await create(room, "Needs support", [room.chicago_student_id])
    assert first["__typename"] == "Group", first
    for name, students, rules in (
        ("NEEDS support", [la_id], [("name", "unique_in_section")]),
        ("   ", [la_id], [("name", "not_blank")]),
        ("x" * 81, [la_id], [("name", "max_length")]),
        ("Strangers", [la_id, other_id], [("student_ids", "enrolled")]),
        ("No one", [], [("student_ids", "not_empty")]),
    ):
        refused = await create(room, name, students)
        assert refused["__typename"] == "InvalidInput", refused
        assert broken(refused) == rules
    renamed = (await room.teacher.run(UPDATE, id="group-nowhere", name="Any", students=[la_id]))[
        "updateGroup"
    ]
    assert renamed == {"__typename": "NotFound", "code": "GROUP_NOT_FOUND"}
    assert [g["name"] for g in await groups(room)] == ["Needs support"]
