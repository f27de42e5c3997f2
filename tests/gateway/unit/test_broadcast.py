"""The subscription fan-out: parsed payloads, filters, isolation, and slow subscribers."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bookend.contracts import CloudEvent, EventData, new_event
from bookend.contracts.scheduler import SessionStarted
from gateway.hub import Broadcast, SubscriberTooSlow


def started(session_id: str, district: str = "d1") -> CloudEvent:
    return new_event(
        "bookend/test",
        SessionStarted(
            district_id=district,
            session_id=session_id,
            section_id="sec",
            started_at=datetime.now(UTC),
        ),
    )


def session_of(payload: EventData) -> str:
    assert isinstance(payload, SessionStarted)
    return payload.session_id


async def test_each_subscriber_gets_only_the_payloads_its_filter_accepts() -> None:
    broadcast = Broadcast(queue_size=10)
    async with (
        broadcast.subscribe(lambda p: session_of(p) == "a") as a,
        broadcast.subscribe(lambda p: p.district_id == "d2") as d2,
    ):
        for event in (started("a"), started("b"), started("c", district="d2")):
            await broadcast.publish(event)
        assert a.queue.qsize() == 1 and session_of(a.queue.get_nowait()) == "a"
        assert d2.queue.qsize() == 1 and session_of(d2.queue.get_nowait()) == "c"


async def test_subscribers_get_the_payload_parsed_by_the_contract_registry() -> None:
    broadcast = Broadcast(queue_size=10)
    async with broadcast.subscribe(lambda _: True) as everything:
        event = started("a")
        await broadcast.publish(event)
        payload = everything.queue.get_nowait()
    assert isinstance(payload, SessionStarted)
    assert payload.started_at == datetime.fromisoformat(event.data["started_at"])


@pytest.mark.parametrize(
    "event",
    [
        replace(started("a"), type="bookend.scheduler.session.paused.v1"),
        replace(started("a"), data={"district_id": "d1", "session_id": "a"}),
    ],
    ids=["a type this gateway does not know", "a payload that breaks its contract"],
)
async def test_an_event_no_subscriber_can_read_is_skipped(event: CloudEvent) -> None:
    broadcast = Broadcast(queue_size=10)
    async with broadcast.subscribe(lambda _: True) as everything:
        await broadcast.publish(event)
        await broadcast.publish(started("b"))
        assert [session_of(everything.queue.get_nowait())] == ["b"]
        assert everything.queue.empty()


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
        assert [session_of(p) for p in received] == ["s0", "s1"]
        with pytest.raises(SubscriberTooSlow):
            await asyncio.wait_for(anext(stream), 1)


async def test_an_event_sent_again_reaches_each_subscriber_once() -> None:
    # A relay re-sends what the broker lost (ADR 0014): the same event id comes twice.
    broadcast = Broadcast(queue_size=10)
    async with broadcast.subscribe(lambda _: True) as everything:
        first, second = started("a"), started("b")
        for event in (first, second, first, second):
            await broadcast.publish(event)
        assert everything.queue.qsize() == 2


async def test_a_subscriber_that_falls_behind_delays_no_other() -> None:
    # Publishing never waits on a subscriber: the one that reads nothing overflows and is
    # closed, the one that reads gets every event.
    broadcast = Broadcast(queue_size=2)
    async with (
        broadcast.subscribe(lambda _: True) as slow,
        broadcast.subscribe(lambda _: True) as keeping_up,
    ):
        received = []
        for n in range(5):
            await broadcast.publish(started(f"s{n}"))
            received.append(session_of(keeping_up.queue.get_nowait()))
        assert received == ["s0", "s1", "s2", "s3", "s4"]
        assert slow.overflowed
