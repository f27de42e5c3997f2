"""The subscription fan-out: filters, isolation between subscribers, and slow subscribers."""

import asyncio
from datetime import UTC, datetime

import pytest

from gateway.hub import Broadcast, SubscriberTooSlow
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.scheduler import SessionStarted


def started(session_id: str, district: str = "d1") -> CloudEvent:
    return new_event("bookend/test", SessionStarted(
        district_id=district, session_id=session_id, section_id="sec", started_at=datetime.now(UTC)
    ))


async def test_each_subscriber_gets_only_the_events_its_filter_accepts() -> None:
    broadcast = Broadcast(queue_size=10)
    async with (
        broadcast.subscribe(lambda e: e.data["session_id"] == "a") as a,
        broadcast.subscribe(lambda e: e.districtid == "d2") as d2,
    ):
        for event in (started("a"), started("b"), started("c", district="d2")):
            await broadcast.publish(event)
        assert a.queue.qsize() == 1 and a.queue.get_nowait().data["session_id"] == "a"
        assert d2.queue.qsize() == 1 and d2.queue.get_nowait().data["session_id"] == "c"


async def test_a_subscriber_that_left_receives_nothing() -> None:
    broadcast = Broadcast(queue_size=10)
    async with broadcast.subscribe(lambda _: True) as gone:
        pass
    await broadcast.publish(started("a"))
    assert gone.queue.empty()


async def test_a_subscriber_that_falls_behind_is_closed_after_what_it_holds() -> None:
    broadcast = Broadcast(queue_size=2)
    async with broadcast.subscribe(lambda _: True) as slow:
        for n in range(3):
            await broadcast.publish(started(f"s{n}"))
        stream = slow.events()
        received = [await anext(stream), await anext(stream)]
        assert [e.data["session_id"] for e in received] == ["s0", "s1"]
        with pytest.raises(SubscriberTooSlow):
            await asyncio.wait_for(anext(stream), 1)
