"""Feed reads kept by the gateway (ADR 0017): answered from memory until the feed changes, never
another reader's, and 304 for a client that holds the answer."""

from __future__ import annotations

import httpx

from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.classroom import published_lesson, schedule
from tests.e2e.client import Client, ClientFor
from tests.support.polling import eventually

FEED = "query($s: ID) { feed(first: 50, studentId: $s) { edges { node { id kind status } } } }"


async def read(client: Client, etag: str | None = None, **variables: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {client.token}"}
    if etag is not None:
        headers["If-None-Match"] = etag
    body = {"query": FEED, "variables": variables}
    return await client.http.post(client.url, json=body, headers=headers)


def ids(answer: httpx.Response) -> set[str]:
    return {edge["node"]["id"] for edge in answer.json()["data"]["feed"]["edges"]}


async def test_a_kept_feed_is_read_again_once_a_session_reaches_it(client_for: ClientFor) -> None:
    room = await make_classroom(client_for)
    student = room.chicago_student
    first, second = await read(student), await read(student)
    assert (first.headers["bookend-cache"], second.headers["bookend-cache"]) == ("miss", "hit")
    assert ids(first) == ids(second) == set()
    assert (await read(student, etag=second.headers["etag"])).status_code == 304

    session = await schedule(room.teacher, room.section_id, await published_lesson(room.teacher))
    expected = {session["id"], *(task["id"] for task in session["tasks"])}

    async def changed() -> httpx.Response | None:
        answer = await read(student, etag=second.headers["etag"])
        return answer if answer.status_code == 200 else None

    assert ids(await eventually(changed)) == expected
    assert (await read(student)).headers["bookend-cache"] == "hit"
    # Others reading with the same document get their own answers: a classmate the session,
    # a student of another section nothing.
    for _ in range(2):
        assert ids(await read(room.la_student)) == expected
        assert ids(await read(room.other_student)) == set()
