"""Calendar links (the scheduler service): secret addresses of a student's or a section's
calendar that families subscribe to from any calendar app."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

import strawberry

from bookend.http_contracts import calendars as http
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import CalendarOwner
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.paging import After, Connection, First, checked_page

OwnerId = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="Name exactly one of studentId and sectionId."),
]


@strawberry.type(
    description=(
        "A secret address of a student's calendar (their whole feed) or a section's (its "
        "sessions and tasks), in iCalendar format for any calendar app. Revoking it makes the "
        "address answer 404 at once."
    )
)
class CalendarLink(FromContract[http.CalendarLink]):
    id: strawberry.ID
    owner_kind: CalendarOwner
    owner_id: strawberry.ID
    created_by: strawberry.ID
    created_at: datetime
    revoked_at: datetime | None
    url: str | None = strawberry.field(
        description=(
            "The address to subscribe to, with its secret: given only in createCalendarLink's "
            "answer (the secret is not kept, so it cannot be shown again). Keep it like a "
            "password: whoever has it reads the calendar."
        )
    )

    @classmethod
    def of(cls, model: http.CalendarLink, url: str | None = None) -> Self:
        return from_contract(cls, model, url=url)


CreateCalendarLinkResult = Annotated[
    CalendarLink | Failure, strawberry.union("CreateCalendarLinkResult")
]
RevokeCalendarLinkResult = Annotated[
    CalendarLink | Failure, strawberry.union("RevokeCalendarLinkResult")
]


def public_base(info: Info) -> str:
    """Where families reach the gateway: its public URL, or the address this request came to."""
    settings, request = info.context.settings, info.context.request
    if settings.public_url:
        return settings.public_url.rstrip("/")
    assert request is not None  # mutations come over HTTP
    return str(request.base_url).rstrip("/")


@strawberry.type
class CalendarQuery:
    @strawberry.field(
        description=(
            "The live links of a calendar you manage (a student's or a section's); with "
            "neither argument, the live links you made. Newest first (Relay paging), never "
            "with their secrets."
        )
    )
    async def calendar_links(
        self,
        info: Info,
        student_id: OwnerId = None,
        section_id: OwnerId = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[CalendarLink]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_calendar_links(student_id, section_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, CalendarLink.of))


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(
        description=(
            "A new secret link to a student's calendar (the student, their guardian, an admin "
            "of their school) or a section's (its teachers, its school's admins). The answer's "
            "url is the only time the secret is shown. A calendar has a bounded number of live "
            "links: one per device or family member."
        )
    )
    async def create_calendar_link(
        self, info: Info, student_id: OwnerId = None, section_id: OwnerId = None
    ) -> CreateCalendarLinkResult:
        owner = http.CalendarLinkCreate.model_construct(
            student_id=student_id, section_id=section_id
        )
        base = public_base(info)
        call = info.context.clients.scheduler.create_calendar_link(owner)
        return await mutate(call, lambda made: CalendarLink.of(made, url=base + made.path))

    @strawberry.mutation(description="The link's address answers 404 from now on.")
    async def revoke_calendar_link(self, info: Info, id: strawberry.ID) -> RevokeCalendarLinkResult:
        call = info.context.clients.scheduler.revoke_calendar_link(id)
        return await mutate(call, CalendarLink.of)
