"""Feedback's MongoDB access: live channels and check-ins, mapped to and from documents."""

from __future__ import annotations

from datetime import UTC, datetime

from bookend.contracts.feedback import ChannelStatus, CheckInSignal
from bookend.mongo import Document, Queries
from bookend.outbox import OutboxStore, OutboxTransaction
from services.feedback.domain import CheckIn, LiveChannel

CHANNELS = "channels"
CHECK_INS = "checkins"
RECORDED_ORDER = [("recorded_at", 1), ("_id", 1)]


class FeedbackQueries(Queries):
    async def get_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        doc = await self._one(CHANNELS, {"_id": session_id, "district_id": district_id})
        return None if doc is None else channel_from_document(doc)

    async def get_check_in(self, district_id: str, checkin_id: str) -> CheckIn | None:
        doc = await self._one(CHECK_INS, {"_id": checkin_id, "district_id": district_id})
        return None if doc is None else check_in_from_document(doc)

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]:
        query: Document = {"district_id": district_id, "session_id": session_id}
        if student_id is not None:
            query["student_id"] = student_id
        docs = await self._many(CHECK_INS, query, RECORDED_ORDER)
        return [check_in_from_document(doc) for doc in docs]


class FeedbackTransaction(OutboxTransaction, FeedbackQueries):
    async def save_channel(self, channel: LiveChannel) -> None:
        await self.db[CHANNELS].replace_one(
            {"_id": channel.session_id},
            channel_document(channel),
            upsert=True,
            session=self.session,
        )

    async def add_check_in(self, check_in: CheckIn) -> None:
        await self.db[CHECK_INS].insert_one(check_in_document(check_in), session=self.session)


class FeedbackStore(OutboxStore[FeedbackTransaction], FeedbackQueries):
    transaction = FeedbackTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        await self._index(CHECK_INS, ["district_id", "session_id", "recorded_at"])


def channel_document(channel: LiveChannel) -> Document:
    return {
        "_id": channel.session_id,
        "district_id": channel.district_id,
        "section_id": channel.section_id,
        "status": channel.status.value,
        "opened_at": channel.opened_at,
        "closed_at": channel.closed_at,
    }


def channel_from_document(doc: Document) -> LiveChannel:
    return LiveChannel(
        session_id=doc["_id"],
        district_id=doc["district_id"],
        section_id=doc["section_id"],
        status=ChannelStatus(doc["status"]),
        opened_at=_utc(doc.get("opened_at")),
        closed_at=_utc(doc.get("closed_at")),
    )


def check_in_document(check_in: CheckIn) -> Document:
    return {
        "_id": check_in.id,
        "district_id": check_in.district_id,
        "session_id": check_in.session_id,
        "section_id": check_in.section_id,
        "student_id": check_in.student_id,
        "signal": check_in.signal.value,
        "note": check_in.note,
        "recorded_at": check_in.recorded_at,
    }


def check_in_from_document(doc: Document) -> CheckIn:
    return CheckIn(
        id=doc["_id"],
        district_id=doc["district_id"],
        session_id=doc["session_id"],
        section_id=doc["section_id"],
        student_id=doc["student_id"],
        signal=CheckInSignal(doc["signal"]),
        note=doc.get("note"),
        recorded_at=doc["recorded_at"].astimezone(UTC),
    )


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)
