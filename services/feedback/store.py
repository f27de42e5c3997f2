"""Feedback's MongoDB access: live channels and check-ins, mapped to and from documents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from pymongo import ASCENDING

from bookend.contracts.feedback import CheckInSignal
from services.feedback.domain import ChannelStatus, CheckIn, LiveChannel
from bookend.outbox import MongoStore, MongoTransaction
from bookend.outbox.mongo import Document

CHANNELS = "channels"
CHECK_INS = "checkins"

T = TypeVar("T")


class FeedbackTransaction(MongoTransaction):
    async def find_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        doc = await self.db[CHANNELS].find_one(
            {"_id": session_id, "district_id": district_id}, session=self.session
        )
        return None if doc is None else channel_from_document(doc)

    async def save_channel(self, channel: LiveChannel) -> None:
        await self.db[CHANNELS].replace_one(
            {"_id": channel.session_id}, channel_document(channel), upsert=True,
            session=self.session,
        )

    async def insert_check_in(self, check_in: CheckIn) -> None:
        await self.db[CHECK_INS].insert_one(check_in_document(check_in), session=self.session)


class FeedbackStore(MongoStore[FeedbackTransaction]):
    transaction = FeedbackTransaction

    async def create_indexes(self) -> None:
        await self.db[CHECK_INS].create_index(
            [("district_id", ASCENDING), ("session_id", ASCENDING), ("recorded_at", ASCENDING)]
        )

    async def find_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        doc = await self.db[CHANNELS].find_one({"_id": session_id, "district_id": district_id})
        return None if doc is None else channel_from_document(doc)

    async def find_check_in(self, district_id: str, checkin_id: str) -> CheckIn | None:
        doc = await self.db[CHECK_INS].find_one({"_id": checkin_id, "district_id": district_id})
        return None if doc is None else check_in_from_document(doc)

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]:
        query: Document = {"district_id": district_id, "session_id": session_id}
        if student_id is not None:
            query["student_id"] = student_id
        docs = await (
            self.db[CHECK_INS]
            .find(query)
            .sort([("recorded_at", ASCENDING), ("_id", ASCENDING)])
            .to_list()
        )
        return [check_in_from_document(doc) for doc in docs]


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
