"""Live sessions' MongoDB access: channels, check-ins and attendance, mapped to and from
documents. `services/feedback/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from bookend.mongo import Document, Queries, from_document, order_key, to_document
from bookend.paging import KeyedPage, PageAsk
from services.feedback.live.domain import (
    AttendanceSummary,
    Attendee,
    CheckIn,
    LiveChannel,
    SectionSchool,
)

CHANNELS = "channels"
CHECK_INS = "checkins"
SECTION_SCHOOLS = "section_schools"
# One document per student and session, its joins and leaves inside (at most MAX_JOINS joins):
# a student's reports are applied one after another, and the summary reads a session at once.
ATTENDEES = "attendees"
ATTENDANCE_SUMMARIES = "attendance_summaries"
RECORDED_ORDER = [("recorded_at", 1), ("_id", 1)]
# When a check-in was recorded, then its id, as one string written with it (ADR 0007): the
# key a session's check-ins are paged by.
ORDER = "order"
ORDER_ADDED = "checkin_order_added"

# (collection, fields, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    (CHECK_INS, ["district_id", "session_id", "recorded_at"], False),
    (CHECK_INS, ["district_id", "session_id", ORDER], False),
    (CHECK_INS, ["district_id", "session_id", "student_id", ORDER], False),
    (SECTION_SCHOOLS, ["district_id", "section_id"], True),
    (ATTENDEES, ["district_id", "session_id", "student_id"], True),
]


class LiveQueries(Queries):
    async def get_channel(self, district_id: str, session_id: str) -> LiveChannel | None:
        query = {"_id": session_id, "district_id": district_id}
        return await self._get(LiveChannel, CHANNELS, query, key="session_id")

    async def get_check_in(self, district_id: str, checkin_id: str) -> CheckIn | None:
        query = {"_id": checkin_id, "district_id": district_id}
        return await self._get(CheckIn, CHECK_INS, query, key="id")

    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        query = {"district_id": district_id, "section_id": section_id}
        found = await self._get(SectionSchool, SECTION_SCHOOLS, query)
        return None if found is None else found.school_id

    async def list_check_ins(
        self, district_id: str, session_id: str, *, student_id: str | None = None
    ) -> list[CheckIn]:
        query: Document = {"district_id": district_id, "session_id": session_id}
        if student_id is not None:
            query["student_id"] = student_id
        return await self._list(CheckIn, CHECK_INS, query, RECORDED_ORDER, key="id")

    async def page_check_ins(
        self, district_id: str, session_id: str, asked: PageAsk, *, student_id: str | None = None
    ) -> KeyedPage[CheckIn]:
        query: Document = {"district_id": district_id, "session_id": session_id}
        if student_id is not None:
            query["student_id"] = student_id
        return await self._page(CHECK_INS, query, ORDER, asked, _check_in)

    async def add_check_in_order(self) -> None:
        """Check-ins stored before they were paged get their order field, once."""
        await self._add_missing(
            CHECK_INS, ORDER, lambda doc: check_in_document(_check_in(doc)), ORDER_ADDED
        )

    async def get_attendee(
        self, district_id: str, session_id: str, student_id: str
    ) -> Attendee | None:
        query = {"district_id": district_id, "session_id": session_id, "student_id": student_id}
        return await self._get(Attendee, ATTENDEES, query)

    async def list_attendees(self, district_id: str, session_id: str) -> list[Attendee]:
        query = {"district_id": district_id, "session_id": session_id}
        return await self._list(Attendee, ATTENDEES, query, [("student_id", 1)])

    async def get_attendance_summary(
        self, district_id: str, session_id: str
    ) -> AttendanceSummary | None:
        query = {"_id": session_id, "district_id": district_id}
        return await self._get(AttendanceSummary, ATTENDANCE_SUMMARIES, query, key="session_id")


class LiveWrites(LiveQueries):
    async def save_channel(self, channel: LiveChannel) -> None:
        await self._save(CHANNELS, channel, "_id", key="session_id")

    async def add_check_in(self, check_in: CheckIn) -> None:
        await self.db[CHECK_INS].insert_one(check_in_document(check_in), session=self.session)

    async def save_section_school(self, placement: SectionSchool) -> None:
        await self._save(SECTION_SCHOOLS, placement, "district_id", "section_id")

    async def save_attendee(self, attendee: Attendee) -> None:
        await self._save(ATTENDEES, attendee, "district_id", "session_id", "student_id")

    async def add_attendance_summary(self, summary: AttendanceSummary) -> None:
        await self._add(ATTENDANCE_SUMMARIES, summary, key="session_id")


def check_in_document(check_in: CheckIn) -> Document:
    return to_document(check_in, key="id") | {ORDER: order_key(check_in.recorded_at, check_in.id)}


def _check_in(doc: Document) -> CheckIn:
    return from_document(CheckIn, doc, key="id")
