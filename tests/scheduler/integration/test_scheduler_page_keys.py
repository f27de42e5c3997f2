"""Records stored before their lists were paged get their order key at the first start-up
that knows it, and are paged with the others (ADR 0044); later start-ups read one document."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from bookend.clock import ALL_TIME
from bookend.contracts.scheduler import CalendarOwner
from bookend.mongo import MIGRATIONS, Document
from bookend.paging import PageAsk
from services.scheduler.calendars.domain import CalendarLink, Owner
from services.scheduler.calendars.store import CALENDAR_LINKS, link_document
from services.scheduler.roster.calendar import Term
from services.scheduler.roster.groups import Group
from services.scheduler.roster.store import (
    DERIVED,
    GROUPS,
    ORDER,
    TERMS,
    group_document,
    roster_document,
)
from services.scheduler.sessions.domain import LiveSession
from services.scheduler.sessions.store import SESSIONS, START_ORDER, session_document
from services.scheduler.store import SchedulerStore
from tests.support.find_commands import FindCommands
from tests.support.query_plans import watched_database

if TYPE_CHECKING:  # the root conftest is not imported at run time
    from tests.conftest import Embedded

D = "district-1"
AT = datetime(2026, 1, 5, 14, tzinfo=UTC)


@pytest.fixture
async def store(embedded: Embedded) -> AsyncIterator[tuple[SchedulerStore, FindCommands]]:
    async with watched_database(embedded, "paged_list_keys") as watched:
        yield SchedulerStore(watched.client, watched.database), watched.finds


def session(n: int) -> LiveSession:
    return LiveSession(
        id=f"s{n}",
        district_id=D,
        school_id="school-1",
        section_id="sec",
        lesson_id="lesson-1",
        lesson_version=1,
        title="Live",
        starts_at=AT - timedelta(days=n),  # later ones start earlier
        ends_at=AT - timedelta(days=n) + timedelta(minutes=50),
        time_zone="UTC",
    )


async def test_records_stored_before_paging_get_their_keys_once_and_are_paged(
    store: tuple[SchedulerStore, FindCommands],
) -> None:
    scheduler, finds = store
    terms = [Term(f"t{n}", D, None, "Term", date(2026, 9 - n, 1), date(2027, 1, 1)) for n in (1, 2)]
    groups = [Group(f"g{n}", D, "sec", f"Group {3 - n}", (), "teacher-1") for n in (1, 2)]
    link = CalendarLink("l1", D, CalendarOwner.SECTION, "sec", "admin-1", AT, "hash-1")
    before: list[tuple[str, Document]] = [
        *((TERMS, roster_document(term)) for term in terms),
        *((GROUPS, group_document(group)) for group in groups),
        *((SESSIONS, session_document(session(n))) for n in (1, 2)),
        (CALENDAR_LINKS, link_document(link)),
    ]
    for collection, doc in before:
        doc.pop(ORDER, None)
        doc.pop(START_ORDER, None)  # as they were stored before their lists were paged
        await scheduler.db[collection].insert_one(doc)

    await scheduler.create_indexes()  # what a start-up does

    assert [doc[ORDER] for doc in await scheduler.db[TERMS].find().sort("id").to_list()] == [
        DERIVED[TERMS](roster_document(term))[ORDER] for term in terms
    ]
    asked = PageAsk(1)
    assert (await scheduler.page_terms(D, "school-1", asked)).items == [terms[1]]
    assert (await scheduler.page_groups(D, "sec", asked)).items == [groups[1]]
    assert (await scheduler.page_sessions(D, "sec", ALL_TIME, asked)).items == [session(2)]
    owner = Owner(CalendarOwner.SECTION, "sec")
    links = await scheduler.page_calendar_links(D, owner=owner, created_by=None, asked=asked)
    assert links.items == [link]

    finds.sent.clear()
    await scheduler.create_indexes()  # a later start-up
    assert {find["find"] for find in finds.sent} == {MIGRATIONS}
