"""Live feedback: check-ins, joins and leaves during a live session, and the session's live
event stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from contextlib import aclosing
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, TypeVar

import strawberry

from bookend.auth import Principal
from bookend.contracts import EventData
from bookend.contracts.feedback import CheckInRecorded
from bookend.contracts.scheduler import SessionCancelled, SessionEnded, SessionStarted
from bookend.http_contracts import feedback as http
from bookend.http_contracts import scheduler as scheduler_http
from gateway.clients import FeedbackClient
from gateway.context import Context, Info
from gateway.hub import Same, Subscriber, SubscriberTooSlow
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import (
    AttendanceMark,
    ChannelStatus,
    CheckInSignal,
    Presence,
    SessionStatus,
)
from gateway.schema.errors import Failure, IdempotencyKey, PublicError, mutate, query
from gateway.schema.frames import LiveFrames
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.schema.prompts import (
    PromptAnswerReceived,
    PromptPosted,
    PromptStatusChanged,
    is_prompt_event,
    prompt_frame,
    prompts_now,
    shows_prompt_event,
)
from gateway.schema.questions import (
    QUESTION_EVENTS,
    QuestionChanged,
    answers_asker,
    question_changed,
    shows_question,
)
from gateway.upstream import UpstreamFailure, UpstreamUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")


@strawberry.type
class CheckIn(Node, FromContract[http.CheckIn]):
    id: strawberry.ID
    session_id: strawberry.ID
    student_id: strawberry.ID
    signal: CheckInSignal
    note: str | None
    recorded_at: datetime


@strawberry.type
class CheckInCounts(FromContract[http.SignalCounts]):
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
        return from_contract(cls, channel, counts=CheckInCounts.of(channel.counts))


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
            at=session.ended_at or session.cancelled_at or session.started_at or session.starts_at,
        )


@strawberry.type(
    description="A join or leave as recorded: the first time, for a client event sent again."
)
class PresenceReport(FromContract[http.PresenceReport]):
    session_id: strawberry.ID
    student_id: strawberry.ID
    client_event_id: str
    kind: Presence
    received_at: datetime = strawberry.field(
        description="When the service received it (its clock, not the client's)."
    )


@strawberry.type
class StudentAttendance(FromContract[http.StudentAttendance]):
    student_id: strawberry.ID
    mark: AttendanceMark
    minutes_present: int = strawberry.field(
        description="Minutes between their joins and leaves within the session's start and end."
    )


@strawberry.type(
    description=(
        "How the students expected (those enrolled when it ended) attended a live session: "
        "absent (never joined), late (first joined more than 5 minutes after the start), left "
        "early (last left more than 5 minutes before the end; late wins over it), or present."
    )
)
class SessionAttendance:
    session_id: strawberry.ID
    section_id: strawberry.ID
    started_at: datetime
    ended_at: datetime
    summarized_at: datetime
    students: list[StudentAttendance]

    @classmethod
    def of(cls, attendance: http.Attendance) -> SessionAttendance:
        students = [StudentAttendance.of(s) for s in attendance.students]
        return from_contract(cls, attendance, students=students)


CLIENT_EVENT_ID = (
    "Your client's id for this one join or leave (1 to 100 printable characters, e.g. a UUID): "
    "sent again (a retry, a replayed offline queue) it records nothing twice and answers as "
    "the first time."
)
ClientEventId = Annotated[str, strawberry.argument(description=CLIENT_EVENT_ID)]

SessionEvent = Annotated[
    CheckInReceived
    | SessionStatusChanged
    | PromptPosted
    | PromptAnswerReceived
    | PromptStatusChanged
    | QuestionChanged,
    strawberry.union("SessionEvent"),
]
CheckInResult = Annotated[CheckIn | Failure, strawberry.union("CheckInResult")]
PresenceResult = Annotated[PresenceReport | Failure, strawberry.union("PresenceResult")]


@strawberry.type
class FeedbackQuery:
    @strawberry.field
    async def live_channel(self, info: Info, session_id: strawberry.ID) -> LiveChannel:
        return await query(info.context.clients.feedback.get_channel(session_id), LiveChannel.of)

    @strawberry.field(
        description=(
            "A live session's attendance once it ended: every student's for the section's "
            "staff, your own for a student of the section."
        )
    )
    async def session_attendance(self, info: Info, session_id: strawberry.ID) -> SessionAttendance:
        call = info.context.clients.feedback.get_attendance(session_id)
        return await query(call, SessionAttendance.of)

    @strawberry.field(
        description=(
            "A live session's check-ins as recorded (Relay paging): every one for the"
            " section's staff, your own for a student of the section."
        )
    )
    async def check_ins(
        self, info: Info, session_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[CheckIn]:
        asked = checked_page(first, after, info)
        call = info.context.clients.feedback.list_check_ins(session_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, CheckIn.of))


@strawberry.type
class FeedbackMutation:
    @strawberry.mutation
    async def check_in(
        self,
        info: Info,
        session_id: strawberry.ID,
        signal: CheckInSignal,
        note: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> CheckInResult:
        # Unvalidated here: feedback checks its own input, the note's length included (ADR 0009).
        check_in = http.CheckInCreate.model_construct(signal=signal, note=note)
        call = info.context.clients.feedback.record_check_in(session_id, check_in, idempotency_key)
        return await mutate(call, CheckIn.of)

    @strawberry.mutation(
        description=(
            "You, a student of the session's section, joined its live session (again, after a "
            "leave: a rejoin). Taken while the session is live; at most 50 joins a session."
        )
    )
    async def join_session(
        self, info: Info, session_id: strawberry.ID, client_event_id: ClientEventId
    ) -> PresenceResult:
        presence = http.PresenceCreate.model_construct(client_event_id=client_event_id)
        call = info.context.clients.feedback.join_session(session_id, presence)
        return await mutate(call, PresenceReport.of)

    @strawberry.mutation(
        description=(
            "You left the session's live session. A leave when you are not in it (never joined, "
            "or left already) is refused (NOT_IN_SESSION) and records nothing."
        )
    )
    async def leave_session(
        self, info: Info, session_id: strawberry.ID, client_event_id: ClientEventId
    ) -> PresenceResult:
        presence = http.PresenceCreate.model_construct(client_event_id=client_event_id)
        call = info.context.clients.feedback.leave_session(session_id, presence)
        return await mutate(call, PresenceReport.of)


@strawberry.type
class FeedbackSubscription:
    @strawberry.subscription(
        description=(
            "A live session's status now and its prompts as they stand, then its status "
            "changes, prompts opened, closed and revealed, (for staff) check-ins and "
            "prompts' answers with their aggregate, and its questions: every one for staff, "
            "class questions (never whose) for students, and to its asker alone the answer "
            "of their teacher-only question. It completes once it has sent the session's "
            "ENDED or CANCELLED status; subscribed to a session already over, it sends the "
            "session as it stands and completes."
        )
    )
    async def session_events(
        self, info: Info, session_id: strawberry.ID
    ) -> AsyncGenerator[SessionEvent, None]:
        ctx = info.context
        district, staff = ctx.caller.principal.district, ctx.caller.principal.is_staff
        subject = ctx.caller.principal.subject

        def accepts(payload: EventData) -> bool:
            if payload.district_id != district:
                return False
            if isinstance(payload, SessionStarted | SessionEnded | SessionCancelled):
                return payload.session_id == session_id
            if isinstance(payload, CheckInRecorded):
                return staff and payload.session_id == session_id
            if (prompted := shows_prompt_event(payload, session_id, staff=staff)) is not None:
                return prompted
            if isinstance(payload, QUESTION_EVENTS):
                return shows_question(payload, session_id, staff=staff, subject=subject)
            return False

        # Listen first, then read the session: nothing can slip between the snapshot and the
        # stream. The scheduler decides who may see the session; its refusal ends it here.
        async with ctx.hub.subscribe(accepts) as subscriber:
            now = await query(
                ctx.clients.scheduler.get_session(session_id), SessionStatusChanged.now
            )
            yield now
            # A late joiner starts from the prompts as they stand (ADR 0034).
            for posted in await prompts_now(ctx.clients, session_id):
                yield posted
            if now.status in OVER:
                return  # nothing more will happen to it: the stream completes
            events, frames = _until_over(_events(subscriber)), info.root_value
            if isinstance(frames, LiveFrames):  # over a WebSocket: it sends them itself
                resolve, audience = partial(_session_event, ctx=ctx), partial(_audience, ctx=ctx)
                await _before(ctx.caller.expires_at, frames.deliver(events, resolve, audience))
            else:
                async for payload in _each_before(ctx.caller.expires_at, events):
                    update = await _session_event(payload, ctx)
                    if update is not None:
                        yield update


# A session's last statuses: once one is sent, its stream completes.
OVER = frozenset({SessionStatus.ENDED, SessionStatus.CANCELLED})


async def _until_over(events: AsyncGenerator[EventData, None]) -> AsyncIterator[EventData]:
    """The session's events up to and with its end or cancellation, which the subscription
    sends as its last status before it completes (the filter passes only this session's)."""
    async with aclosing(events):
        async for payload in events:
            yield payload
            if isinstance(payload, SessionEnded | SessionCancelled):
                return


async def _each_before(deadline: datetime, events: AsyncIterator[T]) -> AsyncIterator[T]:
    """Each of `events` while the subscriber's token lasts (`_before`)."""
    while True:
        try:
            payload = await _before(deadline, anext(events))
        except StopAsyncIteration:
            return
        yield payload


async def _events(subscriber: Subscriber) -> AsyncGenerator[EventData, None]:
    try:
        async for payload in subscriber.events():
            yield payload
    except SubscriberTooSlow:
        raise PublicError(
            "SUBSCRIPTION_TOO_SLOW", "events arrived faster than they were read"
        ) from None


async def _before(deadline: datetime, waiting: Awaitable[T]) -> T:
    """The next event (or all of them, sent by the transport), unless the subscriber's token
    expires first: then the stream ends with TOKEN_EXPIRED, and the client reconnects with a
    fresh token. A timeout, not `wait_for`: that starts a task per event, a thousand of them
    per event fanned out."""
    seconds = (deadline - datetime.now(UTC)).total_seconds()
    try:
        async with asyncio.timeout(max(seconds, 0)):
            return await waiting
    except TimeoutError:
        raise PublicError("TOKEN_EXPIRED", "the bearer token expired; subscribe again") from None


def _audience(payload: EventData, ctx: Context) -> Principal:
    """Whom an event is resolved and executed for: the subscriber's claims without who they
    are (ADR 0018), but the subscriber themselves for an event that is theirs alone, the
    answer of their own teacher-only question (ADR 0039), so that no one else of their
    audience could ever be handed it."""
    if not ctx.audience.is_staff and answers_asker(payload, ctx.caller.principal.subject):
        return ctx.caller.principal
    return ctx.audience


async def _session_event(payload: EventData, ctx: Context) -> SessionEvent | None:
    """One object per event and audience, shared by all its subscribers, so that it is fetched
    and executed once for them all (ADR 0018). Callers whose claims are the same but for who
    they are see the same check-in: feedback decides by the claims alone (a test there holds
    it to that). An event for one subscriber alone is theirs (`_audience`)."""
    feedback = ctx.clients.feedback
    audience = _audience(payload, ctx)
    key = (Same(payload), audience)
    if is_prompt_event(payload):
        # Prompts' frames differ by whether the audience is staff (ADR 0034).
        staff = ctx.audience.is_staff
        return await ctx.hub.resolutions.once(
            key, lambda: prompt_frame(payload, feedback, staff=staff)
        )
    asker = audience is not ctx.audience
    return await ctx.hub.resolutions.once(key, lambda: _resolve(payload, feedback, asker=asker))


async def _resolve(
    payload: EventData, feedback: FeedbackClient, *, asker: bool = False
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
    if isinstance(payload, SessionCancelled):
        return SessionStatusChanged(
            session_id=strawberry.ID(payload.session_id),
            status=SessionStatus.CANCELLED,
            at=payload.cancelled_at,
        )
    if isinstance(payload, CheckInRecorded):
        return await _check_in(payload, feedback)
    if isinstance(payload, QUESTION_EVENTS):
        return await question_changed(payload, feedback, asker=asker)
    return None


async def _check_in(payload: CheckInRecorded, feedback: FeedbackClient) -> CheckInReceived | None:
    """The note stays out of events: fetch it with the subscriber's own rights. A passing
    failure of the feedback service is retried, and then the check-in is shown without its
    note, rather than ending the teacher's stream."""
    for pause in (0.1, 0.3, 0.9):
        try:
            return CheckInReceived(
                check_in=CheckIn.of(await feedback.get_check_in(payload.checkin_id))
            )
        except UpstreamFailure:
            return None  # gone, or no longer visible to this subscriber
        except UpstreamUnavailable:
            await asyncio.sleep(pause)
    log.warning("check-in %s shown without its note: feedback is unavailable", payload.checkin_id)
    return CheckInReceived(
        check_in=CheckIn(
            id=strawberry.ID(payload.checkin_id),
            session_id=strawberry.ID(payload.session_id),
            student_id=strawberry.ID(payload.student_id),
            signal=payload.signal,
            note=None,
            recorded_at=payload.recorded_at,
        )
    )
