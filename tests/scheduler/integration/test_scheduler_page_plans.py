"""Every page of the scheduler's lists that grow is one range of an index on the embedded
store, in the list's order and no further than the page (ADR 0044), the first page and one
after a cursor alike; the plans are taken as the feed's are (ADR 0007,
tests/support/query_plans.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bookend.clock import ALL_TIME
from bookend.contracts.scheduler import CalendarOwner
from services.scheduler.calendars.domain import CalendarLink, Owner
from services.scheduler.roster.calendar import Term
from services.scheduler.roster.domain import Enrolment, School, Section
from services.scheduler.roster.groups import Group
from services.scheduler.roster.ports import SectionFilter
from services.scheduler.sessions.domain import LiveSession
from services.scheduler.store import SchedulerStore, SchedulerTransaction
from tests.support.query_plans import (
    Paged,
    Seeded,
    one_index_range,
    watched_database,
)

if TYPE_CHECKING:  # the root conftest is not imported at run time
    from tests.conftest import Embedded

D = "district-1"
ROWS = 300  # of each list, and as many again of another scope each, around them
AT = datetime(2026, 1, 5, 14, tzinfo=UTC)


def rows(scope: str) -> range:
    return range(ROWS if scope == "ours" else ROWS // 3)


async def seed(tx: SchedulerTransaction) -> None:
    """A district's schools, terms and sections, a section's students, groups, sessions and
    calendar links, and the same of another section and another district around them."""
    for district in (D, "district-2"):
        await tx.save_schools(
            [School(f"school-{n:04d}", district, "School", "UTC") for n in range(ROWS)], new=True
        )
        await tx.save_terms(
            [
                Term(
                    f"term-{n:04d}",
                    district,
                    None if n % 3 == 0 else f"school-{n % 7:04d}",
                    "Term",
                    date(2020, 1, 1) + timedelta(days=n),
                    date(2030, 1, 1),
                )
                for n in range(ROWS)
            ],
            new=True,
        )
        await tx.save_sections(
            [
                Section(
                    f"sec-{n:04d}",
                    district,
                    f"school-{n % 7:04d}",
                    "Section",
                    "math",
                    "UTC",
                    ("teacher-1",) if n % 5 == 0 else ("teacher-2",),
                )
                for n in range(ROWS)
            ],
            new=True,
        )
        for section, scope in (("sec-0000", "ours"), ("sec-0001", "theirs")):
            await tx.save_enrolments(
                [Enrolment(section, f"student-{n:04d}", district) for n in rows(scope)], new=True
            )
            for n in rows(scope):
                group = Group(f"{section}-g{n}", district, section, f"Group {n:04d}", (), "t")
                await tx.save_group(group)
            for n in rows(scope):
                await tx.add_session(
                    LiveSession(
                        id=f"{district}-{section}-s{n:04d}",
                        district_id=district,
                        school_id="school-0000",
                        section_id=section,
                        lesson_id="lesson-1",
                        lesson_version=1,
                        title="Live",
                        starts_at=AT + timedelta(hours=n),
                        ends_at=AT + timedelta(hours=n, minutes=50),
                        time_zone="UTC",
                    )
                )
                await tx.add_calendar_link(
                    CalendarLink(
                        id=f"{district}-{section}-link{n:04d}",
                        district_id=district,
                        owner_kind=CalendarOwner.SECTION,
                        owner_id=section,
                        created_by="admin-1" if scope == "ours" else "admin-2",
                        created_at=AT + timedelta(minutes=n),
                        secret_hash=f"{district}-{section}-{n}",
                    )
                )


@pytest.fixture(scope="module")
async def seeded(embedded: Embedded) -> AsyncIterator[Seeded[SchedulerStore]]:
    async with watched_database(embedded, "paged_list_plans") as watched:
        store = SchedulerStore(watched.client, watched.database)
        await store.create_indexes()
        await store.atomically(seed)
        yield Seeded(store, watched.finds, watched.db_file)


PAGED: dict[str, Paged[SchedulerStore]] = {
    "schools": Paged(lambda s, a: s.page_schools(D, None, a), "schools", 1),
    # A term's own school or the district's: matched on the rows of the district's range.
    "terms": Paged(lambda s, a: s.page_terms(D, "school-0001", a), "terms", 1),
    "sections": Paged(lambda s, a: s.page_sections(D, SectionFilter(), a), "sections", 1),
    "sections of a school": Paged(
        lambda s, a: s.page_sections(D, SectionFilter(school_id="school-0003"), a),
        "sections",
        2,
    ),
    # A teacher's: `teacher_ids` matched on the rows of the district's range, by `$elemMatch`.
    "sections of a teacher": Paged(
        lambda s, a: s.page_sections(D, SectionFilter(teacher_id="teacher-1"), a),
        "sections",
        1,
    ),
    "students of a section": Paged(
        lambda s, a: s.page_section_students(D, "sec-0000", a),
        "enrolments",
        2,
    ),
    "groups of a section": Paged(lambda s, a: s.page_groups(D, "sec-0000", a), "student_groups", 2),
    "sessions of a section": Paged(
        lambda s, a: s.page_sessions(D, "sec-0000", ALL_TIME, a),
        "sessions",
        2,
    ),
    "links of a calendar": Paged(
        lambda s, a: s.page_calendar_links(
            D, owner=Owner(CalendarOwner.SECTION, "sec-0000"), created_by=None, asked=a
        ),
        "calendar_links",
        4,  # district, owner kind and id, and live (no revocation)
    ),
    "links one made": Paged(
        lambda s, a: s.page_calendar_links(D, owner=None, created_by="admin-1", asked=a),
        "calendar_links",
        3,
    ),
}


@pytest.mark.parametrize("name", PAGED)
@pytest.mark.parametrize("deep", [False, True], ids=["first page", "deep page"])
async def test_a_page_is_one_index_range_read_with_its_order_and_limit(
    seeded: Seeded[SchedulerStore], tmp_path: Path, name: str, deep: bool
) -> None:
    await one_index_range(seeded, PAGED[name], tmp_path / "snapshot.db", first=10, deep=deep)
