"""At-least-once delivery over MongoDB: the transactional outbox, its relay, and the inbox."""

from bookend.outbox.mongo import MongoSettings, connect
from bookend.outbox.relay import OutboxRelay
from bookend.outbox.transaction import MongoStore, MongoTransaction, run_atomically

__all__ = [
    "MongoSettings",
    "MongoStore",
    "MongoTransaction",
    "OutboxRelay",
    "connect",
    "run_atomically",
]
