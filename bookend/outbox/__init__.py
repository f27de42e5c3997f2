"""At-least-once delivery over MongoDB: the transactional outbox, its relay, and the inbox."""

from bookend.outbox.relay import LostLogWatch, OutboxRelay, ParkedEvent, parked_events
from bookend.outbox.store import Outbox, OutboxStore, OutboxTransaction

__all__ = [
    "LostLogWatch",
    "Outbox",
    "OutboxRelay",
    "OutboxStore",
    "OutboxTransaction",
    "ParkedEvent",
    "parked_events",
]
