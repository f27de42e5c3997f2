"""At-least-once delivery over MongoDB: the transactional outbox, its relay, and the inbox."""

from bookend.outbox.relay import OutboxRelay
from bookend.outbox.store import Outbox, OutboxStore, OutboxTransaction

__all__ = ["Outbox", "OutboxRelay", "OutboxStore", "OutboxTransaction"]
