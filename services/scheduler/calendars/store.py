"""Calendar links' MongoDB access. `services/scheduler/store.py` composes it with the other
slices' into one store."""

from __future__ import annotations

from bookend.mongo import Document, Queries
from services.scheduler.calendars.domain import CalendarLink, Owner

CALENDAR_LINKS = "calendar_links"
NEWEST_FIRST = [("created_at", -1), ("_id", -1)]

# (collection, fields, unique): a calendar's address is found by its secret's hash alone.
INDEXES: list[tuple[str, list[str], bool]] = [
    (CALENDAR_LINKS, ["secret_hash"], True),
    (CALENDAR_LINKS, ["district_id", "owner_kind", "owner_id", "revoked_at"], False),
    (CALENDAR_LINKS, ["district_id", "created_by", "revoked_at"], False),
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
        query: Document = {"district_id": district_id}
        if owner is not None:
            query |= {"owner_kind": owner.kind.value, "owner_id": owner.id}
        if created_by is not None:
            query["created_by"] = created_by
        query["revoked_at"] = None
        return await self._list(
            CalendarLink, CALENDAR_LINKS, query, NEWEST_FIRST, key="id", limit=limit
        )


class CalendarWrites(CalendarQueries):
    async def add_calendar_link(self, link: CalendarLink) -> None:
        await self._add(CALENDAR_LINKS, link, key="id")

    async def save_calendar_link(self, link: CalendarLink) -> None:
        # Whole, never field by field: a `$set` of a datetime is a string on the embedded store.
        await self._save(CALENDAR_LINKS, link, "_id", key="id")
