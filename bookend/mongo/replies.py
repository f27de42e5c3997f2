"""Idempotency keys: a keyed write keeps its answer in the same transaction as its effects, so a
retry with the same key gets the first answer instead of writing again (ADR 0013).

The HTTP layer reads the key and names the request (`KeyedRequest`); the route says how its
use case's result becomes its answer (`answering`); `run_atomically` checks for a stored answer
inside the transaction and stores the new one before it commits. The two cannot disagree: either
the effects and the answer are both committed, or neither is.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bookend.mongo.client import Document
from bookend.problems import InvalidInput

REPLIES = "replies"
# The header a write's key travels in; refusals about the key name it.
HEADER = "Idempotency-Key"
# How long a retry with the same key still gets the first answer; after that it writes anew.
REPLY_RETENTION = timedelta(hours=24)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reply:
    """A keyed write's first answer, as it went out."""

    status: int
    body: Any


@dataclass(frozen=True, slots=True)
class KeyedRequest:
    """A write that carries an idempotency key: `id` names the key within the caller's district
    and identity (two callers' keys never meet), `fingerprint` the request it was first used
    for."""

    id: str
    fingerprint: str

    @classmethod
    def of(
        cls, *, district: str, caller: str, key: str, method: str, target: str, body: bytes
    ) -> KeyedRequest:
        named = hashlib.sha256("\0".join((district, caller, key)).encode()).hexdigest()
        request = hashlib.sha256("\0".join((method, target)).encode() + b"\0" + body)
        return cls(named, request.hexdigest())


class Replayed(Exception):
    """The key was used before for this very request: answer as the first time, change nothing."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(f"replayed an answer with status {reply.status}")
        self.reply = reply


class KeyReused(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            HEADER, "same_request", "was used before for a different request; choose a new key"
        )


@dataclass
class _Answering:
    request: KeyedRequest
    status: int
    render: Callable[[Any], BaseModel]
    done: bool = False


_ANSWERING: contextvars.ContextVar[_Answering | None] = contextvars.ContextVar(
    "bookend_answering", default=None
)


@contextmanager
def answering(
    request: KeyedRequest | None,
    render: Callable[[T], BaseModel],
    *,
    status: int = 200,
) -> Iterator[None]:
    """Within this block, the first transaction answers `request` once: `render` makes the
    answer from what the transaction's work returns. A keyed route runs one transaction."""
    if request is None:
        yield
        return
    token = _ANSWERING.set(_Answering(request, status, render))
    try:
        yield
    finally:
        _ANSWERING.reset(token)


async def replay_if_answered(
    db: AsyncDatabase[Document],
    request: KeyedRequest,
    *,
    session: AsyncClientSession | None = None,
) -> None:
    """Raise Replayed with the stored answer if the key answered this request before, and
    KeyReused if it answered another."""
    stored = await db[REPLIES].find_one({"_id": request.id}, session=session)
    if stored is None:
        return
    if stored["fingerprint"] != request.fingerprint:
        raise KeyReused()
    raise Replayed(Reply(stored["status"], stored["body"]))


def pending_answer() -> _Answering | None:
    """The request the current block answers, if it is keyed and not answered yet."""
    current = _ANSWERING.get()
    return None if current is None or current.done else current


async def keep_answer(
    db: AsyncDatabase[Document], session: AsyncClientSession, answering: _Answering, result: object
) -> None:
    """Store the answer inside the transaction that made `result`."""
    body = answering.render(result).model_dump(mode="json", by_alias=True)
    await db[REPLIES].insert_one(
        {
            "_id": answering.request.id,
            "fingerprint": answering.request.fingerprint,
            "status": answering.status,
            "body": body,
            "at_ms": int(datetime.now(UTC).timestamp() * 1000),
        },
        session=session,
    )


async def create_reply_indexes(db: AsyncDatabase[Document]) -> None:
    await db[REPLIES].create_index("at_ms")


async def forget_replies(db: AsyncDatabase[Document], before_ms: int) -> None:
    await db[REPLIES].delete_many({"at_ms": {"$lt": before_ms}})
