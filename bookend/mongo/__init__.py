"""The MongoDB client every store shares, and the base store and transaction they derive from."""

from bookend.mongo.client import (
    STORE_OUTAGES,
    Document,
    MongoClient,
    MongoSettings,
    connect,
    reachable,
    time_budget,
    write_gate,
)
from bookend.mongo.order import order_key
from bookend.mongo.records import from_document, to_document, within
from bookend.mongo.replies import (
    HEADER as IDEMPOTENCY_HEADER,
)
from bookend.mongo.replies import (
    REPLY_RETENTION,
    KeyedRequest,
    KeyReused,
    Replayed,
    Reply,
    answering,
    forget_replies,
)
from bookend.mongo.store import (
    MIGRATIONS,
    MongoStore,
    MongoTransaction,
    Queries,
    all_of,
    exact,
    run_atomically,
)

__all__ = [
    "IDEMPOTENCY_HEADER",
    "MIGRATIONS",
    "REPLY_RETENTION",
    "STORE_OUTAGES",
    "Document",
    "KeyReused",
    "KeyedRequest",
    "MongoClient",
    "MongoSettings",
    "MongoStore",
    "MongoTransaction",
    "Queries",
    "Replayed",
    "Reply",
    "all_of",
    "answering",
    "connect",
    "exact",
    "forget_replies",
    "from_document",
    "order_key",
    "reachable",
    "run_atomically",
    "time_budget",
    "to_document",
    "within",
    "write_gate",
]
