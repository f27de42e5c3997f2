"""The feed-updates subscription over stubbed services: the first page when subscribed, the
page again when the student's feed changed (once for a burst), nothing for another student's
or another district's change, a guardian's child's feed by its id, and the scheduler's refusal
ending the stream before anything is sent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bookend.auth import Principal, Role
from bookend.contracts import new_event
from bookend.contracts.scheduler import FeedItemStatus, FeedsChanged
from bookend.problems import Problem, ProblemKind
from gateway.hub import Broadcast
from tests.gateway.feeds import a_page, a_task
from tests.gateway.stubs import StubServices
from tests.gateway.unit.test_session_stream import close, subscribe
from tests.support.global_ids import gid

pytestmark = pytest.mark.unit

UPDATES = """subscription { feedUpdates(first: 5) { studentId
  feed { timeZone nodes { id status } pageInfo { hasNextPage } } } }"""
CHILDS = UPDATES.replace("first: 5", 'first: 5, studentId: "ana"')
ANA = Principal("ana", "district-1", frozenset({Role.STUDENT}), sections=frozenset({"sec-1"}))
MUM = Principal("mum", "district-1", frozenset({Role.GUARDIAN}), children=frozenset({"ana"}))
HOUR = timedelta(hours=1)


def changed(*students: str, district: str = "district-1") -> FeedsChanged:
    return FeedsChanged(district_id=district, student_ids=list(students))


def shown(status: str, student: str = "ana") -> dict[str, object]:
    return {
        "feedUpdates": {
            "studentId": gid("Person", student),
            "feed": {
                "timeZone": "America/Chicago",
                "nodes": [{"id": gid("Task", "t1"), "status": status}],
                "pageInfo": {"hasNextPage": False},
            },
        }
    }


def feed_reads(stubs: StubServices) -> list[dict[str, str]]:
    return [dict(r.url.params) for r in stubs.scheduler.requests if r.url.path == "/feed"]


async def test_the_first_page_then_the_page_again_once_the_feed_changed() -> None:
    stubs = StubServices()
    before, after = a_page(a_task()), a_page(a_task(status=FeedItemStatus.DONE))
    stubs.scheduler.answer_in_turn("GET", "/feed", before, after)
    hub = Broadcast(queue_size=8)
    stream = await subscribe(stubs, hub, HOUR, ANA, UPDATES)
    first = await anext(stream)
    assert first.errors is None, first.errors
    assert first.data == shown("UPCOMING")
    await hub.publish(new_event("bookend/scheduler", changed("ben", "ana")))
    again = await anext(stream)
    assert again.data == shown("DONE")
    assert [read["first"] for read in feed_reads(stubs)] == ["5", "5"]
    await close([stream])


async def test_a_burst_of_changes_is_one_page_and_others_changes_none() -> None:
    stubs = StubServices()
    stubs.scheduler.answer("GET", "/feed", a_page(a_task()))
    hub = Broadcast(queue_size=8)
    stream = await subscribe(stubs, hub, HOUR, ANA, UPDATES)
    await anext(stream)
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)  # the stream waits for its next change
    for event in (
        changed("ben"),  # a classmate's feed
        changed("ana", district="district-2"),  # the same id in another district
    ):
        await hub.publish(new_event("bookend/scheduler", event))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    assert len(feed_reads(stubs)) == 1
    # Three changes queued before the stream reads again: one read, one page, then nothing.
    for _ in range(3):
        await hub.publish(new_event("bookend/scheduler", changed("ana")))
    await waiting
    assert len(feed_reads(stubs)) == 2
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(stream), 0.2)
    assert len(feed_reads(stubs)) == 2


@pytest.mark.parametrize("child", ["ana", gid("Person", "ana")], ids=["raw id", "global id"])
async def test_a_guardian_follows_a_childs_feed_by_its_id(child: str) -> None:
    stubs = StubServices()
    stubs.scheduler.answer("GET", "/feed", a_page(a_task()))
    hub = Broadcast(queue_size=8)
    document = UPDATES.replace("first: 5", f'first: 5, studentId: "{child}"')
    stream = await subscribe(stubs, hub, HOUR, MUM, document)
    first = await anext(stream)
    assert first.data == shown("UPCOMING")
    assert feed_reads(stubs)[0]["student_id"] == "ana"
    await hub.publish(new_event("bookend/scheduler", changed("ana")))
    assert (await anext(stream)).data == shown("UPCOMING")
    await close([stream])


async def test_a_feed_the_scheduler_refuses_ends_the_stream_with_its_code() -> None:
    stubs = StubServices()
    refusal = Problem(
        status=403, kind=ProblemKind.FORBIDDEN, code="FORBIDDEN", message="not your child"
    )
    stubs.scheduler.refuse("GET", "/feed", refusal)
    stream = await subscribe(stubs, Broadcast(queue_size=8), HOUR, MUM, CHILDS)
    result = await anext(stream)
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "FORBIDDEN"}


async def test_first_is_checked_before_anything_is_read() -> None:
    stubs = StubServices()
    document = UPDATES.replace("first: 5", "first: 500")
    stream = await subscribe(stubs, Broadcast(queue_size=8), HOUR, ANA, document)
    result = await anext(stream)
    assert result.errors is not None
    assert (result.errors[0].extensions or {}).get("code") == "INVALID_INPUT"
    assert feed_reads(stubs) == []


async def test_a_burst_larger_than_the_queue_is_one_page_not_the_end_of_the_stream() -> None:
    """A change the stream had no room for is covered by the page it reads next: the stream
    goes on (a session stream would end, SUBSCRIPTION_TOO_SLOW)."""
    stubs = StubServices()
    stubs.scheduler.answer("GET", "/feed", a_page(a_task()))
    hub = Broadcast(queue_size=4)
    stream = await subscribe(stubs, hub, HOUR, ANA, UPDATES)
    await anext(stream)
    for _ in range(20):  # a term's sessions moved at once
        await hub.publish(new_event("bookend/scheduler", changed("ana")))
    again = await anext(stream)
    assert again.errors is None, again.errors
    assert again.data == shown("UPCOMING")
    await hub.publish(new_event("bookend/scheduler", changed("ana")))
    assert (await anext(stream)).data == shown("UPCOMING")
    assert len(feed_reads(stubs)) == 3
    await close([stream])
