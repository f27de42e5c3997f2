"""The event tables: payloads parsed once and routed by class; domain events mapped out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from bookend.contracts import CloudEvent, Topic, new_event
from bookend.contracts.catalog import LessonPublished
from bookend.contracts.scheduler import SessionEnded, SessionStarted
from bookend.eventbus import Inbound, Outbound, PoisonRecord

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


def started(**data: object) -> CloudEvent:
    payload = SessionStarted(district_id="d1", session_id="s1", section_id="sec1", started_at=AT)
    event = new_event("bookend/test", payload)
    return replace(event, data={**event.data, **data})


async def test_a_handler_gets_its_payload_parsed_and_the_envelope() -> None:
    seen: list[tuple[SessionStarted, str]] = []

    async def on_started(payload: SessionStarted, event: CloudEvent) -> None:
        seen.append((payload, event.id))

    event = started()
    await Inbound().on(SessionStarted, on_started)(event)
    assert seen == [(SessionStarted.model_validate(event.data), event.id)]


async def test_the_topics_follow_from_the_payload_classes() -> None:
    async def ignore(payload: object, event: CloudEvent) -> None:
        pass

    table = (
        Inbound().on(SessionStarted, ignore).on(SessionEnded, ignore).on(LessonPublished, ignore)
    )
    assert table.topics == {Topic.SCHEDULER_SESSION, Topic.CATALOG_LESSON}


async def test_an_event_type_without_a_handler_is_skipped() -> None:
    handled: list[object] = []

    async def on_ended(payload: SessionEnded, event: CloudEvent) -> None:
        handled.append(payload)

    await Inbound().on(SessionEnded, on_ended)(started())
    assert handled == []


async def test_an_event_type_no_contract_knows_is_a_poison_record() -> None:
    # Not skipped: a producer ahead of this consumer, or a typo. Dead-lettered, it can be
    # replayed once the consumer knows the type, instead of being lost without a trace.
    async def on_started(payload: SessionStarted, event: CloudEvent) -> None:
        raise AssertionError("not a session start")

    unknown = replace(started(), type="bookend.scheduler.session.paused.v1")
    with pytest.raises(PoisonRecord, match="no contract knows"):
        await Inbound().on(SessionStarted, on_started)(unknown)


@pytest.mark.parametrize(
    "broken",
    [{"started_at": "not a time"}, {"started_at": "2026-01-05T09:00:00"}, {"section_id": None}],
    ids=["not a time", "naive time", "missing section"],
)
async def test_a_payload_breaking_its_contract_is_a_poison_record(
    broken: dict[str, object],
) -> None:
    handled: list[object] = []

    async def on_started(payload: SessionStarted, event: CloudEvent) -> None:
        handled.append(payload)

    with pytest.raises(PoisonRecord, match="breaks its contract"):
        await Inbound().on(SessionStarted, on_started)(started(**broken))
    assert handled == []


@dataclass(frozen=True)
class Began:
    session_id: str


@dataclass(frozen=True)
class Internal:
    note: str


def test_outbound_maps_domain_events_to_contract_payloads_in_order_and_skips_unmapped() -> None:
    def began(event: Began) -> SessionStarted:
        return SessionStarted(
            district_id="d1", session_id=event.session_id, section_id="sec1", started_at=AT
        )

    table = Outbound("bookend/test").map(Began, began)
    events = table.events([Began("a"), Internal("not published"), Began("b")])
    assert [(e.type, e.data["session_id"], e.source) for e in events] == [
        ("bookend.scheduler.session.started.v1", "a", "bookend/test"),
        ("bookend.scheduler.session.started.v1", "b", "bookend/test"),
    ]
