"""Feedback's use cases: students check in during live sessions; staff and students read them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bookend.auth import Forbidden, Principal, Role
from bookend.clock import Clock, utc_now
from bookend.contracts.feedback import CheckInSignal
from services.feedback.domain import (
    ChannelNotFound,
    CheckIn,
    CheckInNotFound,
    LiveChannel,
    check_in,
    latest_signals,
)
from services.feedback.events import check_in_recorded
from services.feedback.ports import FeedbackRepository, FeedbackUnit

STAFF = (Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class ChannelView:
    channel: LiveChannel
    counts: dict[CheckInSignal, int]


# Section membership comes from the token's `sections` claim for now; once the scheduler's
# roster events arrive, feedback keeps its own copy of enrolments and checks that instead.
def _teaches(principal: Principal, section_id: str) -> bool:
    return principal.is_admin or (principal.has(*STAFF) and section_id in principal.sections)


def _attends(principal: Principal, section_id: str) -> bool:
    return principal.has(Role.STUDENT) and section_id in principal.sections


async def record_check_in(
    session_id: str,
    *,
    signal: CheckInSignal,
    note: str | None,
    principal: Principal,
    store: FeedbackRepository,
    clock: Clock = utc_now,
    ids: Callable[[], str] = new_id,
) -> CheckIn:
    """Record a student's signal; the check-in and CheckInRecorded commit together."""
    principal.require(Role.STUDENT)

    async def work(tx: FeedbackUnit) -> CheckIn:
        channel = await tx.find_channel(principal.district, session_id)
        if channel is not None and not _attends(principal, channel.section_id):
            raise Forbidden("only students of the session's section may check in")
        item = check_in(
            channel, session_id=session_id, student_id=principal.subject, signal=signal,
            note=note, new_id=ids, at=clock(),
        )
        await tx.insert_check_in(item)
        await tx.emit(check_in_recorded(item))
        return item

    return await store.atomically(work)


async def list_session_check_ins(
    session_id: str, *, principal: Principal, store: FeedbackRepository
) -> list[CheckIn]:
    """Staff of the section see every check-in; a student sees only their own."""
    channel = await store.find_channel(principal.district, session_id)
    if channel is None:
        raise ChannelNotFound(session_id)
    if _teaches(principal, channel.section_id):
        return await store.list_check_ins(principal.district, session_id)
    if principal.has(Role.STUDENT):
        return await store.list_check_ins(
            principal.district, session_id, student_id=principal.subject
        )
    raise Forbidden("only the section's staff and students may read its check-ins")


async def get_check_in(
    checkin_id: str, *, principal: Principal, store: FeedbackRepository
) -> CheckIn:
    item = await store.find_check_in(principal.district, checkin_id)
    # Anyone else is told it does not exist, so ids reveal nothing about other students.
    if item is None or not (
        _teaches(principal, item.section_id)
        or (principal.has(Role.STUDENT) and item.student_id == principal.subject)
    ):
        raise CheckInNotFound(checkin_id)
    return item


async def get_channel(
    session_id: str, *, principal: Principal, store: FeedbackRepository
) -> ChannelView:
    """The channel's state and how the section feels now (each student's latest signal)."""
    channel = await store.find_channel(principal.district, session_id)
    if channel is None:
        raise ChannelNotFound(session_id)
    if not (_teaches(principal, channel.section_id) or _attends(principal, channel.section_id)):
        raise Forbidden("only the section's staff and students may read its live channel")
    check_ins = await store.list_check_ins(principal.district, session_id)
    return ChannelView(channel=channel, counts=latest_signals(check_ins))
