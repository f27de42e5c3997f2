"""The integrations' inbound table: every public event, relayed to its district (ADR 0050).

For each public event, one transaction with its inbox mark appends it to the district's log
(replay), writes it to the outbox bound for the district's topic (same id, type, source, time,
subject and key, so one section's events keep their order), and creates a delivery for each
webhook endpoint of the district that wants it. A crash re-runs the whole; the inbox skips what
committed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from functools import partial

from bookend.clock import Clock
from bookend.contracts import PUBLIC_EVENT_SPECS, CloudEvent, EventData, district_topic
from bookend.eventbus import Inbound, KafkaSettings, PoisonRecord, ensure_topics, missing_topics
from bookend.hosting import ServiceState
from bookend.ids import IdFactory
from bookend.outbox.emit import next_sequence
from gateway.integrations.domain import LoggedEvent, new_delivery
from gateway.integrations.settings import IntegrationsSettings
from gateway.integrations.store import IntegrationsStore, IntegrationsTransaction, position_of

log = logging.getLogger(__name__)

CONSUMER = "bookend.integrations"


@dataclass(frozen=True, slots=True)
class DistrictTopic:
    name: str
    declared: bool  # by this process, just now: remembered, to declare again after a loss
    ready: bool  # the broker has it: events go there


class DistrictTopics:
    """A district's topic before its first event is relayed there: declared (embedded broker),
    or, where the platform declares topics (production: with the district's Kafka principal,
    deploy/), looked for. A district not onboarded yet has none: its events are logged and
    delivered to webhooks but not sent to Kafka, since the relay, sending in commit order,
    would otherwise hold every district's events behind one it can never send."""

    LOOK_AGAIN = 60.0  # seconds before a missing topic is looked for again

    def __init__(self, kafka: KafkaSettings) -> None:
        self._kafka = kafka
        self._known: set[str] = set()
        self._missing: dict[str, float] = {}

    async def ensure(self, district_id: str) -> DistrictTopic:
        """ValueError for a district id no topic name can carry."""
        topic = district_topic(district_id)
        if topic in self._known:
            return DistrictTopic(topic, declared=False, ready=True)
        if not self._kafka.create_topics:
            return await self._look_for(topic)
        await ensure_topics(self._kafka, [topic], dead_letters=False)
        self._known.add(topic)
        return DistrictTopic(topic, declared=True, ready=True)

    async def _look_for(self, topic: str) -> DistrictTopic:
        now = time.monotonic()
        if now - self._missing.get(topic, float("-inf")) < self.LOOK_AGAIN:
            return DistrictTopic(topic, declared=False, ready=False)
        if await missing_topics(self._kafka, [topic]):
            self._missing[topic] = now
            log.warning(
                "%s does not exist: its district's events are logged and sent to webhooks, not"
                " to Kafka, until it is declared (deploy/k8s/districts/)",
                topic,
            )
            return DistrictTopic(topic, declared=False, ready=False)
        self._missing.pop(topic, None)
        self._known.add(topic)
        return DistrictTopic(topic, declared=False, ready=True)

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
        topic = await topics.ensure(district)
    except ValueError as bad:
        raise PoisonRecord(str(bad)) from None
    if event.districtid and event.districtid != district:
        raise PoisonRecord(f"ce_districtid {event.districtid!r} is not the payload's district")
    relayed = replace(event, topic=topic.name, districtid=district)

    async def work(tx: IntegrationsTransaction) -> None:
        if not await tx.first_time(CONSUMER, event.id):
            return
        now = clock()
        if topic.declared:  # declared again, with every district's, when the broker lost its log
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
        if topic.ready:
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
