"""What a fault drill counts to say each event was applied once: the events an emitter's outbox
holds against the marks a consumer's inbox holds for them (ADR 0014)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bookend.contracts import CloudEvent
from bookend.mongo import MongoSettings, connect
from bookend.outbox.emit import OUTBOX, event_from_outbox
from bookend.outbox.inbox import INBOX


@dataclass(frozen=True)
class Delivery:
    """The emitter's events that the consumer marks when it applies them, and its marks of the
    emitter's events. Falsy until they match one for one, so that `eventually` shows the last
    count when it gives up."""

    emitted: int
    marked: int
    missing: list[str]  # (type, id) of events emitted and never marked: lost
    unexpected: list[str]  # marked twice, or of a kind the drill did not expect marked

    def __bool__(self) -> bool:
        return self.emitted == self.marked and not self.missing and not self.unexpected


async def delivery(
    mongo: MongoSettings,
    *,
    emitter: str,
    consumer: str,
    consumer_name: str,
    marks: Callable[[CloudEvent], bool],
) -> Delivery:
    """Events in database `emitter`'s outbox that `marks` says the consumer records, against
    the marks `consumer_name` left in database `consumer`'s inbox for events of `emitter`."""
    client = connect(mongo)
    try:
        outbox = await client[emitter][OUTBOX].find({}).to_list()
        inbox = await client[consumer][INBOX].find({"consumer": consumer_name}).to_list()
    finally:
        await client.close()
    events = {doc["_id"]: event_from_outbox(doc) for doc in outbox}
    expected = {event_id for event_id, event in events.items() if marks(event)}
    marked = [mark["event_id"] for mark in inbox if mark["event_id"] in events]
    seen: set[str] = set()
    unexpected = []
    for event_id in marked:
        if event_id not in expected or event_id in seen:
            unexpected.append(f"{events[event_id].type} {event_id}")
        seen.add(event_id)
    missing = [f"{events[i].type} {i}" for i in sorted(expected - seen)]
    return Delivery(len(expected), len(marked), missing, unexpected)
