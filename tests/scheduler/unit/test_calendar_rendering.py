"""A calendar is the feed's items as VEVENTs: a session from start to end, a task as a moment at
its due time; stable UIDs, UTC times, a SEQUENCE that grows as a session moves on, and an ETag
that changes exactly when the file would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bookend.contracts.scheduler import CalendarOwner, FeedItemStatus, Modality, SessionStatus
from services.scheduler.calendars import service
from services.scheduler.calendars.domain import CalendarWindow, Owner, new_link
from services.scheduler.calendars.ics import CalendarContent, calendar_file, event_of
from services.scheduler.feed.domain import session_item
from services.scheduler.sessions import changes
from tests.scheduler.builders import NOW, STARTS, TEACHER, D, feed_of, schedule, session
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock

WINDOW = CalendarWindow(days_back=28, days_ahead=184, max_events=100)
STAMP = datetime(2025, 3, 1, 12, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def render(content: CalendarContent, stamp: datetime = STAMP) -> Calendar:
    written = calendar_file(
        content, uid_domain="bookend.test", stamp=stamp, refresh=timedelta(hours=1)
    )
    return Calendar.from_ical(written)


async def content_of(store: FakeScheduler, clock: Clock, owner: Owner) -> CalendarContent:
    link = new_link("l1", owner, district_id=D, created_by="x", at=NOW, secret="s").link
    return await service.calendar_content(link, reads=store, clock=clock, window=WINDOW)


async def test_a_students_calendar_holds_their_feed_items_of_the_window_in_feed_order(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, STARTS)
    await schedule(store, NOW + timedelta(days=200))  # beyond six months: not shown
    content = await content_of(store, clock, Owner(CalendarOwner.STUDENT, "student-1"))
    feed = [
        item
        for item in await feed_of(store, "student-1")
        if item.actionable_at < NOW + timedelta(days=184)
    ]
    assert [item for item, _ in content.items] == feed
    assert [status for _, status in content.items] == [item.status(NOW) for item in feed]
    assert (content.name, content.time_zone) == ("Bookend: student-1", "Europe/London")


async def test_a_sections_calendar_holds_its_sessions_and_tasks_in_its_zone(
    store: FakeScheduler, clock: Clock
) -> None:
    booked = await schedule(store, STARTS)
    content = await content_of(store, clock, Owner(CalendarOwner.SECTION, "sec-math"))
    expected = {booked.session.id, *(task.id for task in booked.tasks)}
    assert {item.item_id for item, _ in content.items} == expected
    assert (content.name, content.time_zone) == ("Bookend: sec-math", "America/New_York")
    student = await content_of(store, clock, Owner(CalendarOwner.STUDENT, "student-1"))
    assert [(i.item_id, i.actionable_at) for i, _ in content.items] == [
        (i.item_id, i.actionable_at) for i, _ in student.items
    ]


async def test_sessions_span_their_time_and_tasks_are_moments_at_their_due_time(
    store: FakeScheduler, clock: Clock
) -> None:
    booked = await schedule(store, STARTS)
    content = await content_of(store, clock, Owner(CalendarOwner.STUDENT, "student-1"))
    calendar = render(content)
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    session = events[f"{booked.session.id}@bookend.test"]
    assert (session.decoded("DTSTART"), session.decoded("DTEND")) == (
        booked.session.starts_at,
        booked.session.ends_at,
    )
    assert f"DTSTART:{STARTS:%Y%m%dT%H%M%S}Z".encode() in calendar.to_ical()
    assert (str(session["STATUS"]), str(session["TRANSP"])) == ("CONFIRMED", "OPAQUE")
    for task in booked.tasks:
        event = events[f"{task.id}@bookend.test"]
        assert event.decoded("DTSTART") == task.due_at and "DTEND" not in event
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert str(event["SUMMARY"]) == f"Due: {task.title}"
        opens = f"{task.opens_at.astimezone(LONDON):%a %d %b %Y %H:%M} (Europe/London)"
        assert f"Opens {opens}" in str(event["DESCRIPTION"])
    assert all(e.decoded("DTSTAMP") == STAMP for e in events.values())


def test_a_sessions_sequence_grows_as_it_goes_live_and_ends() -> None:
    item = session_item("student-1", session())
    sequences = [
        (
            event_of(
                (moved_on := replace(item, session_status=status)),
                moved_on.status(STAMP),
                uid_domain="d",
                zone=LONDON,
                stamp=STAMP,
            ).decoded("SEQUENCE")
        )
        for status in (SessionStatus.SCHEDULED, SessionStatus.LIVE, SessionStatus.ENDED)
    ]
    assert sequences == sorted(set(sequences))


async def test_the_etag_follows_the_items_and_their_statuses_not_the_stamp(
    store: FakeScheduler, clock: Clock
) -> None:
    await schedule(store, STARTS)
    owner = Owner(CalendarOwner.STUDENT, "student-1")
    before = await content_of(store, clock, owner)
    assert (await content_of(store, clock, owner)).fingerprint() == before.fingerprint()
    assert render(before, STAMP) != render(before, STAMP + timedelta(days=1))
    clock.advance(days=6)  # the pre-work opens
    assert (await content_of(store, clock, owner)).fingerprint() != before.fingerprint()


async def test_a_calendar_holds_at_most_so_many_events(store: FakeScheduler, clock: Clock) -> None:
    for day in range(5):
        await schedule(store, STARTS + timedelta(days=day))
    link = new_link(
        "l1",
        Owner(CalendarOwner.SECTION, "sec-math"),
        district_id=D,
        created_by="x",
        at=NOW,
        secret="s",
    ).link
    small = CalendarWindow(days_back=28, days_ahead=184, max_events=4)
    for owner_link in (link, replace(link, owner_kind=CalendarOwner.STUDENT, owner_id="student-1")):
        content = await service.calendar_content(owner_link, reads=store, clock=clock, window=small)
        assert len(content.items) == 4
        assert [i.actionable_at for i, _ in content.items] == sorted(
            i.actionable_at for i, _ in content.items
        )


async def test_a_moved_then_cancelled_session_says_so_with_a_growing_sequence(
    store: FakeScheduler, clock: Clock
) -> None:
    booked = await schedule(store, STARTS)
    owner = Owner(CalendarOwner.STUDENT, "student-1")

    async def event_of_session() -> tuple[int, str]:
        calendar = render(await content_of(store, clock, owner))
        [event] = [
            e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(booked.session.id)
        ]
        return int(str(event["sequence"])), str(event["status"])

    first = await event_of_session()
    later = STARTS + timedelta(hours=3)
    await changes.reschedule_session(
        booked.session.id,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        principal=TEACHER,
        store=store,
    )
    moved = await event_of_session()
    await changes.cancel_session(booked.session.id, principal=TEACHER, store=store, clock=clock)
    cancelled = await event_of_session()
    assert [status for _, status in (first, moved, cancelled)] == [
        "CONFIRMED",
        "CONFIRMED",
        "CANCELLED",
    ]
    assert first[0] < moved[0] < cancelled[0]


def test_an_online_session_carries_its_join_link() -> None:
    online = replace(session(), modality=Modality.VIRTUAL, join_url="https://meet.example/x")
    item = session_item("student-1", online)
    event = event_of(item, FeedItemStatus.UPCOMING, uid_domain="b.test", zone=LONDON, stamp=STAMP)
    assert (str(event["url"]), str(event["location"])) == ("https://meet.example/x",) * 2
