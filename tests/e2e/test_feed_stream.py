"""A student's feed kept current over a WebSocket: subscribed, the student gets their feed's first
page; once their teacher schedules a session, the page again with the session and its bookend
work in it; their guardian, following the child's feed, gets the same; a classmate in another
section gets nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import ClientFor, Data
from tests.support.polling import eventually

UPDATES = """subscription($student: ID) { feedUpdates(first: 50, studentId: $student) {
  studentId feed { nodes { id kind sessionId } pageInfo { hasNextPage } } } }"""


def session_items(update: Data, session_id: str) -> list[str]:
    nodes = update["feedUpdates"]["feed"]["nodes"]
    return sorted(node["kind"] for node in nodes if node["sessionId"] == session_id)


async def showing(next_update: Callable[[], Awaitable[Data]], session_id: str) -> list[str]:
    """The kinds of the session's items in the first page that shows the session."""

    async def seen() -> list[str] | None:
        payload = await next_update()
        assert not payload.get("errors"), payload
        return session_items(payload["data"], session_id) or None

    return await eventually(seen, seconds=60)


async def test_a_scheduled_session_reaches_the_students_and_guardians_feed_streams(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    lesson_id = await published_lesson(room.teacher)
    student = room.chicago_student
    async with (
        student.subscribe(UPDATES) as student_updates,
        room.guardian.subscribe(UPDATES, student=room.chicago_student_id) as guardian_updates,
        room.other_student.subscribe(UPDATES) as other_updates,
    ):
        for updates in (student_updates, guardian_updates, other_updates):
            first = await updates()
            assert not first.get("errors"), first
        session_id = (await schedule(room.teacher, room.section_id, lesson_id))["id"]
        kinds = await showing(student_updates, session_id)
        assert "LIVE_SESSION" in kinds, kinds
        assert await showing(guardian_updates, session_id) == kinds
        # The classmate in the other section hears nothing of it.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(3):
                await other_updates()
