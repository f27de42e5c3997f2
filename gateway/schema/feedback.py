"""Live feedback: check-ins during a live session, and the session's live event stream."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from gateway.context import Context, Info
from gateway.hub import SubscriberTooSlow
from gateway.schema.errors import Failure, PublicError, mutate, query
from gateway.schema.scalars import instant
from gateway.upstream import UpstreamFailure
from bookend.auth import Role
from bookend.contracts import CloudEvent, spec_for
from bookend.contracts.feedback import CheckInRecorded
from bookend.contracts.scheduler import SessionEnded, SessionStarted


@strawberry.enum
class CheckInSignal(Enum):
    GOT_IT = "got_it"
    UNSURE = "unsure"
    LOST = "lost"


@strawberry.type
class CheckIn:
    id: strawberry.ID
    session_id: strawberry.ID
    student_id: strawberry.ID
    signal: CheckInSignal
    note: str | None
    recorded_at: datetime

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckIn:
        return cls(
            id=strawberry.ID(data["id"]), session_id=strawberry.ID(data["session_id"]),
            student_id=strawberry.ID(data["student_id"]), signal=CheckInSignal(data["signal"]),
            note=data.get("note"), recorded_at=instant(data["recorded_at"]),
        )


@strawberry.type
class CheckInCounts:
    got_it: int
    unsure: int
    lost: int


@strawberry.type
class LiveChannel:
    session_id: strawberry.ID
    status: str
    opened_at: datetime | None
    closed_at: datetime | None
    counts: CheckInCounts


@strawberry.type
class CheckInReceived:
    check_in: CheckIn


@strawberry.type
class SessionStatusChanged:
    session_id: strawberry.ID
    status: str
    at: datetime


SessionEvent = Annotated[
    CheckInReceived | SessionStatusChanged, strawberry.union("SessionEvent")
]
CheckInResult = Annotated[CheckIn | Failure, strawberry.union("CheckInResult")]

_STATUS_BY_TYPE = {
    spec_for(SessionStarted).type: ("live", "started_at"),
    spec_for(SessionEnded).type: ("ended", "ended_at"),
}
_CHECKIN = spec_for(CheckInRecorded).type


@strawberry.type
class FeedbackQuery:
    @strawberry.field
    async def live_channel(self, info: Info, session_id: strawberry.ID) -> LiveChannel:
        ctx = info.context
        data = await query(
            ctx.upstreams.feedback.call(
                "GET", f"/sessions/{session_id}/channel", token=ctx.caller.token
            )
        )
        return LiveChannel(
            session_id=strawberry.ID(data["session_id"]), status=data["status"],
            opened_at=instant(data.get("opened_at")), closed_at=instant(data.get("closed_at")),
            counts=CheckInCounts(**data["counts"]),
        )

    @strawberry.field
    async def check_ins(self, info: Info, session_id: strawberry.ID) -> list[CheckIn]:
        ctx = info.context
        data = await query(
            ctx.upstreams.feedback.call(
                "GET", f"/sessions/{session_id}/checkins", token=ctx.caller.token
            )
        )
        return [CheckIn.from_json(item) for item in data["items"]]


@strawberry.type
class FeedbackMutation:
    @strawberry.mutation
    async def check_in(
        self, info: Info, session_id: strawberry.ID, signal: CheckInSignal, note: str | None = None
    ) -> CheckInResult:
        ctx = info.context
        result = await mutate(
            ctx.upstreams.feedback.call(
                "POST", f"/sessions/{session_id}/checkins", token=ctx.caller.token,
                json={"signal": signal.value, "note": note},
            )
        )
        return CheckIn.from_json(result) if isinstance(result, dict) else result


@strawberry.type
class FeedbackSubscription:
    @strawberry.subscription(
        description=(
            "A live session's status now, then its status changes and (for staff) check-ins."
        )
    )
    async def session_events(
        self, info: Info, session_id: strawberry.ID
    ) -> AsyncGenerator[SessionEvent, None]:
        ctx = info.context
        caller = ctx.caller
        staff = caller.principal.has(Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)

        def accepts(event: CloudEvent) -> bool:
            if event.districtid != caller.principal.district:
                return False
            if event.data.get("session_id") != str(session_id):
                return False
            return event.type in _STATUS_BY_TYPE or (event.type == _CHECKIN and staff)

        # Listen first, then read the session: nothing can slip between the snapshot and the
        # stream. The scheduler decides who may see the session; its refusal ends it here.
        async with ctx.hub.subscribe(accepts) as subscriber:
            session = await query(
                ctx.upstreams.scheduler.call("GET", f"/sessions/{session_id}", token=caller.token)
            )
            yield SessionStatusChanged(
                session_id=strawberry.ID(session["id"]), status=session["status"],
                at=instant(
                    session.get("ended_at") or session.get("started_at") or session["starts_at"]
                ),
            )
            try:
                async for event in subscriber.events():
                    if (update := await _session_event(event, ctx, caller.token)) is not None:
                        yield update
            except SubscriberTooSlow:
                raise PublicError(
                    "SUBSCRIPTION_TOO_SLOW", "events arrived faster than they were read"
                ) from None


async def _session_event(event: CloudEvent, ctx: Context, token: str) -> SessionEvent | None:
    if event.type != _CHECKIN:
        status, field = _STATUS_BY_TYPE[event.type]
        return SessionStatusChanged(
            session_id=strawberry.ID(event.data["session_id"]), status=status,
            at=instant(event.data[field]),
        )
    try:
        # The note stays out of events; fetch it with the subscriber's own rights.
        data = await ctx.upstreams.feedback.call(
            "GET", f"/checkins/{event.data['checkin_id']}", token=token
        )
    except UpstreamFailure:
        return None  # gone, or no longer visible to this subscriber
    return CheckInReceived(check_in=CheckIn.from_json(data))
