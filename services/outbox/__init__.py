"""At-least-once delivery over MongoDB: the transactional outbox, its relay, and the inbox."""

from services.outbox.mongo import MongoSettings, connect
from services.outbox.relay import OutboxRelay
from services.outbox.transaction import MongoStore, MongoTransaction, run_atomically

__all__ = [
    "MongoSettings",
    "MongoStore",
    "MongoTransaction",
    "OutboxRelay",
    "connect",
    "run_atomically",
]
