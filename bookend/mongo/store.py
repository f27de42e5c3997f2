"""The base every store derives from: its database, and `atomically` over its transaction type."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from bookend.mongo.client import Document, MongoClient, write_gate
from bookend.mongo.records import from_document, to_document
from bookend.mongo.replies import (
    KeyedRequest,
    create_reply_indexes,
    keep_answer,
    pending_answer,
    replay_if_answered,
)
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import Conflict

T = TypeVar("T")

# Operators whose operand is a list of whole queries.
_COMBINERS = ("$and", "$or", "$nor")
# Each service's record of the one-off changes its store made to documents kept from before.
MIGRATIONS = "migrations"


def exact(query: Mapping[str, Any]) -> Document:
    """The query with each field's plain string value written as `{"$eq": value}`.

    Both mean the same on MongoDB (and use the same index). The embedded store (nx-27017)
    matches a plain string that reads as a number ("0", "10", "-5") against numbers only, so
    `find_one({"id": "10"})` missed the document and an upsert by such a key inserted a
    duplicate (ADR 0007). Every query of a store goes through here.
    """
    written: Document = {}
    for field, value in query.items():
        if field in _COMBINERS:
            written[field] = [exact(part) for part in value]
        elif isinstance(value, str):
            written[field] = {"$eq": value}
        else:
            written[field] = value
    return written


def all_of(conditions: Sequence[Mapping[str, Any]]) -> Document:
    """One query holding every condition: their fields side by side in one document, which
    the embedded store compiles to an indexed, sorted and limited SQL query, where an `$and`
    of them is read whole and sorted in Python (a district's 10,000 lessons: 6 ms against
    430 ms). Only what cannot stand beside the rest, a second condition on a field or an
    `$or` (the embedded store drops fields beside a bare one, ADR 0007), goes under `$and`."""
    flat: Document = {}
    rest: list[Mapping[str, Any]] = []
    for condition in conditions:
        if "$or" in condition or flat.keys() & condition.keys():
            rest.append(condition)
        else:
            flat.update(condition)
    return {"$and": [flat, *rest]} if rest else flat


class MongoTransaction:
    """One transaction's session; stores add their repository methods to a subclass.

    Work that wants something done only once the transaction has committed (the outbox relay's
    wake-up) registers it with `after_commit`.
    """

    def __init__(self, db: AsyncDatabase[Document], session: AsyncClientSession) -> None:
        self.db = db
        self.session: AsyncClientSession | None = session
        self.committed_callbacks: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        if callback not in self.committed_callbacks:
            self.committed_callbacks.append(callback)


Tx = TypeVar("Tx", bound=MongoTransaction)


async def run_atomically(
    client: MongoClient,
    make: Callable[[AsyncClientSession], Tx],
    work: Callable[[Tx], Awaitable[T]],
) -> T:
    """Run `work` in a transaction, retrying it on transient errors (write conflicts, elections).

    The callbacks the committed attempt registered run once it has committed. Inside an
    `answering` block, the transaction first looks for the key's stored answer (and replays
    it), and stores its own answer before it commits (ADR 0013).
    """
    attempts: list[Tx] = []
    answering = pending_answer()

    async def callback(session: AsyncClientSession) -> T:
        attempts.append(make(session))
        tx = attempts[-1]
        if answering is not None:
            await replay_if_answered(tx.db, answering.request, session=session)
        result = await work(tx)
        if answering is not None:
            await keep_answer(tx.db, session, answering, result)
        return result

    try:
        async with write_gate(client), client.start_session() as session:
            result = await session.with_transaction(callback)
    except (DuplicateKeyError, Conflict):
        if answering is not None and attempts:
            # The same key's first request committed while this one ran: answer as it did.
            # Where this one saw the first's write (a store that isolates transactions less
            # than MongoDB, ADR 0007) it was refused as a clash with it: answer as the first too.
            await replay_if_answered(attempts[-1].db, answering.request)
        raise
    if answering is not None:
        answering.done = True
    for committed in attempts[-1].committed_callbacks if attempts else ():
        committed()
    return result


class Queries:
    """Reads (and whole-record writes) shared by a store and its transactions: outside a
    transaction, `session` is None."""

    db: AsyncDatabase[Document]
    session: AsyncClientSession | None

    async def _one(self, collection: str, query: Mapping[str, Any]) -> Document | None:
        return await self.db[collection].find_one(exact(query), session=self.session)

    async def _many(
        self,
        collection: str,
        query: Mapping[str, Any],
        order: Sequence[tuple[str, int]] = (),
        limit: int = 0,
    ) -> list[Document]:
        cursor = self.db[collection].find(exact(query), session=self.session)
        if order:
            cursor = cursor.sort(list(order))
        if limit:
            cursor = cursor.limit(limit)
        return await cursor.to_list()

    async def _get(
        self, kind: type[T], collection: str, query: Mapping[str, Any], *, key: str | None = None
    ) -> T | None:
        doc = await self._one(collection, query)
        return None if doc is None else from_document(kind, doc, key=key)

    async def _list(
        self,
        kind: type[T],
        collection: str,
        query: Mapping[str, Any],
        order: Sequence[tuple[str, int]] = (),
        *,
        key: str | None = None,
        limit: int = 0,
    ) -> list[T]:
        docs = await self._many(collection, query, order, limit)
        return [from_document(kind, doc, key=key) for doc in docs]

    async def _count(self, collection: str, query: Mapping[str, Any], up_to: int = 0) -> int:
        """How many documents match, counted no further than `up_to` (the bound they are held
        to; 0 counts them all): ids read from an index range, where `count_documents` makes
        the embedded store read the collection whole (0.7-1 s at 10,000 documents, against
        milliseconds)."""
        cursor = self.db[collection].find(exact(query), projection={"_id": 1}, session=self.session)
        return len(await cursor.limit(up_to).to_list())

    async def _page(
        self,
        collection: str,
        query: Mapping[str, Any],
        key: str,
        asked: PageAsk,
        make: Callable[[Document], T],
        *,
        descending: bool = False,
        projection: Mapping[str, Any] | None = None,
    ) -> KeyedPage[T]:
        """A page of a list kept in the order of its string field `key` (ADR 0044): the
        documents matching `query` whose key comes after the cursor's, in key order, one more
        than asked (to say whether more follow), each made an item by `make`; and all of them
        counted when the page asks for its total. With `key` indexed right after the query's
        equalities, both stores read one index range from the cursor and stop at the limit
        (ADR 0007)."""
        docs = await self._keyed(
            collection, query, key, asked.after, asked.limit, descending, projection
        )
        total = await self._count(collection, query) if asked.total else None
        return KeyedPage.of([(doc[key], make(doc)) for doc in docs], asked, total)

    async def _keyed(
        self,
        collection: str,
        query: Mapping[str, Any],
        key: str,
        after: str | None,
        limit: int,
        descending: bool = False,
        projection: Mapping[str, Any] | None = None,
    ) -> list[Document]:
        """Up to `limit` documents matching `query` after the key `after`, in key order."""
        found: Document = dict(query)
        if after is not None:
            bound = {"$lt" if descending else "$gt": after}
            present = found.get(key)
            # A condition the query has on the key already (`$in`) stands beside the bound.
            found[key] = {**present, **bound} if isinstance(present, Mapping) else bound
        cursor = self.db[collection].find(exact(found), projection, session=self.session)
        return await cursor.sort([(key, -1 if descending else 1)]).limit(limit).to_list()

    async def _add_missing(
        self,
        collection: str,
        field: str,
        rewrite: Callable[[Document], Document],
        migration: str,
    ) -> None:
        """Give documents stored before `field` existed theirs (`rewrite` makes each one whole
        again, ADR 0007), at the first start-up that knows it. Finding them reads every
        document, so it is recorded in `migrations` as done: later start-ups read one."""
        if await self._one(MIGRATIONS, {"_id": migration}) is not None:
            return
        for doc in await self._many(collection, {field: {"$exists": False}}):
            await self.db[collection].replace_one(
                exact({"_id": doc["_id"]}), rewrite(doc), session=self.session
            )
        # Another replica starting at the same time may have done the same and said so first.
        with contextlib.suppress(DuplicateKeyError):
            await self.db[MIGRATIONS].insert_one({"_id": migration}, session=self.session)

    async def _save(
        self, collection: str, record: object, *natural_key: str, key: str | None = None
    ) -> None:
        """Insert the record, or replace the document with the same natural key."""
        doc = to_document(record, key=key)
        found = exact({field: doc[field] for field in natural_key})
        await self.db[collection].replace_one(found, doc, upsert=True, session=self.session)

    async def _add(self, collection: str, *records: object, key: str | None = None) -> None:
        """Insert new records; a duplicate key fails the transaction."""
        if records:
            docs = [to_document(record, key=key) for record in records]
            await self.db[collection].insert_many(docs, session=self.session)


class MongoStore(Generic[Tx]):
    """A service's database; `atomically` runs work in one transaction of its own type."""

    transaction: type[Tx]
    session: AsyncClientSession | None = None

    def __init__(self, client: MongoClient, database: str) -> None:
        self.client = client
        self.db: AsyncDatabase[Document] = client[database]

    def begin(self, session: AsyncClientSession) -> Tx:
        return self.transaction(self.db, session)

    async def atomically(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        return await run_atomically(self.client, self.begin, work)

    async def create_indexes(self) -> None:
        """Stores add their own; indexes never include `_id` (ADR 0007)."""
        await create_reply_indexes(self.db)

    async def replay_if_answered(self, request: KeyedRequest) -> None:
        """Raise Replayed if the request's key was answered before (KeyReused if for another)."""
        await replay_if_answered(self.db, request)

    async def _index(self, collection: str, fields: Sequence[str], *, unique: bool = False) -> None:
        await self.db[collection].create_index([(f, ASCENDING) for f in fields], unique=unique)
