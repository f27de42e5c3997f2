"""Calendar links' use cases: create, list and revoke a link; read the calendar a secret opens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bookend.auth import Principal, Role
from bookend.clock import Clock, Span
from bookend.contracts.scheduler import CalendarOwner
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import Forbidden
from services.scheduler import access
from services.scheduler.calendars.domain import (
    CalendarLink,
    CalendarLinkNotFound,
    CalendarNotFound,
    CalendarWindow,
    NewLink,
    Owner,
    StudentUnknown,
    new_link,
    new_secret,
    require_room,
    secret_hash,
)
from services.scheduler.calendars.ics import CalendarContent
from services.scheduler.calendars.ports import Reads, Store, Transaction
from services.scheduler.feed.domain import FeedItem, FeedQuery, session_item, task_item
from services.scheduler.feed.service import FALLBACK_ZONE
from services.scheduler.roster.domain import SectionNotFound
from services.scheduler.roster.ports import SectionFilter

SECOND = timedelta(seconds=1)


async def create_link(
    owner: Owner,
    *,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
    per_owner: int,
    make_secret: Callable[[], str] = new_secret,
) -> NewLink:
    """A new link to the owner's calendar; its secret is in this answer and nowhere else."""

    async def work(tx: Transaction) -> NewLink:
        await require_manages(principal, owner, tx)
        live = await tx.list_calendar_links(
            principal.district, owner=owner, created_by=None, limit=per_owner
        )
        require_room(len(live), per_owner)
        made = new_link(
            ids(),
            owner,
            district_id=principal.district,
            created_by=principal.subject,
            at=clock(),
            secret=make_secret(),
        )
        await tx.add_calendar_link(made.link)
        return made

    return await store.atomically(work)


async def list_links(
    owner: Owner | None, asked: PageAsk, *, principal: Principal, store: Store
) -> KeyedPage[CalendarLink]:
    """A page of a calendar's live links, newest first, for whoever may manage it; without
    an owner, of the live links the principal made (as many as they made: paged)."""
    if owner is None:
        return await store.page_calendar_links(
            principal.district, owner=None, created_by=principal.subject, asked=asked
        )
    await require_manages(principal, owner, store)
    return await store.page_calendar_links(
        principal.district, owner=owner, created_by=None, asked=asked
    )


async def revoke_link(
    link_id: str, *, principal: Principal, store: Store, clock: Clock
) -> CalendarLink:
    """The address answers 404 from the moment this commits; revoking again changes nothing."""

    async def work(tx: Transaction) -> CalendarLink:
        link = await tx.get_calendar_link(principal.district, link_id)
        if link is None:
            raise CalendarLinkNotFound(link_id)
        await require_manages(principal, link.owner, tx)
        revoked = link.revoke(clock())
        if revoked is not link:
            await tx.save_calendar_link(revoked)
        return revoked

    return await store.atomically(work)


async def require_manages(principal: Principal, owner: Owner, reads: Reads) -> None:
    """A student's calendar is theirs, their guardian's, a district admin's or an admin's of a
    school they attend; a section's is its teachers' and its school's admins'. Students and
    guardians subscribe to the student's calendar, which holds the section's items already."""
    district = principal.district
    if owner.kind is CalendarOwner.SECTION:
        section = await reads.get_section(district, owner.id)
        if section is None:
            raise SectionNotFound(owner.id)
        access.require_teaches(principal, section)
        return
    allowed = principal.has(Role.DISTRICT_ADMIN) or await access.may_view_student(
        principal, owner.id, reads
    )
    if not allowed and principal.has(Role.SCHOOL_ADMIN) and principal.school:
        attended = await access.attended_section_ids(reads, district, [owner.id])
        which = SectionFilter(school_id=principal.school, section_ids=attended)
        allowed = bool(attended) and bool(await reads.list_sections(district, which))
    if not allowed:
        raise Forbidden(
            f"only student {owner.id!r}, their guardian or an admin of their school may do this"
        )
    if await reads.get_learner(district, owner.id) is None:
        raise StudentUnknown(owner.id)


async def open_calendar(secret: str, *, reads: Reads) -> CalendarLink:
    """The live link a secret opens. Malformed, unknown and revoked secrets cost the same one
    indexed lookup of a hash and get the same answer."""
    link = await reads.find_calendar_link(secret_hash(secret))
    if link is None or not link.is_live:
        raise CalendarNotFound()
    return link


async def calendar_content(
    link: CalendarLink, *, reads: Reads, clock: Clock, window: CalendarWindow
) -> CalendarContent:
    """The items of the calendar's window with their statuses now, in feed order."""
    now = clock()
    span = window.around(now)
    if link.owner_kind is CalendarOwner.STUDENT:
        name, zone, items = await _student_items(link, reads, span, window.max_events)
    else:
        name, zone, items = await _section_items(link, reads, span, window.max_events)
    return CalendarContent(name, zone, [(item, item.status(now)) for item in items])


async def _student_items(
    link: CalendarLink, reads: Reads, span: Span, limit: int
) -> tuple[str, str, list[FeedItem]]:
    """The student's feed read model itself, the range the feed API reads for `from`/`to`:
    the calendar and the feed cannot disagree."""
    district, student_id = link.district_id, link.owner_id
    query = FeedQuery(student_id, limit, None, span, frozenset(), frozenset())
    items = await reads.list_feed_items(district, query, None, limit)
    learner = await reads.get_learner(district, student_id)
    return f"Bookend: {student_id}", learner.time_zone if learner else FALLBACK_ZONE, items


async def _section_items(
    link: CalendarLink, reads: Reads, span: Span, limit: int
) -> tuple[str, str, list[FeedItem]]:
    """A section's sessions and tasks, made into items by the feed's own rules."""
    district, section_id = link.district_id, link.owner_id
    section = await reads.get_section(district, section_id)
    if section is None:
        raise CalendarNotFound()
    sessions = await reads.list_sessions(district, section_id, span)
    assert span.starts is not None
    # A second early: the embedded store compares instants to the second (ADR 0007).
    tasks = await reads.list_tasks_due_after(district, section_id, span.starts - SECOND)
    items = [session_item(section_id, session) for session in sessions]
    items += [task_item(section_id, task) for task in tasks if task.due_at in span]
    items.sort(key=lambda item: (item.actionable_at, item.item_id))
    return f"Bookend: {section.name}", section.time_zone, items[:limit]
