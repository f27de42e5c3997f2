"""The MongoDB client every store shares, and the base store and transaction they derive from."""

from bookend.mongo.client import (
    Document,
    MongoClient,
    MongoSettings,
    connect,
    reachable,
    write_gate,
)
from bookend.mongo.records import from_document, to_document, within
from bookend.mongo.store import MongoStore, MongoTransaction, Queries, run_atomically

__all__ = [
    "Document",
    "MongoClient",
    "MongoSettings",
    "MongoStore",
    "MongoTransaction",
    "Queries",
    "connect",
    "from_document",
    "reachable",
    "run_atomically",
    "to_document",
    "within",
    "write_gate",
]
