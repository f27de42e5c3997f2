"""The whole Bookend loop through GraphQL: lesson, bookended session, feeds, live check-ins."""

from __future__ import annotations

import re
from datetime import datetime

from bookend.auth import Role
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import Client, ClientFor, Data
from tests.support.global_ids import raw_of
from tests.support.polling import eventually

FEED = """query($first: Int!, $after: String, $student: ID) {
  feed(first: $first, after: $after, studentId: $student) {
    timeZone pageInfo { hasNextPage endCursor }
    edges { cursor node { id kind title status sessionId actionableAt timeZone
      ... on LiveSessionItem { startsAt endsAt }
      ... on TaskItem { bookend opensAt dueAt } } } } }"""
SESSION_EVENTS = """subscription($id: ID!) { sessionEvents(sessionId: $id) {
  __typename
  ... on SessionStatusChanged { status }
  ... on CheckInReceived { checkIn { studentId signal note } } } }"""
START = """mutation($id: ID!) {
  startSession(id: $id) { __typename ... on LiveSession { status } } }"""
END = """mutation($id: ID!) {
  endSession(id: $id) { __typename ... on LiveSession { status } } }"""
CHECK_IN = """mutation($id: ID!, $signal: CheckInSignal!, $note: String) {
  checkIn(sessionId: $id, signal: $signal, note: $note) {
    __typename ... on CheckIn { id signal } ... on UserError { code message } } }"""
SESSION = """query($id: ID!) { session(id: $id) {
  title lesson { title components { kind modeFit } } } }"""
CHANNEL = """query($id: ID!) {
  liveChannel(sessionId: $id) { status counts { gotIt unsure lost } } }"""


async def whole_feed(client: Client, student: str | None = None) -> list[Data]:
    """Walk every page with Relay cursors."""
    nodes: list[Data] = []
    after = None
    while True:
        page = (await client.run(FEED, first=2, after=after, student=student))["feed"]
        nodes += [edge["node"] for edge in page["edges"]]
        if page["edges"]:  # each edge's cursor resumes after it; the last one is the page's end
            assert page["edges"][-1]["cursor"] == page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def instant(text: str) -> datetime:
    """An instant as the API writes them: ISO 8601 to the millisecond, with an offset."""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", text), text
    return datetime.fromisoformat(text)


