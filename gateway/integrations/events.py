"""The integrations' inbound table: every public event, relayed to its district (ADR 0050).

For each public event, one transaction with its inbox mark appends it to the district's log
(replay), writes it to the outbox bound for the district's topic (same id, type, source, time,
subject and key, so one section's events keep their order), and creates a delivery for each
webhook endpoint of the district that wants it. A crash re-runs the whole; the inbox skips what
committed.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from bookend.clock import Clock
from bookend.contracts import PUBLIC_EVENT_SPECS, CloudEvent, EventData, district_topic
from bookend.eventbus import Inbound, KafkaSettings, PoisonRecord, ensure_topics
from bookend.hosting import ServiceState
from bookend.ids import IdFactory
from bookend.outbox.emit import next_sequence
from gateway.integrations.domain import LoggedEvent, new_delivery
from gateway.integrations.settings import IntegrationsSettings
from gateway.integrations.store import IntegrationsStore, IntegrationsTransaction, position_of

CONSUMER = "bookend.integrations"


class DistrictTopics:
    """Declares a district's topic before its first event is relayed there (embedded broker;
    production declares it with the district's Kafka principal, deploy/)."""

    def __init__(self, kafka: KafkaSettings) -> None:
        self._kafka = kafka
        self._known: set[str] = set()

    async def ensure(self, district_id: str) -> tuple[str, bool]:
        """The district's topic, and whether this process declared it just now (ValueError
        for a district id no topic name can carry)."""
        topic = district_topic(district_id)
        if topic in self._known:
            return topic, False
        await ensure_topics(self._kafka, [topic], dead_letters=False)
        self._known.add(topic)
        return topic, True

    def forget(self) -> None:
        """After the broker lost its log, every topic is declared again."""
        self._known.clear()


async def relay(
    payload: EventData,
    event: CloudEvent,
    *,
    store: IntegrationsStore,
    topics: DistrictTopics,
    clock: Clock,
    ids: IdFactory,
) -> None:
    district = payload.district_id
    try:
        topic, declared = await topics.ensure(district)
    except ValueError as bad:
        raise PoisonRecord(str(bad)) from None
    if event.districtid and event.districtid != district:
        raise PoisonRecord(f"ce_districtid {event.districtid!r} is not the payload's district")
    relayed = replace(event, topic=topic, districtid=district)

    async def work(tx: IntegrationsTransaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        now = clock()
        if declared:  # declared again, with every district's, when the broker lost its log
            await tx.remember_district(district)
        await tx.append_to_log(
            LoggedEvent(
                id=event.id,
                district_id=district,
                position=position_of(next_sequence(), event.id),
                type=event.type,
                source=event.source,
                subject=event.subject,
                time=event.time,
                key=event.key,
                data=event.data,
                relayed_at=now,
            )
        )
        await tx.emit(relayed)
        wanting = [e for e in await tx.list_endpoints(district) if e.wants(event.type)]
        await tx.add_deliveries(
            [new_delivery(e, event.id, event.type, delivery_id=ids(), now=now) for e in wanting]
        )

    await store.atomically(work)


def inbound(
    state: ServiceState[IntegrationsStore, IntegrationsSettings], topics: DistrictTopics
) -> Inbound:
    table = Inbound()
    handler = partial(relay, store=state.store, topics=topics, clock=state.clock, ids=state.ids)
    for spec in PUBLIC_EVENT_SPECS:
        table.on(spec.model, handler)
    return table
