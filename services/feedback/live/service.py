"""Live sessions' use cases: students check in, join and leave during live sessions; staff and
students read them."""

from __future__ import annotations

from dataclasses import dataclass

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock, stored_instant
from bookend.contracts.feedback import CheckInSignal, Presence
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from bookend.problems import refuse_if
from services.feedback.access import attends, teaches
from services.feedback.events import OUTBOUND
from services.feedback.live.domain import (
    AttendanceNotFound,
    AttendanceSummary,
    Attendee,
    ChannelNotFound,
    CheckIn,
    CheckInNotFound,
    LiveChannel,
    PresenceReport,
    check_in,
    client_event_id_errors,
    latest_signals,
    report_presence,
)
from services.feedback.live.ports import Store, Transaction


@dataclass(frozen=True, slots=True)
class ChannelView:
    channel: LiveChannel
    counts: dict[CheckInSignal, int]


async def record_check_in(
    session_id: str,
    *,
    signal: CheckInSignal,
    note: str | None,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
) -> CheckIn:
    """Record a student's signal; the check-in and CheckInRecorded commit together."""
    principal.require(Role.STUDENT)

    async def work(tx: Transaction) -> CheckIn:
        channel = await tx.get_channel(principal.district, session_id)
        if channel is not None and not attends(principal, channel.section_id):
            raise Forbidden("only students of the session's section may check in")
        item, events = check_in(
            channel,
            session_id=session_id,
            student_id=principal.subject,
            signal=signal,
            note=note,
            new_id=ids,
            at=clock(),
        )
        await tx.add_check_in(item)
        await tx.emit(*OUTBOUND.events(events))
        return item

    return await store.atomically(work)


@dataclass(frozen=True, slots=True)
class PresenceView:
    """A join or leave as recorded (the first time, for a repeated client event), and the
    student's reports now."""

    attendee: Attendee
    report: PresenceReport
    repeated: bool = False  # the client event was recorded before: nothing changed now


async def record_presence(
    session_id: str,
    *,
    kind: Presence,
    client_event_id: str,
    principal: Principal,
    store: Store,
    clock: Clock,
) -> PresenceView:
    """A student's own join or leave, idempotent by their client's event id; the moment is the
    service's clock, whatever the client's says (ADR 0032)."""
    principal.require(Role.STUDENT)
    refuse_if(client_event_id_errors(client_event_id))

    async def work(tx: Transaction) -> PresenceView:
        district, student = principal.district, principal.subject
        channel = await tx.get_channel(district, session_id)
        if channel is not None and not attends(principal, channel.section_id):
            raise Forbidden("only students of the session's section may join or leave it")
        before = await tx.get_attendee(district, session_id, student) if channel else None
        after, report = report_presence(
            channel,
            before,
            session_id=session_id,
            student_id=student,
            kind=kind,
            client_event_id=client_event_id,
            at=stored_instant(clock()),
        )
        if after == before:
            return PresenceView(after, report, repeated=True)
        await tx.save_attendee(after)
        return PresenceView(after, report)

    return await store.atomically(work)


async def list_session_check_ins(
    session_id: str, asked: PageAsk, *, principal: Principal, store: Store
) -> KeyedPage[CheckIn]:
    """A page of a session's check-ins as recorded: staff of the section see every one, a
    student of the section only their own."""
    channel = await _channel(session_id, principal=principal, store=store)
    if await teaches(principal, channel.section_id, store):
        return await store.page_check_ins(principal.district, session_id, asked)
    if attends(principal, channel.section_id):
        return await store.page_check_ins(
            principal.district, session_id, asked, student_id=principal.subject
        )
    raise Forbidden("only the section's staff and students may read its check-ins")


async def get_check_in(checkin_id: str, *, principal: Principal, store: Store) -> CheckIn:
    item = await store.get_check_in(principal.district, checkin_id)
    # Anyone else is told it does not exist, so ids reveal nothing about other students.
    if item is None or not (
        await teaches(principal, item.section_id, store)
        or (principal.has(Role.STUDENT) and item.student_id == principal.subject)
    ):
        raise CheckInNotFound(checkin_id)
    return item


async def get_channel(session_id: str, *, principal: Principal, store: Store) -> ChannelView:
    """The channel's state and how the section feels now (each student's latest signal)."""
    channel = await _channel(session_id, principal=principal, store=store)
    staff = await teaches(principal, channel.section_id, store)
    if not (staff or attends(principal, channel.section_id)):
        raise Forbidden("only the section's staff and students may read its live channel")
    check_ins = await store.list_check_ins(principal.district, session_id)
    return ChannelView(channel=channel, counts=latest_signals(check_ins))


async def get_attendance(
    session_id: str, *, principal: Principal, store: Store
) -> AttendanceSummary:
    """A session's attendance once it ended: every student's mark and minutes for the section's
    staff, their own line for a student of the section."""
    channel = await _channel(session_id, principal=principal, store=store)
    staff = await teaches(principal, channel.section_id, store)
    if not (staff or attends(principal, channel.section_id)):
        raise Forbidden("only the section's staff and students may read its attendance")
    summary = await store.get_attendance_summary(principal.district, session_id)
    if summary is None:
        raise AttendanceNotFound(session_id)
    return summary if staff else summary.of_student(principal.subject)


async def _channel(session_id: str, *, principal: Principal, store: Store) -> LiveChannel:
    channel = await store.get_channel(principal.district, session_id)
    if channel is None:
        raise ChannelNotFound(session_id)
    return channel
