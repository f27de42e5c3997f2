"""The MongoDB client every store shares (env prefix `MONGODB_`)."""

import asyncio
import contextlib
import weakref
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any

import pymongo
from pydantic_settings import BaseSettings, SettingsConfigDict
from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure, ExecutionTimeout


class MongoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MONGODB_", extra="ignore")

    # Production points this at a replica set (transactions need one); the embedded store is
    # a single node that supports them too.
    uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    server_selection_timeout_ms: int = 5000
    # The embedded store (nx-27017) runs all of a database's transactions on one SQLite
    # connection: two open at once nest and break each other ("no such savepoint"), and a plain
    # write made meanwhile is rolled back with an aborted transaction. The embedded stack turns
    # this on so a process writes one at a time; a replica set needs no such thing.
    serialize_writes: bool = False


Document = dict[str, Any]
MongoClient = AsyncMongoClient[Document]


# Keyed by the client's identity: clients compare equal by address, so a mapping keyed by the
# client itself would hand a new client the entry of an old one, and lose it when that one goes.
_write_gates: dict[int, asyncio.Lock] = {}


def connect(settings: MongoSettings) -> AsyncMongoClient[Document]:
    """A pooled client; instants come back as aware UTC datetimes."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        settings.uri,
        tz_aware=True,
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
    )
    if settings.serialize_writes:
        _write_gates[id(client)] = asyncio.Lock()
        weakref.finalize(client, _write_gates.pop, id(client), None)
    return client


def write_gate(client: AsyncMongoClient[Document]) -> AbstractAsyncContextManager[object]:
    """Held around every transaction and relay write; a no-op unless `serialize_writes`."""
    return _write_gates.get(id(client)) or contextlib.nullcontext()


async def reachable(client: MongoClient, seconds: float = 2.0) -> str | None:
    """None if the store answers a ping within `seconds`, else why not."""
    try:
        async with asyncio.timeout(seconds):
            await client.admin.command("ping")
    except Exception as failure:
        return f"the store does not answer: {type(failure).__name__}"
    return None


# What a store outage looks like to a caller: unreachable, or too slow for the time budget.
STORE_OUTAGES: tuple[type[Exception], ...] = (ConnectionFailure, ExecutionTimeout)


def time_budget(seconds: float) -> AbstractContextManager[object]:
    """Every store operation in the block (transaction retries included) ends by then, with
    one of STORE_OUTAGES; a service's budget sits inside its callers' timeouts."""
    return pymongo.timeout(seconds)
