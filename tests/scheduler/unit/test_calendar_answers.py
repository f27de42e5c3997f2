"""Between polls a process keeps each calendar's stamp and file: an unchanged calendar is the
same file, written once; a changed one gets a new stamp and file; memory stays bounded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bookend.contracts.scheduler import SessionStatus
from services.scheduler.calendars.answers import CalendarAnswers
from services.scheduler.calendars.ics import CalendarContent
from services.scheduler.feed.domain import session_item
from services.scheduler.settings import SchedulerSettings
from tests.scheduler.builders import session

SETTINGS = SchedulerSettings(database="-", consumer_group="-")
NOW = datetime(2025, 3, 3, 9, 0, 0, 123_000, tzinfo=UTC)


def content(status: SessionStatus = SessionStatus.SCHEDULED) -> CalendarContent:
    item = replace(session_item("student-1", session()), session_status=status)
    return CalendarContent("Bookend: student-1", "UTC", [(item, item.status(NOW))])


async def test_an_unchanged_calendar_keeps_its_stamp_and_its_file() -> None:
    answers = CalendarAnswers(SETTINGS)
    calm = content()
    stamp = answers.stamp("link-1", calm.fingerprint(), NOW)
    assert stamp == NOW.replace(microsecond=0)
    first = await answers.file("link-1", calm, stamp)
    later = NOW + timedelta(hours=1)
    assert answers.stamp("link-1", calm.fingerprint(), later) == stamp
    assert await answers.file("link-1", content(), stamp) is first  # not written again


async def test_a_changed_calendar_gets_a_new_stamp_and_file() -> None:
    answers = CalendarAnswers(SETTINGS)
    before = await answers.file(
        "link-1", content(), answers.stamp("link-1", content().fingerprint(), NOW)
    )
    live = content(SessionStatus.LIVE)
    later = NOW + timedelta(hours=1)
    stamp = answers.stamp("link-1", live.fingerprint(), later)
    assert stamp == later.replace(microsecond=0)
    after = await answers.file("link-1", live, stamp)
    assert after != before and b"SEQUENCE:1" in after


async def test_kept_files_stay_within_their_bytes_and_links_within_their_number() -> None:
    answers = CalendarAnswers(SETTINGS, max_links=3)
    one = len(await answers.file("link-0", content(), NOW))
    answers.max_bytes = 2 * one
    for n in range(1, 6):
        await answers.file(f"link-{n}", content(), NOW)
    assert answers.kept() == ["link-4", "link-5"]