async def test_a_scheduled_session_reaches_each_student_bookended_in_their_own_zone(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session = await schedule(room.teacher, room.section_id, lesson_id)

    bookends = {task["bookend"] for task in session["tasks"]}
    assert bookends == {"PRE_WORK", "FOLLOW_UP"}
    viewed = (await room.la_student.run(SESSION, id=session["id"]))["session"]
    assert viewed["lesson"]["title"] == "Novel discussion: philosophies of human nature"
    # Mode fit defaults from the kind: discussion is live, the rest on-demand.
    assert [c["modeFit"] for c in viewed["lesson"]["components"]] == [
        "ON_DEMAND",
        "ON_DEMAND",
        "LIVE",
        "ON_DEMAND",
    ]

    chicago = await whole_feed(room.chicago_student)
    los_angeles = await whole_feed(room.la_student)
    for feed, offset in ((chicago, "-06:00"), (los_angeles, "-08:00")):
        live = [item for item in feed if item["kind"] == "LIVE_SESSION"]
        assert [item["id"] for item in live] == [session["id"]]
        assert [item["sessionId"] for item in live] == [session["id"]]
        starts, ends = instant(live[0]["startsAt"]), instant(live[0]["endsAt"])
        pre_work = [item for item in feed if item.get("bookend") == "PRE_WORK"]
        follow_up = [item for item in feed if item.get("bookend") == "FOLLOW_UP"]
        assert {item["title"] for item in pre_work} == {
            "Pre-reading: Hobbes and Rousseau",
            "Annotating an argument",
        }
        assert [item["title"] for item in follow_up] == ["Plan your essay"]
        assert all(instant(item["dueAt"]) == starts for item in pre_work)
        assert all(instant(item["opensAt"]) == ends for item in follow_up)
        # Written in each viewer's zone, their token's (November: standard time).
        assert live[0]["startsAt"].endswith(offset)
        assert all(item["dueAt"].endswith(offset) for item in pre_work)
        actionable = [instant(item["actionableAt"]) for item in feed]
        assert actionable == sorted(actionable)

    assert chicago[0]["timeZone"] == "America/Chicago"
    assert los_angeles[0]["timeZone"] == "America/Los_Angeles"
    assert await whole_feed(room.other_student) == []
    child_id = (await room.chicago_student.run("{ viewer { id } }"))["viewer"]["id"]
    guardian_view = await whole_feed(room.guardian, student=child_id)
    assert [item["id"] for item in guardian_view] == [item["id"] for item in chicago]
    # A guardian abroad reads the same moments in their own zone; the child's stays named.
    assert room.make is not None
    # A token's claims hold the identity provider's ids: raw, not the API's.
    children = frozenset({raw_of("Person", child_id)})
    abroad = room.make("guardian-abroad", Role.GUARDIAN, children=children, zone="Asia/Tokyo")
    from_tokyo = await whole_feed(abroad, student=child_id)
    assert [instant(item["actionableAt"]) for item in from_tokyo] == [
        instant(item["actionableAt"]) for item in chicago
    ]
    assert all(item["actionableAt"].endswith("+09:00") for item in from_tokyo)
    assert {item["timeZone"] for item in from_tokyo} == {"America/Chicago"}


async def test_a_teacher_sees_check_ins_live_and_the_channel_closes_when_the_session_ends(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    session_id = (await schedule(room.teacher, room.section_id, lesson_id))["id"]

    refused = (await room.chicago_student.run(CHECK_IN, id=session_id, signal="GOT_IT"))["checkIn"]
    assert refused["code"] == "SESSION_NOT_LIVE"

    async with room.teacher.subscribe(SESSION_EVENTS, id=session_id) as next_event:
        first = (await next_event())["data"]["sessionEvents"]
        assert first == {"__typename": "SessionStatusChanged", "status": "SCHEDULED"}
        started = (await room.teacher.run(START, id=session_id))["startSession"]
        assert started == {"__typename": "LiveSession", "status": "LIVE"}
        assert (await next_event())["data"]["sessionEvents"]["status"] == "LIVE"

        async def checked_in() -> Data | None:
            result: Data = (
                await room.chicago_student.run(
                    CHECK_IN, id=session_id, signal="UNSURE", note="What did Hobbes mean?"
                )
            )["checkIn"]
            if result["__typename"] == "CheckIn":
                return result
            assert result["code"] == "SESSION_NOT_LIVE"
            return None

        # The feedback service opens the channel when it hears the session started.
        await eventually(checked_in)

        received = (await next_event())["data"]["sessionEvents"]
        assert received["__typename"] == "CheckInReceived"
        assert received["checkIn"]["signal"] == "UNSURE"
        assert received["checkIn"]["note"] == "What did Hobbes mean?"

        ended = (await room.teacher.run(END, id=session_id))["endSession"]
        assert ended["status"] == "ENDED"
        assert (await next_event())["data"]["sessionEvents"]["status"] == "ENDED"

    async def channel_closed() -> bool:
        channel = (await room.teacher.run(CHANNEL, id=session_id))["liveChannel"]
        return bool(channel["status"] == "CLOSED")

    # The feedback service closes the channel once it hears the session ended; that happens in
    # another process, so there is no local event to await and polling is the only way to see it.
    await eventually(channel_closed)
    late = (await room.la_student.run(CHECK_IN, id=session_id, signal="LOST"))["checkIn"]
    assert late["code"] == "SESSION_NOT_LIVE"
    counts = (await room.teacher.run(CHANNEL, id=session_id))["liveChannel"]["counts"]
    assert counts == {"gotIt": 0, "unsure": 1, "lost": 0}
