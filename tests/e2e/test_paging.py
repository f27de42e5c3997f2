"""Every list that can grow pages the same way through GraphQL: Relay cursors going forward,
a complete pageInfo, and a page size of 1 to 100 refused otherwise before any service reads."""

from __future__ import annotations

import pytest

from bookend.auth import Role
from tests.e2e.classroom import (
    CREATE_LESSON,
    LESSON,
    published_lesson,
    schedule,
)
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import Client, ClientFor, Data
from tests.support.polling import eventually

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
FEED = f"""query($first: Int!, $after: String) {{ feed(first: $first, after: $after) {{
  nodes {{ id }} edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}"""
LESSONS = f"""query($first: Int!, $after: String) {{ lessons(first: $first, after: $after) {{
  nodes {{ id }} edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}"""

# Each connection of the API, asked for with `first` as a variable; the ids need not exist,
# since the page size is checked before anything is read.
CONNECTIONS = {
    "feed": 'query($first: Int!) { feed(first: $first, studentId: "s") { nodes { id } } }',
    "lessons": "query($first: Int!) { lessons(first: $first) { nodes { id } } }",
    "curricula": "query($first: Int!) { curricula(first: $first) { nodes { id } } }",
    "notes": 'query($first: Int!) { notes(first: $first, studentId: "s") { nodes { id } } }',
    "balanceProposals": """query($first: Int!) {
        balanceProposals(sectionId: "sec", first: $first) { nodes { id } } }""",
    "lessonRecordings": """query($first: Int!) {
        lessonRecordings(lessonId: "l", first: $first) { nodes { id } } }""",
    "schools": "query($first: Int!) { schools(first: $first) { nodes { id } } }",
    "terms": 'query($first: Int!) { terms(schoolId: "s", first: $first) { nodes { id } } }',
    "sections": "query($first: Int!) { sections(first: $first) { nodes { id } } }",
    "sectionStudents": """query($first: Int!) {
        sectionStudents(sectionId: "sec", first: $first) { nodes { id } } }""",
    "sectionGroups": """query($first: Int!) {
        sectionGroups(sectionId: "sec", first: $first) { nodes { id } } }""",
    "sectionSessions": """query($first: Int!) {
        sectionSessions(sectionId: "sec", first: $first) { nodes { id } } }""",
    "calendarLinks": "query($first: Int!) { calendarLinks(first: $first) { nodes { id } } }",
    "checkIns": 'query($first: Int!) { checkIns(sessionId: "s", first: $first) { nodes { id } } }',
    "taskProgress": """query($first: Int!) {
        taskProgress(taskId: "t", first: $first) { nodes { studentId } } }""",
    "sessionPrompts": """query($first: Int!) {
        sessionPrompts(sessionId: "s", first: $first) { nodes { id } } }""",
    "promptAnswers": """query($first: Int!) {
        promptAnswers(promptId: "p", first: $first) { nodes { studentId } } }""",
    "sessionQuestions": """query($first: Int!) {
        sessionQuestions(sessionId: "s", first: $first) { nodes { id } } }""",
}


@pytest.mark.parametrize("first", [0, 101], ids=["none", "over 100"])
@pytest.mark.parametrize("field", sorted(CONNECTIONS))
async def test_a_page_size_out_of_range_is_refused_naming_first(
    client_for: ClientFor, field: str, first: int
) -> None:
    teacher = client_for("teacher-paging", Role.TEACHER, sections=frozenset({"sec"}))
    body = await teacher.raw(CONNECTIONS[field], first=first)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "first: must be between 1 and 100"
    assert error["path"] == [field]
    assert error["extensions"] == {
        "code": "INVALID_INPUT",
        "errors": [{"field": "first", "rule": "in_range", "message": "must be between 1 and 100"}],
    }


async def pages(
    client: Client, document: str, field: str, first: int, **variables: object
) -> list[Data]:
    """Every page of a connection, read forward with each page's end cursor."""
    found: list[Data] = []
    after = None
    while True:
        page: Data = (await client.run(document, first=first, after=after, **variables))[field]
        found.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def check_page_info(read: list[Data]) -> None:
    """Only the first page has none before it; each page starts at its first edge's cursor and
    ends at its last one's; nodes are the edges' nodes, in order."""
    for number, page in enumerate(read):
        info, edges = page["pageInfo"], page["edges"]
        assert info["hasPreviousPage"] is (number > 0), (number, info)
        assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
        assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
        assert page["nodes"] == [edge["node"] for edge in edges]


async def test_a_students_feed_read_one_item_at_a_time_has_complete_page_info(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session = await schedule(room.teacher, room.section_id, lesson_id)
    expected = {session["id"], *(task["id"] for task in session["tasks"])}

    async def whole_feed() -> list[Data] | None:
        read = await pages(room.chicago_student, FEED, "feed", first=1)
        ids = {node["id"] for page in read for node in page["nodes"]}
        return read if expected <= ids else None

    read = await eventually(whole_feed)  # the feed learns the session from its events
    assert len(read) >= len(expected)
    check_page_info(read)


async def test_lessons_read_two_at_a_time_have_complete_page_info(client_for: ClientFor) -> None:
    author = client_for("teacher-paging-lessons", Role.TEACHER)
    for _ in range(3):
        created = (await author.run(CREATE_LESSON, input=LESSON))["createLesson"]
        assert created["__typename"] == "Lesson", created
    read = await pages(author, LESSONS, "lessons", first=2)
    assert len(read) >= 2
    check_page_info(read)
    ids = [node["id"] for page in read for node in page["nodes"]]
    assert len(ids) == len(set(ids))  # forward only: no item twice


SESSIONS = f"""query($section: ID!, $first: Int!, $after: String) {{
  sectionSessions(sectionId: $section, first: $first, after: $after) {{ totalCount
    nodes {{ id startsAt }} edges {{ cursor node {{ id startsAt }} }} {PAGE_INFO} }} }}"""
STUDENTS = f"""query($section: ID!, $first: Int!, $after: String) {{
  sectionStudents(sectionId: $section, first: $first, after: $after) {{
    nodes {{ id }} edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}"""


async def test_a_sections_sessions_read_one_at_a_time_come_once_each_by_start(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    scheduled = [await schedule(room.teacher, room.section_id, lesson_id) for _ in range(3)]
    read = await pages(room.teacher, SESSIONS, "sectionSessions", 1, section=room.section_id)
    check_page_info(read)
    listed = [node for page in read for node in page["nodes"]]
    by_start = sorted(scheduled, key=lambda s: (s["startsAt"], s["id"]))
    assert [s["id"] for s in listed] == [s["id"] for s in by_start]
    assert {page["totalCount"] for page in read} == {3}


async def test_a_sections_students_page_one_at_a_time_and_a_cursor_not_ours_is_refused(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    read = await pages(room.admin, STUDENTS, "sectionStudents", 1, section=room.section_id)
    check_page_info(read)
    assert [len(page["nodes"]) for page in read] == [1, 1]
    bad = await room.admin.raw(STUDENTS, section=room.section_id, first=1, after="not ours")
    [error] = bad["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert [(e["field"], e["rule"]) for e in error["extensions"]["errors"]] == [("after", "cursor")]
