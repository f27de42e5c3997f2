"""Live feedback: check-ins during a live session, and the session's live event stream."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from bookend.contracts import EventData
from bookend.contracts.feedback import CheckInRecorded
from bookend.contracts.scheduler import SessionEnded, SessionStarted
from bookend.http_contracts import feedback as http
from bookend.http_contracts import scheduler as scheduler_http
from gateway.clients import FeedbackClient
from gateway.context import Info
from gateway.hub import SubscriberTooSlow
from gateway.schema.enums import ChannelStatus, CheckInSignal, SessionStatus
from gateway.schema.errors import Failure, PublicError, mutate, query
from gateway.upstream import UpstreamFailure


@strawberry.type
class CheckIn:
    id: strawberry.ID
    session_id: strawberry.ID
    student_id: strawberry.ID
    signal: CheckInSignal
    note: str | None
    recorded_at: datetime

    @classmethod
    def of(cls, check_in: http.CheckIn) -> CheckIn:
        return cls(
            id=strawberry.ID(check_in.id),
            session_id=strawberry.ID(check_in.session_id),
            student_id=strawberry.ID(check_in.student_id),
            signal=check_in.signal,
            note=check_in.note,
            recorded_at=check_in.recorded_at,
        )


@strawberry.type
class CheckInCounts:
    got_it: int
    unsure: int
    lost: int


@strawberry.type
class LiveChannel:
    session_id: strawberry.ID
    status: ChannelStatus
    opened_at: datetime | None
    closed_at: datetime | None
    counts: CheckInCounts

    @classmethod
    def of(cls, channel: http.Channel) -> LiveChannel:
        counts = channel.counts
        return cls(
            session_id=strawberry.ID(channel.session_id),
            status=channel.status,
            opened_at=channel.opened_at,
            closed_at=channel.closed_at,
            counts=CheckInCounts(got_it=counts.got_it, unsure=counts.unsure, lost=counts.lost),
        )


@strawberry.type
class CheckInReceived:
    check_in: CheckIn


@strawberry.type
class SessionStatusChanged:
    session_id: strawberry.ID
    status: SessionStatus
    at: datetime

    @classmethod
    def now(cls, session: scheduler_http.Session) -> SessionStatusChanged:
        """The session's status as it stands, at the moment it last changed."""
        return cls(
            session_id=strawberry.ID(session.id),
            status=session.status,
            at=session.ended_at or session.started_at or session.starts_at,
        )


SessionEvent = Annotated[CheckInReceived | SessionStatusChanged, strawberry.union("SessionEvent")]
CheckInResult = Annotated[CheckIn | Failure, strawberry.union("CheckInResult")]


@strawberry.type
class FeedbackQuery:
    @strawberry.field
    async def live_channel(self, info: Info, session_id: strawberry.ID) -> LiveChannel:
        ctx = info.context
        return LiveChannel.of(
            await query(ctx.clients.feedback.get_channel(session_id, token=ctx.caller.token))
        )

    @strawberry.field
    async def check_ins(self, info: Info, session_id: strawberry.ID) -> list[CheckIn]:
        ctx = info.context
        check_ins = await query(
            ctx.clients.feedback.list_check_ins(session_id, token=ctx.caller.token)
        )
        return [CheckIn.of(item) for item in check_ins.items]


@strawberry.type
class FeedbackMutation:
    @strawberry.mutation
    async def check_in(
        self, info: Info, session_id: strawberry.ID, signal: CheckInSignal, note: str | None = None
    ) -> CheckInResult:
        ctx = info.context
        # Unvalidated here: feedback checks its own input, the note's length included (ADR 0009).
        check_in = http.CheckInCreate.model_construct(signal=signal, note=note)
        return await mutate(
            ctx.clients.feedback.record_check_in(session_id, check_in, token=ctx.caller.token),
            CheckIn.of,
        )


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
        district, staff = caller.principal.district, caller.principal.is_staff

        def accepts(payload: EventData) -> bool:
            if payload.district_id != district:
                return False
            if isinstance(payload, SessionStarted | SessionEnded):
                return payload.session_id == session_id
            if isinstance(payload, CheckInRecorded):
                return staff and payload.session_id == session_id
            return False

        # Listen first, then read the session: nothing can slip between the snapshot and the
        # stream. The scheduler decides who may see the session; its refusal ends it here.
        async with ctx.hub.subscribe(accepts) as subscriber:
            session = await query(ctx.clients.scheduler.get_session(session_id, token=caller.token))
            yield SessionStatusChanged.now(session)
            try:
                async for payload in subscriber.events():
                    update = await _session_event(payload, ctx.clients.feedback, caller.token)
                    if update is not None:
                        yield update
            except SubscriberTooSlow:
                raise PublicError(
                    "SUBSCRIPTION_TOO_SLOW", "events arrived faster than they were read"
                ) from None


async def _session_event(
    payload: EventData, feedback: FeedbackClient, token: str
) -> SessionEvent | None:
    if isinstance(payload, SessionStarted):
        return SessionStatusChanged(
            session_id=strawberry.ID(payload.session_id),
            status=SessionStatus.LIVE,
            at=payload.started_at,
        )
    if isinstance(payload, SessionEnded):
        return SessionStatusChanged(
            session_id=strawberry.ID(payload.session_id),
            status=SessionStatus.ENDED,
            at=payload.ended_at,
        )
    if isinstance(payload, CheckInRecorded):
        try:
            # The note stays out of events; fetch it with the subscriber's own rights.
            check_in = await feedback.get_check_in(payload.checkin_id, token=token)
        except UpstreamFailure:
            return None  # gone, or no longer visible to this subscriber
        return CheckInReceived(check_in=CheckIn.of(check_in))
    return None
