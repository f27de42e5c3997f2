"""Every feed read is an index range read on the embedded store, so a page costs the same
however large the table and however deep the page (ADR 0007 item 8); so is every other read a
student's feed request makes.

nx-27017's `explain` drops the sort and limit and compiles the filter by another path than
`find`, so the plan is taken another way: the `find` command the store sends is caught on the
wire, run again through the same neosqlite library on a snapshot of the store's SQLite file,
and SQLite explains each statement it ran.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bookend.auth import Principal, Role
from bookend.clock import Span
from bookend.contracts.scheduler import FeedItemKind
from services.scheduler.feed.domain import FeedQuery
from services.scheduler.feed.service import read_feed
from services.scheduler.feed.store import FEED
from services.scheduler.roster.domain import Person, PersonRole
from services.scheduler.roster.store import PEOPLE
from services.scheduler.store import SchedulerStore
from tests.support.feed_seed import FIRST_AT, SeededFeed, seed_feed
from tests.support.find_commands import FindCommands
from tests.support.query_plans import Statement, replay, watched_database

if TYPE_CHECKING:  # the root conftest is not imported at run time
    from tests.conftest import Embedded

PAGE = 50


@dataclass
class Seeded:
    store: SchedulerStore
    feed: SeededFeed
    finds: FindCommands
    db_file: Path


@pytest.fixture(scope="module")
async def seeded(embedded: Embedded) -> AsyncIterator[Seeded]:
    async with watched_database(embedded, "feed_plans") as watched:
        store = SchedulerStore(watched.client, watched.database)
        await store.create_indexes()
        feed = await seed_feed(store.db, rows=1_000, student_items=300)
        student = Person(
            feed.student_id, feed.district_id, PersonRole.STUDENT, (), "America/New_York"
        )
        await store.atomically(lambda tx: tx.save_people([student]))
        yield Seeded(store, feed, watched.finds, watched.db_file)


def first_page(feed: SeededFeed) -> FeedQuery:
    return FeedQuery(feed.student_id, PAGE, None, Span(), frozenset(), frozenset())


def deep_page(feed: SeededFeed) -> FeedQuery:
    return FeedQuery(feed.student_id, PAGE, feed.deep(PAGE), Span(), frozenset(), frozenset())


def narrowed_page(feed: SeededFeed) -> FeedQuery:
    """After a cursor, within a span of time, of one kind."""
    span = Span(feed.positions[50].actionable_at, feed.positions[250].actionable_at)
    kinds = frozenset({FeedItemKind.TASK})
    return FeedQuery(feed.student_id, PAGE, feed.positions[100], span, kinds, frozenset())


@pytest.mark.parametrize(
    "make_query",
    [
        pytest.param(first_page, id="first page"),
        pytest.param(deep_page, id="deep page"),
        pytest.param(narrowed_page, id="page after a cursor, with a span and a kind"),
    ],
)
async def test_a_feed_page_is_one_index_range_read_with_its_order_and_limit(
    seeded: Seeded, tmp_path: Path, make_query: Callable[[SeededFeed], FeedQuery]
) -> None:
    query = make_query(seeded.feed)
    seeded.finds.sent.clear()
    items = await seeded.store.list_feed_items(
        seeded.feed.district_id, query, query.after, PAGE + 1
    )
    [find] = seeded.finds.sent
    found, statements = replay(seeded.db_file, tmp_path / "snapshot.db", find)
    assert [doc["item_id"] for doc in found] == [item.item_id for item in items], (
        "the replay must read what the store read"
    )
    [statement] = statements
    reads = student_searches(FEED, statement)
    if query.after is not None:
        assert ">?" in reads[0], f"the page must start at the cursor in the index: {reads[0]}"


@pytest.mark.parametrize(
    "make_query",
    [pytest.param(first_page, id="first page"), pytest.param(deep_page, id="deep page")],
)
async def test_every_read_of_a_students_feed_request_is_an_index_search(
    seeded: Seeded, tmp_path: Path, make_query: Callable[[SeededFeed], FeedQuery]
) -> None:
    feed = seeded.feed
    query = make_query(feed)
    principal = Principal(feed.student_id, feed.district_id, frozenset({Role.STUDENT}))
    seeded.finds.sent.clear()

    page = await read_feed(query, principal=principal, store=seeded.store, clock=lambda: FIRST_AT)

    assert len(page.items) == PAGE
    assert {find["find"] for find in seeded.finds.sent} == {FEED, PEOPLE}
    for find in seeded.finds.sent:
        found, statements = replay(seeded.db_file, tmp_path / "snapshot.db", find)
        assert found, f"the replay must find what the store found: {find}"
        [statement] = statements
        student_searches(find["find"], statement)


def student_searches(collection: str, statement: Statement) -> list[str]:
    """The plan's steps on `collection`, after checking each reads the range of an index that
    holds one student of one district (equal `district_id` and `student_id`, the first two
    fields of every index read here), in the order asked, no further than the limit."""
    assert " LIMIT " in statement.sql, f"every document read, paged out of SQL: {statement.sql}"
    reads = [step for step in statement.plan if f" {collection} " in f"{step} "]
    student = f"SEARCH {collection} USING INDEX "
    assert reads, statement.plan
    for step in reads:
        assert step.startswith(student) and "(<expr>=? AND <expr>=?" in step, statement.plan
    assert not any("TEMP B-TREE" in step for step in statement.plan), statement.plan
    return reads
