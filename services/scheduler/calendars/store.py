"""Calendar links' MongoDB access. `services/scheduler/store.py` composes it with the other
slices' into one store."""

from __future__ import annotations

from bookend.mongo import Document, Queries, exact, from_document, order_key, to_document
from bookend.paging import KeyedPage, PageAsk
from services.scheduler.calendars.domain import CalendarLink, Owner

CALENDAR_LINKS = "calendar_links"
NEWEST_FIRST = [("created_at", -1), ("_id", -1)]
# When a link was made, then its id, as one string written with it (ADR 0007): the key its
# lists are paged by, newest first.
ORDER = "order"
ORDER_ADDED = "calendar_link_order_added"

# (collection, fields, unique): a calendar's address is found by its secret's hash alone.
INDEXES: list[tuple[str, list[str], bool]] = [
    (CALENDAR_LINKS, ["secret_hash"], True),
    (CALENDAR_LINKS, ["district_id", "owner_kind", "owner_id", "revoked_at"], False),
    (CALENDAR_LINKS, ["district_id", "created_by", "revoked_at"], False),
    (CALENDAR_LINKS, ["district_id", "owner_kind", "owner_id", "revoked_at", ORDER], False),
    (CALENDAR_LINKS, ["district_id", "created_by", "revoked_at", ORDER], False),
]


class CalendarQueries(Queries):
    async def find_calendar_link(self, secret_hash: str) -> CalendarLink | None:
        return await self._get(CalendarLink, CALENDAR_LINKS, {"secret_hash": secret_hash}, key="id")

    async def get_calendar_link(self, district_id: str, link_id: str) -> CalendarLink | None:
        query = {"_id": link_id, "district_id": district_id}
        return await self._get(CalendarLink, CALENDAR_LINKS, query, key="id")

    async def list_calendar_links(
        self, district_id: str, *, owner: Owner | None, created_by: str | None, limit: int
    ) -> list[CalendarLink]:
        query = _live(district_id, owner, created_by)
        return await self._list(
            CalendarLink, CALENDAR_LINKS, query, NEWEST_FIRST, key="id", limit=limit
        )

    async def page_calendar_links(
        self, district_id: str, *, owner: Owner | None, created_by: str | None, asked: PageAsk
    ) -> KeyedPage[CalendarLink]:
        query = _live(district_id, owner, created_by)
        return await self._page(CALENDAR_LINKS, query, ORDER, asked, _link, descending=True)

    async def add_calendar_link_order(self) -> None:
        """Links stored before they were paged get their order field, once."""
        await self._add_missing(
            CALENDAR_LINKS, ORDER, lambda doc: link_document(_link(doc)), ORDER_ADDED
        )


class CalendarWrites(CalendarQueries):
    async def add_calendar_link(self, link: CalendarLink) -> None:
        await self.db[CALENDAR_LINKS].insert_one(link_document(link), session=self.session)

    async def save_calendar_link(self, link: CalendarLink) -> None:
        # Whole, never field by field: a `$set` of a datetime is a string on the embedded store.
        await self.db[CALENDAR_LINKS].replace_one(
            exact({"_id": link.id}), link_document(link), upsert=True, session=self.session
        )


def link_document(link: CalendarLink) -> Document:
    return to_document(link, key="id") | {ORDER: order_key(link.created_at, link.id)}


def _link(doc: Document) -> CalendarLink:
    return from_document(CalendarLink, doc, key="id")


def _live(district_id: str, owner: Owner | None, created_by: str | None) -> Document:
    """Live links of an owner, or made by someone (an index's equalities, in its order)."""
    query: Document = {"district_id": district_id}
    if owner is not None:
        query |= {"owner_kind": owner.kind.value, "owner_id": owner.id}
    if created_by is not None:
        query["created_by"] = created_by
    query["revoked_at"] = None
    return query
