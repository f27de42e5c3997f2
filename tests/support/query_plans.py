"""What SQLite does for a `find` the embedded store was sent: the command caught on the wire
(FindCommands) is run again through the same neosqlite library on a snapshot of the store's
file, and each statement it ran is explained (ADR 0007: nx-27017's own `explain` drops the
sort and limit and compiles the filter by another path than `find`)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from neosqlite import Connection
from pymongo import AsyncMongoClient

from bookend.mongo import Document
from bookend.paging import KeyedPage, PageAsk
from tests.support.find_commands import FindCommands

if TYPE_CHECKING:  # the root conftest is not imported at run time
    from tests.conftest import Embedded


S = TypeVar("S")


@dataclass(frozen=True)
class Watched:
    """A database of the embedded store whose every `find` is caught, and the store's file
    (to replay a caught command on a snapshot of it)."""

    client: AsyncMongoClient[Document]
    database: str
    finds: FindCommands
    db_file: Path


@asynccontextmanager
async def watched_database(embedded: Embedded, database: str) -> AsyncIterator[Watched]:
    """`database`, emptied first and dropped after, with its `find` commands caught."""
    finds = FindCommands()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        embedded.mongo_uri, tz_aware=True, event_listeners=[finds]
    )
    await client.drop_database(database)
    argv = embedded.processes.child("store").argv
    data_dir = Path(argv[argv.index("--data-dir") + 1])
    try:
        yield Watched(client, database, finds, data_dir / f"{database}.db")
    finally:
        await client.drop_database(database)
        await client.aclose()


@dataclass(frozen=True)
class Statement:
    sql: str
    plan: list[str]


def replay(db_file: Path, snapshot: Path, find: Document) -> tuple[list[Document], list[Statement]]:
    """The documents the command finds and the statements neosqlite runs for it, with plans."""
    with (
        closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as live,
        closing(sqlite3.connect(snapshot)) as copy,
    ):
        live.backup(copy)
    store = Connection(str(snapshot))
    ran: list[str] = []
    store.db.set_trace_callback(ran.append)
    collection = find["find"]
    cursor = store[collection].find(find["filter"], find.get("projection"))
    if "sort" in find:
        cursor = cursor.sort(list(find["sort"].items()))
    if "limit" in find:
        cursor = cursor.limit(find["limit"])
    found = list(cursor)
    store.db.set_trace_callback(None)
    reads = [s for s in ran if s.lstrip().startswith("SELECT") and f"FROM {collection}" in s]
    statements = [
        Statement(sql, [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}")])
        for sql in reads
    ]
    store.close()
    return found, statements


def index_range(collection: str, statement: Statement, *, equal: int, after: bool) -> str:
    """The plan's one read of `collection`, after checking it is a range of an index bounded
    by `equal` equalities (and by the cursor, `after`), in the order asked and no further
    than the limit: the page costs the same however long the list and however deep the page."""
    assert " LIMIT " in statement.sql, f"every document read, paged out of SQL: {statement.sql}"
    assert " ORDER BY " in statement.sql, f"sorted out of SQL: {statement.sql}"
    [read] = [step for step in statement.plan if f" {collection} " in f"{step} "]
    bounds = " AND ".join(["<expr>=?"] * equal + (["<expr>"] if after else []))
    assert read.startswith(f"SEARCH {collection} USING INDEX "), statement.plan
    assert f"({bounds}" in read, f"{bounds} expected: {statement.plan}"
    assert not any("TEMP B-TREE" in step for step in statement.plan), statement.plan
    return read


@dataclass(frozen=True)
class Seeded(Generic[S]):
    """A store over a watched database, seeded: its `find` commands caught, and its file."""

    store: S
    finds: FindCommands
    db_file: Path


@dataclass(frozen=True)
class Paged(Generic[S]):
    """A list's page read, the collection it reads, and the equalities bounding its range."""

    read: Callable[[S, PageAsk], Awaitable[KeyedPage[Any]]]
    collection: str
    equal: int


async def one_index_range(
    seeded: Seeded[S], paged: Paged[S], snapshot: Path, *, first: int, deep: bool
) -> None:
    """Read a page of `first` (deep: after a cursor halfway down the first hundred), and check
    the store read it as one index range in order, no further than the page."""
    after = None
    if deep:
        whole = await paged.read(seeded.store, PageAsk(100))
        after = whole.keys[len(whole.keys) // 2]
    seeded.finds.sent.clear()
    page = await paged.read(seeded.store, PageAsk(first, after))
    assert page.items, "a page of a list long enough to have several"
    [find] = seeded.finds.on(paged.collection)
    found, statements = replay(seeded.db_file, snapshot, find)
    assert len(found) == len(page.items) + page.more, "the replay reads what the store read"
    [statement] = statements
    index_range(paged.collection, statement, equal=paged.equal, after=deep)
